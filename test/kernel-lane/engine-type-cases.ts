/**
 * Engine cases for the kinds this VM's kernel lacks (bond, VLAN, dummy, vrf), run inside the UML guest by
 * engine-cases.ts: created, changed and removed through YAML documents and the whole engine, checked with the
 * backend's query and with a plain `ip -j -d link show`.
 * @module
 */
import assert from 'node:assert/strict'
import { addrs, hasIface, ifaceOf, type E2eEnv } from '../host-e2e/env.js'
import { ipLink, isUp, requireIpLink } from '../host-e2e/ip-link.js'

export async function dummyCase(env: E2eEnv): Promise<void> {
  await env.apply(`interfaces:
  - name: d0
    type: dummy
    mtu: 9000
    mac-address: '02:00:00:00:0d:00'
    ipv6: {address: [{ip: '2001:db8::d0', prefix-length: 64}]}
`)
  let s = await env.query()
  const d = ifaceOf(s, 'd0')
  assert.deepEqual(
    [d.type, d.state, d.mtu, d.mac, addrs(d.ipv6)],
    ['dummy', 'up', 9000, '02:00:00:00:0d:00', ['2001:db8::d0/64']],
  )
  const l = await requireIpLink(env.ns, 'd0')
  assert.deepEqual([l.linkinfo?.info_kind, l.mtu, l.address, isUp(l)], ['dummy', 9000, '02:00:00:00:0d:00', true])

  // (state: down would remove d0, as nmstate removes a virtual interface set down)
  await env.apply("interfaces: [{name: d0, mtu: 1280, mac-address: '02:00:00:00:0d:01', ipv6: {enabled: false}}]\n")
  s = await env.query()
  assert.deepEqual(
    [ifaceOf(s, 'd0').state, ifaceOf(s, 'd0').mtu, ifaceOf(s, 'd0').mac, addrs(ifaceOf(s, 'd0').ipv6)],
    ['up', 1280, '02:00:00:00:0d:01', []],
  )
  assert.equal(isUp(await requireIpLink(env.ns, 'd0')), true)

  await env.apply('interfaces: [{name: d0, type: dummy, state: absent}]\n')
  assert.equal(hasIface(await env.query(), 'd0'), false)
  assert.equal(await ipLink(env.ns, 'd0'), undefined)
}

export async function bondCase(env: E2eEnv): Promise<void> {
  await env.apply(`interfaces:
  - name: bond0
    type: bond
    link-aggregation: {mode: active-backup, options: {miimon: 100}, port: [d1, d2]}
    ipv4: {address: [{ip: 192.0.2.7, prefix-length: 24}]}
  - {name: d1, type: dummy}
  - {name: d2, type: dummy}
`)
  let s = await env.query()
  const b = ifaceOf(s, 'bond0')
  assert.deepEqual(
    [b.type, b.state, b.bond?.mode, b.bond?.options?.['miimon'], [...(b.bond?.ports ?? [])].sort()],
    ['bond', 'up', 'active-backup', 100, ['d1', 'd2']],
  )
  assert.deepEqual([ifaceOf(s, 'd1').controller, addrs(b.ipv4)], ['bond0', ['192.0.2.7/24']])
  let l = await requireIpLink(env.ns, 'bond0')
  assert.deepEqual(
    [l.linkinfo?.info_kind, l.linkinfo?.info_data?.['mode'], l.linkinfo?.info_data?.['miimon']],
    ['bond', 'active-backup', 100],
  )
  assert.equal((await requireIpLink(env.ns, 'd2')).master, 'bond0')

  // options in place, one port out, MTU through the bond to its port
  await env.apply(`interfaces:
  - {name: bond0, mtu: 9000, link-aggregation: {options: {miimon: 200, updelay: 400}, port: [d2]}}
`)
  s = await env.query()
  const bo = ifaceOf(s, 'bond0').bond
  assert.deepEqual([bo?.options?.['miimon'], bo?.options?.['updelay'], bo?.ports], [200, 400, ['d2']])
  assert.deepEqual(
    [ifaceOf(s, 'd1').controller, ifaceOf(s, 'd1').state, ifaceOf(s, 'd2').mtu, ifaceOf(s, 'bond0').mtu],
    [null, 'up', 9000, 9000],
  )
  assert.equal((await requireIpLink(env.ns, 'd1')).master, undefined)

  // a new mode: the bond is recreated and its port attached again
  await env.apply('interfaces: [{name: bond0, link-aggregation: {mode: balance-xor, options: {xmit_hash_policy: layer2+3}}}]\n')
  s = await env.query()
  assert.deepEqual(
    [ifaceOf(s, 'bond0').bond?.mode, ifaceOf(s, 'bond0').bond?.ports, addrs(ifaceOf(s, 'bond0').ipv4)],
    ['balance-xor', ['d2'], ['192.0.2.7/24']],
  )
  l = await requireIpLink(env.ns, 'bond0')
  assert.deepEqual([l.linkinfo?.info_data?.['mode'], l.linkinfo?.info_data?.['xmit_hash_policy']], ['balance-xor', 'layer2+3'])

  await env.apply('interfaces: [{name: bond0, state: absent}]\n')
  s = await env.query()
  assert.deepEqual(
    [hasIface(s, 'bond0'), ifaceOf(s, 'd2').controller, ifaceOf(s, 'd2').state],
    [false, null, 'up'],
    'ports are released, still up',
  )
  assert.equal(await ipLink(env.ns, 'bond0'), undefined)
}

export async function vlanCase(env: E2eEnv): Promise<void> {
  await env.apply(`interfaces:
  - {name: d0, type: dummy, mtu: 9000}
  - {name: d0.10, type: vlan, vlan: {base-iface: d0, id: 10}, ipv4: {address: [{ip: 192.0.2.10, prefix-length: 24}]}}
  - {name: qinq, type: vlan, mtu: 8000, vlan: {base-iface: d0, id: 100, protocol: 802.1ad}}
`)
  let s = await env.query()
  assert.deepEqual(ifaceOf(s, 'd0.10').vlan, { baseIface: 'd0', id: 10, protocol: '802.1q' })
  assert.deepEqual(
    [ifaceOf(s, 'd0.10').mtu, ifaceOf(s, 'd0.10').state, addrs(ifaceOf(s, 'd0.10').ipv4)],
    [9000, 'up', ['192.0.2.10/24']],
  )
  assert.deepEqual([ifaceOf(s, 'qinq').vlan?.protocol, ifaceOf(s, 'qinq').mtu], ['802.1ad', 8000])
  let l = await requireIpLink(env.ns, 'd0.10')
  assert.deepEqual(
    [l.linkinfo?.info_kind, l.linkinfo?.info_data?.['id'], l.linkinfo?.info_data?.['protocol'], l.link],
    ['vlan', 10, '802.1Q', 'd0'],
  )

  // lowering the base's MTU lowers its VLANs; a new id recreates the VLAN with its address
  await env.apply('interfaces: [{name: d0, mtu: 1500}, {name: d0.10, vlan: {id: 11}}]\n')
  s = await env.query()
  assert.deepEqual(
    [ifaceOf(s, 'd0.10').vlan?.id, ifaceOf(s, 'd0.10').mtu, ifaceOf(s, 'qinq').mtu, addrs(ifaceOf(s, 'd0.10').ipv4)],
    [11, 1500, 1500, ['192.0.2.10/24']],
  )
  l = await requireIpLink(env.ns, 'd0.10')
  assert.deepEqual([l.linkinfo?.info_data?.['id'], l.mtu], [11, 1500])

  await env.apply('interfaces: [{name: d0, state: absent}]\n')
  s = await env.query()
  assert.deepEqual(
    [hasIface(s, 'd0'), hasIface(s, 'd0.10'), hasIface(s, 'qinq')],
    [false, false, false],
    'the VLANs go with their base',
  )
  assert.equal(await ipLink(env.ns, 'qinq'), undefined)
}

export async function vrfCase(env: E2eEnv): Promise<void> {
  await env.apply(`interfaces:
  - {name: blue, type: vrf, vrf: {route-table-id: 1001, port: [d0]}}
  - {name: d0, type: dummy, ipv4: {address: [{ip: 198.51.100.1, prefix-length: 24}]}}
  - {name: d1, type: dummy}
routes:
  config:
    - {destination: 203.0.113.0/24, next-hop-address: 198.51.100.254, next-hop-interface: d0, table-id: 1001}
`)
  let s = await env.query()
  assert.deepEqual(
    [ifaceOf(s, 'blue').vrf?.tableId, ifaceOf(s, 'blue').vrf?.ports, ifaceOf(s, 'd0').controller],
    [1001, ['d0'], 'blue'],
  )
  assert.deepEqual(
    s.routes,
    [{ destination: '203.0.113.0/24', nextHopAddress: '198.51.100.254', nextHopInterface: 'd0', tableId: 1001 }],
  )
  const l = await requireIpLink(env.ns, 'blue')
  assert.deepEqual([l.linkinfo?.info_kind, l.linkinfo?.info_data?.['table']], ['vrf', 1001])
  assert.equal((await requireIpLink(env.ns, 'd0')).master, 'blue')

  await env.apply('interfaces: [{name: blue, vrf: {port: [d0, d1]}}]\n')
  s = await env.query()
  assert.deepEqual([[...(ifaceOf(s, 'blue').vrf?.ports ?? [])].sort(), ifaceOf(s, 'd1').controller], [['d0', 'd1'], 'blue'])

  // a new table: the VRF is recreated, its ports attached again
  await env.apply('interfaces: [{name: blue, vrf: {route-table-id: 1002}}]\n')
  s = await env.query()
  assert.deepEqual([ifaceOf(s, 'blue').vrf?.tableId, [...(ifaceOf(s, 'blue').vrf?.ports ?? [])].sort()], [1002, ['d0', 'd1']])
  assert.equal((await requireIpLink(env.ns, 'blue')).linkinfo?.info_data?.['table'], 1002)

  await env.apply('interfaces: [{name: blue, state: absent}]\n')
  s = await env.query()
  assert.deepEqual([hasIface(s, 'blue'), ifaceOf(s, 'd0').controller, ifaceOf(s, 'd1').controller], [false, null, null])
  assert.equal(await ipLink(env.ns, 'blue'), undefined)
}
