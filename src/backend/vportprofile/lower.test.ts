import { test } from 'node:test'
import assert from 'node:assert/strict'
import { rootOf, selfOf } from './lower.js'

const links = [
  { ifindex: 2, ifname: 'eth0' },
  { ifindex: 3, ifname: 'eth0.100', link: 'eth0', linkinfo: { info_kind: 'vlan', info_data: { id: 100 } } },
  { ifindex: 4, ifname: 'mv0', link: 'eth0.100', linkinfo: { info_kind: 'macvlan' } },
  { ifindex: 5, ifname: 'veth0', link: 'peer0', link_netnsid: 1, linkinfo: { info_kind: 'veth' } },
  { ifindex: 6, ifname: 'v200', link: 'veth0', linkinfo: { info_kind: 'vlan', info_data: { id: 200 } } },
]

test('the root under VLAN and macvlan devices, with the first VLAN id on the way (libvirt: GetPhysdevAndVlan)', () => {
  assert.deepEqual(rootOf(links, 'mv0', 'x'), { ifindex: 2, ifname: 'eth0', vlan: 100 })
  assert.deepEqual(rootOf(links, 'eth0.100', 'x'), { ifindex: 2, ifname: 'eth0', vlan: 100 })
  assert.deepEqual(rootOf(links, 'eth0', 'x'), { ifindex: 2, ifname: 'eth0', vlan: 0 })
})

test('a veth is a root: its peer (another namespace) is not its parent', () => {
  assert.deepEqual(rootOf(links, 'v200', 'x'), { ifindex: 5, ifname: 'veth0', vlan: 200 })
})

test('a missing device, and a loop, are errors naming the device', () => {
  assert.throws(() => rootOf(links, 'nope', "namespace 'lab'"), /interface 'nope' does not exist in namespace 'lab'/)
  const loop = [
    { ifindex: 1, ifname: 'a', link: 'b', linkinfo: { info_kind: 'vlan', info_data: { id: 1 } } },
    { ifindex: 2, ifname: 'b', link: 'a', linkinfo: { info_kind: 'vlan', info_data: { id: 2 } } },
  ]
  assert.throws(() => rootOf(loop, 'a', 'x'), /cannot find the root device of 'a'/)
  assert.deepEqual(selfOf(links, 'mv0', 'x'), { ifindex: 4, ifname: 'mv0', vlan: 0 })
})
