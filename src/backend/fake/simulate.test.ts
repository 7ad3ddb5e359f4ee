import { test } from 'node:test'
import assert from 'node:assert/strict'
import { HostnetError } from '../../errors.js'
import type { HostState } from '../../model/host/state.js'
import { hostStateFromYaml } from '../../../test/helpers/host-state.js'
import type { HostOp } from '../../plan/ops.js'
import { applyOpsToState } from './simulate.js'

const BASE: HostState = hostStateFromYaml(`
interfaces:
  - {name: eth0, type: ethernet, state: up, mtu: 1500, mac-address: "52:54:00:00:00:10", controller: "", ipv4: {address: [{ip: 192.0.2.10, prefix-length: 24}]}}
  - {name: eth1, type: ethernet, state: up, mtu: 9000, mac-address: "52:54:00:00:00:11", controller: ""}
routes:
  config:
    - {destination: 0.0.0.0/0, next-hop-address: 192.0.2.1, next-hop-interface: eth0, metric: 0, table-id: 254}
`)

function refusal(ops: HostOp[], state = BASE): HostnetError {
  try {
    applyOpsToState(state, ops)
  } catch (e) {
    if (e instanceof HostnetError) return e
    throw e
  }
  assert.fail('the simulated kernel accepted it')
}

function names(s: HostState): string[] {
  return s.interfaces.map((i) => i.name).sort()
}

const BR0: HostOp = { kind: 'link.create', iface: { name: 'br0', type: 'linux-bridge' } }
const VLAN: HostOp = { kind: 'link.create', iface: { name: 'eth1.5', type: 'vlan', vlan: { baseIface: 'eth1', id: 5 } } }
const VETH: HostOp = { kind: 'link.create', iface: { name: 'va', type: 'veth', veth: { peer: 'vb' } } }

test('creates links down, with kernel defaults, and never touches its input', () => {
  const copy = structuredClone(BASE)
  const s = applyOpsToState(BASE, [BR0, VLAN, VETH])
  assert.deepEqual(BASE, copy)
  assert.deepEqual(names(s), ['br0', 'eth0', 'eth1', 'eth1.5', 'va', 'vb'])
  const br0 = s.interfaces.find((i) => i.name === 'br0')!
  assert.equal(br0.state, 'down')
  assert.equal(br0.bridge?.options?.forwardDelaySec, 15)
  assert.equal(s.interfaces.find((i) => i.name === 'eth1.5')?.mtu, 9000, 'a VLAN inherits its base MTU')
  assert.equal(s.interfaces.find((i) => i.name === 'vb')?.veth?.peer, 'va')
})

test('refuses what the kernel refuses', () => {
  const cases: Array<[string, HostOp[], RegExp]> = [
    ['existing name', [{ kind: 'link.create', iface: { name: 'eth1', type: 'dummy' } }], /cannot create 'eth1': File exists/],
    ['uncreatable type', [{ kind: 'link.create', iface: { name: 'eth9', type: 'ethernet' } }], /cannot create a link of type ethernet/],
    ['missing controller', [{ kind: 'link.set-controller', name: 'eth1', controller: 'br9' }], /controller 'br9' does not exist/],
    ['non-controller', [{ kind: 'link.set-controller', name: 'eth1', controller: 'eth0' }], /'eth0' \(ethernet\) cannot have ports/],
    ['up port into a bond', [{ kind: 'link.create', iface: { name: 'bond0', type: 'bond' } }, { kind: 'link.set-controller', name: 'eth1', controller: 'bond0' }], /while up/],
    ['loop', [BR0, { kind: 'link.create', iface: { name: 'br0.5', type: 'vlan', vlan: { baseIface: 'br0', id: 5 } } }, { kind: 'link.set-controller', name: 'br0.5', controller: 'br0' }], /would make a loop/],
    ['VLAN MTU above its base', [VLAN, { kind: 'link.set-mtu', name: 'eth1.5', mtu: 9001 }], /exceeds its base's 9000/],
    ['same VLAN id twice', [VLAN, { kind: 'link.create', iface: { name: 'v5', type: 'vlan', vlan: { baseIface: 'eth1', id: 5 } } }], /already used by 'eth1\.5'/],
    ['delete missing link', [{ kind: 'link.delete', names: ['nope'] }], /'nope' does not exist/],
    ['duplicate address', [{ kind: 'addr.add', name: 'eth0', address: { ip: '192.0.2.10', prefixLength: 24 } }], /File exists/],
    ['missing address', [{ kind: 'addr.del', name: 'eth0', address: { ip: '192.0.2.11', prefixLength: 24 } }], /Cannot assign requested address/],
    ['route via a down link', [BR0, { kind: 'route.add', route: { destination: '10.0.0.0/8', nextHopInterface: 'br0' } }], /Network is down/],
    ['unreachable gateway', [{ kind: 'route.add', route: { destination: '10.0.0.0/8', nextHopAddress: '10.1.1.1', nextHopInterface: 'eth0' } }], /Nexthop has invalid gateway/],
    ['route key taken', [{ kind: 'route.add', route: { destination: '0.0.0.0/0', nextHopAddress: '192.0.2.2', nextHopInterface: 'eth0' } }], /File exists/],
    ['missing route', [{ kind: 'route.del', route: { destination: '10.0.0.0/8', nextHopInterface: 'eth0' } }], /No such process/],
    ['STP delay out of range', [BR0, { kind: 'bridge.set-options', name: 'br0', options: { stp: true } }, { kind: 'bridge.set-options', name: 'br0', options: { forwardDelaySec: 0 } }], /forward delay 0 out of range/],
  ]
  for (const [what, ops, message] of cases) {
    const e = refusal(ops)
    assert.match(e.message, message, what)
    assert.equal(e.details?.['opIndex'], ops.length - 1, what)
  }
})

test('deleting a base deletes its VLANs; deleting a veth deletes its peer; a deleted bridge releases its ports', () => {
  const s1 = applyOpsToState(BASE, [BR0, VLAN, VETH, { kind: 'link.set-controller', name: 'va', controller: 'br0' }])
  assert.equal(s1.interfaces.find((i) => i.name === 'va')?.controller, 'br0')
  assert.deepEqual(s1.interfaces.find((i) => i.name === 'br0')?.bridge?.ports, [{ name: 'va' }])
  const s2 = applyOpsToState(s1, [{ kind: 'link.delete', names: ['br0'] }])
  const va = s2.interfaces.find((i) => i.name === 'va')!
  assert.equal(va.controller, null)
  assert.equal(va.bridgePort, undefined)
  const s3 = applyOpsToState(s1, [{ kind: 'link.delete', names: ['vb'] }])
  assert.deepEqual(names(s3), ['br0', 'eth0', 'eth1', 'eth1.5'])
  const s4 = applyOpsToState(BASE, [VLAN, { kind: 'link.create', iface: { name: 'mv0', type: 'mac-vlan', macvlan: { baseIface: 'eth1.5' } } }, { kind: 'link.delete', names: ['eth1.5'] }])
  assert.deepEqual(names(s4), ['eth0', 'eth1'])
})

test('lowering a base lowers its children; a bond sets its ports MTU', () => {
  const s = applyOpsToState(BASE, [VLAN, { kind: 'link.set-mtu', name: 'eth1', mtu: 1400 }])
  assert.equal(s.interfaces.find((i) => i.name === 'eth1.5')?.mtu, 1400)
  const b = applyOpsToState(BASE, [
    { kind: 'link.create', iface: { name: 'bond0', type: 'bond', mtu: 2000 } },
    { kind: 'link.set-state', name: 'eth1', state: 'down' },
    { kind: 'link.set-controller', name: 'eth1', controller: 'bond0' },
  ])
  assert.equal(b.interfaces.find((i) => i.name === 'eth1')?.mtu, 2000)
  assert.deepEqual(b.interfaces.find((i) => i.name === 'bond0')?.bond?.ports, ['eth1'])
})

test('addresses: deleting an IPv4 primary deletes its secondaries; the last one gone flushes IPv4 routes', () => {
  const add = (ip: string): HostOp => ({ kind: 'addr.add', name: 'eth0', address: { ip, prefixLength: 24 } })
  const s = applyOpsToState(BASE, [add('192.0.2.11'), add('198.51.100.1'), { kind: 'addr.del', name: 'eth0', address: { ip: '192.0.2.10', prefixLength: 24 } }])
  assert.deepEqual(s.interfaces.find((i) => i.name === 'eth0')?.ipv4?.addresses, [{ ip: '198.51.100.1', prefixLength: 24 }])
  assert.equal(s.routes.length, 1, 'routes stay while an IPv4 address is left')
  const t = applyOpsToState(BASE, [{ kind: 'addr.del', name: 'eth0', address: { ip: '192.0.2.10', prefixLength: 24 } }])
  assert.deepEqual(t.routes, [])
})

test('a link going down loses its IPv6 addresses and its routes, keeps its IPv4 addresses', () => {
  const s = applyOpsToState(BASE, [{ kind: 'addr.add', name: 'eth0', address: { ip: 'fd00::1', prefixLength: 64 } }, { kind: 'link.set-state', name: 'eth0', state: 'down' }])
  const eth0 = s.interfaces.find((i) => i.name === 'eth0')!
  assert.deepEqual(eth0.ipv6?.addresses, [])
  assert.deepEqual(eth0.ipv4?.addresses, [{ ip: '192.0.2.10', prefixLength: 24 }])
  assert.deepEqual(s.routes, [])
})
