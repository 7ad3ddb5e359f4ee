/**
 * Engine cases for links stacked on a base interface, on this machine's kernel: mac-vlan, mac-vtap and vxlan
 * (the base is a sandbox NIC). Created, changed (in place and by a recreate) and removed through YAML documents
 * and the whole engine; checked with the backend's query and with a plain `ip -j -d link show`.
 * @module
 */
import assert from 'node:assert/strict'
import { addrs, hasIface, ifaceOf, type E2eEnv } from './env.js'
import { ipLink, isUp, requireIpLink } from './ip-link.js'

async function macvlanLike(env: E2eEnv, type: 'mac-vlan' | 'mac-vtap', kind: string): Promise<void> {
  await env.apply(`interfaces:
  - name: mv0
    type: ${type}
    mtu: 1400
    mac-address: '02:00:00:00:4d:01'
    ${type}: {base-iface: eth1, mode: vepa}
    ipv4: {address: [{ip: 192.0.2.40, prefix-length: 24}]}
`)
  let s = await env.query()
  const mv = ifaceOf(s, 'mv0')
  assert.deepEqual(
    [mv.type, mv.state, mv.mtu, mv.mac, mv.macvlan?.baseIface, mv.macvlan?.mode],
    [type, 'up', 1400, '02:00:00:00:4d:01', 'eth1', 'vepa'],
  )
  assert.deepEqual(addrs(mv.ipv4), ['192.0.2.40/24'])
  let l = await requireIpLink(env.ns, 'mv0')
  assert.deepEqual([l.linkinfo?.info_kind, l.linkinfo?.info_data?.['mode'], l.link, l.mtu], [kind, 'vepa', 'eth1', 1400])

  // (state: down would remove mv0, as nmstate removes a virtual interface set down)
  await env.apply('interfaces: [{name: mv0, mtu: 1300, ipv4: {enabled: false}}]\n')
  s = await env.query()
  assert.deepEqual([ifaceOf(s, 'mv0').mtu, ifaceOf(s, 'mv0').state, addrs(ifaceOf(s, 'mv0').ipv4)], [1300, 'up', []])
  assert.equal(isUp(await requireIpLink(env.ns, 'mv0')), true)

  // the mode cannot change on a live link: recreated, keeping MAC and MTU
  await env.apply(`interfaces: [{name: mv0, state: up, ${type}: {mode: bridge}}]\n`)
  s = await env.query()
  assert.deepEqual(
    [ifaceOf(s, 'mv0').macvlan?.mode, ifaceOf(s, 'mv0').mac, ifaceOf(s, 'mv0').mtu, ifaceOf(s, 'mv0').state],
    ['bridge', '02:00:00:00:4d:01', 1300, 'up'],
  )
  l = await requireIpLink(env.ns, 'mv0')
  assert.deepEqual([l.linkinfo?.info_data?.['mode'], l.address], ['bridge', '02:00:00:00:4d:01'])

  // nmstate's way of removing a virtual interface: state down
  await env.apply(`interfaces: [{name: mv0, type: ${type}, state: down}]\n`)
  s = await env.query()
  assert.deepEqual([hasIface(s, 'mv0'), hasIface(s, 'eth1')], [false, true])
  assert.equal(await ipLink(env.ns, 'mv0'), undefined)
}

export function macvlanCase(env: E2eEnv): Promise<void> {
  return macvlanLike(env, 'mac-vlan', 'macvlan')
}

export function macvtapCase(env: E2eEnv): Promise<void> {
  return macvlanLike(env, 'mac-vtap', 'macvtap')
}

export async function vxlanCase(env: E2eEnv): Promise<void> {
  await env.apply(`interfaces:
  - {name: eth2, ipv4: {address: [{ip: 192.0.2.1, prefix-length: 24}]}}
  - name: vx42
    type: vxlan
    vxlan: {id: 42, local: 192.0.2.1, remote: 198.51.100.7, destination-port: 4790, base-iface: eth2, learning: false}
    controller: brv
  - {name: brv, type: linux-bridge}
`)
  let s = await env.query()
  const vx = ifaceOf(s, 'vx42')
  assert.deepEqual(
    vx.vxlan,
    { id: 42, local: '192.0.2.1', remote: '198.51.100.7', destinationPort: 4790, baseIface: 'eth2', learning: false, remotes: [] },
  )
  assert.deepEqual([vx.state, vx.controller], ['up', 'brv'])
  let l = await requireIpLink(env.ns, 'vx42')
  const d = l.linkinfo?.info_data ?? {}
  assert.deepEqual(
    [l.linkinfo?.info_kind, d['id'], d['remote'], d['local'], d['port'], d['link'], d['learning'], l.master],
    ['vxlan', 42, '198.51.100.7', '192.0.2.1', 4790, 'eth2', false, 'brv'],
  )

  await env.apply('interfaces: [{name: vx42, mtu: 1400}]\n')
  assert.equal(ifaceOf(await env.query(), 'vx42').mtu, 1400)
  assert.equal((await requireIpLink(env.ns, 'vx42')).mtu, 1400)

  // a new remote: recreated, still a port of brv, MTU kept
  await env.apply('interfaces: [{name: vx42, vxlan: {remote: 198.51.100.8}}]\n')
  s = await env.query()
  assert.deepEqual(
    [ifaceOf(s, 'vx42').vxlan?.remote, ifaceOf(s, 'vx42').controller, ifaceOf(s, 'vx42').mtu],
    ['198.51.100.8', 'brv', 1400],
  )
  l = await requireIpLink(env.ns, 'vx42')
  assert.deepEqual([l.linkinfo?.info_data?.['remote'], l.master], ['198.51.100.8', 'brv'])

  await env.apply('interfaces: [{name: vx42, state: absent}, {name: brv, state: absent}]\n')
  s = await env.query()
  assert.deepEqual([hasIface(s, 'vx42'), hasIface(s, 'brv')], [false, false])
  assert.equal(await ipLink(env.ns, 'vx42'), undefined)
}
