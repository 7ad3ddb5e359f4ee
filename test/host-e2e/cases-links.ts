/**
 * Per-type engine cases on this machine's kernel: veth, linux-bridge, ethernet (a sandbox veth end standing in
 * for a NIC) and tap. Each case creates, changes and removes through YAML documents and the whole engine, then
 * checks the result twice: with the backend's query and with a plain `ip -j -d link show`.
 * @module
 */
import assert from 'node:assert/strict'
import { addrs, hasIface, ifaceOf, type E2eEnv } from './env.js'
import { ipLink, isUp, requireIpLink } from './ip-link.js'

export async function vethCase(env: E2eEnv): Promise<void> {
  const r = await env.apply(`interfaces:
  - name: ve0
    type: veth
    mtu: 1400
    mac-address: '02:00:00:00:aa:01'
    veth: {peer: ve0p}
    ipv4: {address: [{ip: 192.0.2.10, prefix-length: 24}]}
    ipv6: {address: [{ip: '2001:db8::10', prefix-length: 64}]}
`)
  assert.equal(r.status, 'committed')
  let s = await env.query()
  const ve0 = ifaceOf(s, 've0')
  assert.deepEqual([ve0.type, ve0.state, ve0.mtu, ve0.mac, ve0.veth?.peer], ['veth', 'up', 1400, '02:00:00:00:aa:01', 've0p'])
  assert.deepEqual([addrs(ve0.ipv4), addrs(ve0.ipv6)], [['192.0.2.10/24'], ['2001:db8::10/64']])
  assert.deepEqual([ifaceOf(s, 've0p').state, ifaceOf(s, 've0p').veth?.peer], ['up', 've0'], 'the implied peer is created up')
  const l = await requireIpLink(env.ns, 've0')
  assert.deepEqual([l.linkinfo?.info_kind, l.mtu, l.address, l.link], ['veth', 1400, '02:00:00:00:aa:01', 've0p'])

  await env.apply(`interfaces:
  - name: ve0
    mtu: 9000
    mac-address: '02:00:00:00:aa:02'
    ipv4: {address: [{ip: 192.0.2.11, prefix-length: 25}]}
    ipv6: {enabled: false}
  - {name: ve0p, state: down}
`)
  s = await env.query()
  assert.deepEqual([ifaceOf(s, 've0').mtu, ifaceOf(s, 've0').mac, ifaceOf(s, 've0p').state], [9000, '02:00:00:00:aa:02', 'down'])
  assert.deepEqual([addrs(ifaceOf(s, 've0').ipv4), addrs(ifaceOf(s, 've0').ipv6)], [['192.0.2.11/25'], []])
  assert.equal(isUp(await requireIpLink(env.ns, 've0p')), false)

  // a new peer name: the pair is recreated, keeping ve0's MAC and MTU
  await env.apply('interfaces: [{name: ve0, veth: {peer: ve0x}}]\n')
  s = await env.query()
  assert.deepEqual(
    [ifaceOf(s, 've0').veth?.peer, ifaceOf(s, 've0').mac, ifaceOf(s, 've0').mtu],
    ['ve0x', '02:00:00:00:aa:02', 9000],
  )
  assert.equal(hasIface(s, 've0p'), false, 'the old peer went with the old pair')
  assert.equal((await requireIpLink(env.ns, 've0x')).link, 've0')

  await env.apply('interfaces: [{name: ve0, type: veth, state: absent}]\n')
  s = await env.query()
  assert.deepEqual([hasIface(s, 've0'), hasIface(s, 've0x')], [false, false], 'removing one end removes the pair')
  assert.equal(await ipLink(env.ns, 've0x'), undefined)
}

export async function bridgeCase(env: E2eEnv): Promise<void> {
  await env.apply(`interfaces:
  - name: br0
    type: linux-bridge
    ipv4: {address: [{ip: 198.51.100.1, prefix-length: 24}]}
    bridge:
      options: {stp: {enabled: false, forward-delay: 0}, mac-ageing-time: 120, multicast-snooping: false, group-fwd-mask: 8}
      port:
        - {name: p0, stp-path-cost: 42, stp-hairpin-mode: true}
        - {name: p1}
  - {name: p0, type: veth, veth: {peer: p0x}}
  - {name: p1, type: veth, veth: {peer: p1x}}
  - {name: p2, type: veth, veth: {peer: p2x}}
`)
  let s = await env.query()
  const br = ifaceOf(s, 'br0')
  assert.deepEqual([br.type, br.state, br.bridge?.ports?.map((p) => p.name).sort()], ['linux-bridge', 'up', ['p0', 'p1']])
  const o = br.bridge?.options
  assert.deepEqual([o?.stp, o?.macAgeingTimeSec, o?.multicastSnooping, o?.groupFwdMask], [false, 120, false, 8])
  assert.deepEqual(addrs(br.ipv4), ['198.51.100.1/24'])
  assert.deepEqual(
    [ifaceOf(s, 'p0').controller, ifaceOf(s, 'p0').bridgePort?.stpPathCost, ifaceOf(s, 'p0').bridgePort?.hairpin],
    ['br0', 42, true],
  )
  const bl = await requireIpLink(env.ns, 'br0')
  const bd = bl.linkinfo?.info_data ?? {}
  assert.deepEqual([bl.linkinfo?.info_kind, bd['stp_state'], bd['ageing_time'], bd['mcast_snooping']], ['bridge', 0, 12000, 0])
  const pl = await requireIpLink(env.ns, 'p0')
  assert.deepEqual(
    [pl.master, pl.linkinfo?.info_slave_kind, pl.linkinfo?.info_slave_data?.['cost'], pl.linkinfo?.info_slave_data?.['hairpin']],
    ['br0', 'bridge', 42, true],
  )

  // ports replaced (p0 out, p2 in), STP on with a forward delay, a new MTU on the ports
  await env.apply(`interfaces:
  - name: br0
    bridge:
      options: {stp: {enabled: true, forward-delay: 4}, mac-ageing-time: 300}
      port: [{name: p1}, {name: p2, stp-priority: 7}]
  - {name: p1, mtu: 1400}
  - {name: p2, mtu: 1400}
`)
  s = await env.query()
  assert.deepEqual(ifaceOf(s, 'br0').bridge?.ports?.map((p) => p.name).sort(), ['p1', 'p2'])
  assert.deepEqual([ifaceOf(s, 'br0').bridge?.options?.stp, ifaceOf(s, 'br0').bridge?.options?.forwardDelaySec], [true, 4])
  assert.deepEqual(
    [ifaceOf(s, 'p0').controller, ifaceOf(s, 'p2').bridgePort?.stpPriority, ifaceOf(s, 'br0').mtu],
    [null, 7, 1400],
  )
  assert.equal((await requireIpLink(env.ns, 'p0')).master, undefined)
  assert.equal((await requireIpLink(env.ns, 'br0')).linkinfo?.info_data?.['stp_state'], 1)

  await env.apply('interfaces: [{name: br0, state: absent}]\n')
  s = await env.query()
  assert.equal(hasIface(s, 'br0'), false)
  assert.deepEqual(['p1', 'p2'].map((n) => ifaceOf(s, n).controller), [null, null], 'the ports are released, not removed')
  assert.equal(await ipLink(env.ns, 'br0'), undefined)
}

/** eth0/eth1 of a sandbox: veth ends whose peers live in the switch namespace, standing in for NICs. */
export async function ethernetCase(env: E2eEnv): Promise<void> {
  const before = ifaceOf(await env.query(), 'eth0')
  await env.apply(`interfaces:
  - {name: eth0, mtu: 1280, mac-address: '02:00:00:00:e0:01', ipv4: {address: [{ip: 203.0.113.5, prefix-length: 24}]}}
  - {name: eth1, state: down}
`)
  let s = await env.query()
  assert.deepEqual(
    [ifaceOf(s, 'eth0').mtu, ifaceOf(s, 'eth0').mac, addrs(ifaceOf(s, 'eth0').ipv4)],
    [1280, '02:00:00:00:e0:01', ['203.0.113.5/24']],
  )
  assert.equal(ifaceOf(s, 'eth1').state, 'down')
  const l = await requireIpLink(env.ns, 'eth0')
  assert.deepEqual([l.mtu, l.address, l.link], [1280, '02:00:00:00:e0:01', undefined], 'the peer is in another namespace')

  // a NIC as the port of a new bridge, then back
  await env.apply(`interfaces:
  - {name: brx, type: linux-bridge, bridge: {port: [{name: eth0}, {name: eth1}]}}
  - {name: eth1, state: up}
`)
  s = await env.query()
  assert.deepEqual([ifaceOf(s, 'eth0').controller, ifaceOf(s, 'eth1').controller, ifaceOf(s, 'eth1').state], ['brx', 'brx', 'up'])
  assert.equal((await requireIpLink(env.ns, 'eth1')).master, 'brx')
  await env.apply(`interfaces:
  - {name: brx, state: absent}
  - {name: eth0, mtu: ${before.mtu ?? 1500}, mac-address: '${before.mac ?? ''}', ipv4: {enabled: false}}
`)
  s = await env.query()
  assert.deepEqual(
    [ifaceOf(s, 'eth0').controller, ifaceOf(s, 'eth0').mtu, ifaceOf(s, 'eth0').mac, addrs(ifaceOf(s, 'eth0').ipv4)],
    [null, before.mtu, before.mac, []],
  )
  assert.equal(hasIface(s, 'brx'), false)
}

export async function tapCase(env: E2eEnv): Promise<void> {
  await env.apply(`interfaces:
  - {name: tap0, type: tap, mtu: 9000, tap: {mode: tap, owner: 0, group: 0, multi-queue: true}}
  - {name: tun0, type: tap, tap: {mode: tun}}
`)
  let s = await env.query()
  const t = ifaceOf(s, 'tap0')
  assert.deepEqual([t.type, t.mtu, t.tap?.mode, t.tap?.owner, t.tap?.group, t.tap?.multiQueue], ['tap', 9000, 'tap', 0, 0, true])
  assert.deepEqual([ifaceOf(s, 'tun0').tap?.mode, ifaceOf(s, 'tun0').state], ['tun', 'up'])
  const l = await requireIpLink(env.ns, 'tap0')
  const td = l.linkinfo?.info_data ?? {}
  assert.deepEqual([l.linkinfo?.info_kind, td['type'], td['multi_queue'], td['user']], ['tun', 'tap', true, 'root'])

  // (state: down would remove tap0, as nmstate removes a virtual interface set down)
  await env.apply('interfaces: [{name: tap0, mtu: 1500}, {name: tun0, state: up, tap: {mode: tap}}]\n')
  s = await env.query()
  assert.deepEqual([ifaceOf(s, 'tap0').mtu, ifaceOf(s, 'tap0').state], [1500, 'up'])
  assert.deepEqual(
    [ifaceOf(s, 'tun0').tap?.mode, (await requireIpLink(env.ns, 'tun0')).linkinfo?.info_data?.['type']],
    ['tap', 'tap'],
    'recreated as a tap',
  )

  await env.apply('interfaces: [{name: tap0, state: absent}, {name: tun0, state: absent}]\n')
  s = await env.query()
  assert.deepEqual([hasIface(s, 'tap0'), hasIface(s, 'tun0')], [false, false])
  assert.equal(await ipLink(env.ns, 'tap0'), undefined)
}
