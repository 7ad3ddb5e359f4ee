import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { DesiredState } from './state.js'
import { mergeSaved, withoutIface } from './saved.js'

const doc = (d: DesiredState): DesiredState => d

test('partial edits merge field by field; nested settings one level; lists replace', () => {
  let s = mergeSaved(undefined, doc({ interfaces: [{ name: 'br0', type: 'linux-bridge', state: 'up', mtu: 1400, bridge: { options: { stp: false, forwardDelaySec: 2 }, ports: [{ name: 'eth1' }] }, ipv4: { enabled: true, addresses: [{ ip: '10.0.0.1', prefixLength: 24 }] } }] }))
  s = mergeSaved(s, doc({ interfaces: [{ name: 'br0', type: 'linux-bridge', mtu: 1300, bridge: { options: { stp: true } } }] }))
  assert.deepEqual(s.interfaces, [
    { name: 'br0', type: 'linux-bridge', state: 'up', mtu: 1300, bridge: { options: { stp: true }, ports: [{ name: 'eth1' }] }, ipv4: { enabled: true, addresses: [{ ip: '10.0.0.1', prefixLength: 24 }] } },
  ])
  s = mergeSaved(s, doc({ interfaces: [{ name: 'br0', type: 'linux-bridge', ipv4: { addresses: [] } }] }))
  assert.deepEqual(s.interfaces[0]?.ipv4, { enabled: true, addresses: [] })
})

test('absent removes the interface, its place in port lists, controllers pointing at it and routes through it', () => {
  let s = mergeSaved(undefined, doc({
    interfaces: [
      { name: 'bond0', type: 'bond', bond: { mode: 'active-backup', ports: ['e1', 'e2'] } },
      { name: 'v1', type: 'vlan', controller: 'bond0', vlan: { baseIface: 'e1', id: 5 } },
    ],
    routes: { config: [{ destination: '10.1.0.0/16', nextHopInterface: 'bond0' }, { destination: '10.2.0.0/16', nextHopInterface: 'e3' }] },
  }))
  s = mergeSaved(s, doc({ interfaces: [{ name: 'e2', type: 'ethernet', state: 'absent' }] }))
  assert.deepEqual(s.interfaces.find((i) => i.name === 'bond0')?.bond?.ports, ['e1'])
  s = mergeSaved(s, doc({ interfaces: [{ name: 'bond0', type: 'bond', state: 'absent' }] }))
  assert.deepEqual(s.interfaces, [{ name: 'v1', type: 'vlan', vlan: { baseIface: 'e1', id: 5 } }])
  assert.deepEqual(s.routes?.config, [{ destination: '10.2.0.0/16', nextHopInterface: 'e3' }])
  assert.deepEqual(withoutIface(s, 'e3').routes?.config, [])
})

test("a controller's port list is authoritative; a port moved elsewhere leaves the old list", () => {
  let s = mergeSaved(undefined, doc({ interfaces: [{ name: 'br0', type: 'linux-bridge', bridge: { ports: [{ name: 'a' }, { name: 'b' }] } }, { name: 'a', type: 'veth', controller: 'br0' }] }))
  s = mergeSaved(s, doc({ interfaces: [{ name: 'br0', type: 'linux-bridge', bridge: { ports: [{ name: 'b' }] } }] }))
  assert.equal(s.interfaces.find((i) => i.name === 'a')?.controller, undefined)
  s = mergeSaved(s, doc({ interfaces: [{ name: 'br1', type: 'linux-bridge' }, { name: 'b', type: 'veth', controller: 'br1' }] }))
  assert.deepEqual(s.interfaces.find((i) => i.name === 'br0')?.bridge?.ports, [])
  s = mergeSaved(s, doc({ interfaces: [{ name: 'br0', type: 'linux-bridge', bridge: { ports: [{ name: 'b' }] } }] }))
  assert.equal(s.interfaces.find((i) => i.name === 'b')?.controller, 'br0')
})

test('routes: added once, absent entries remove what they match (wildcard destination included)', () => {
  let s = mergeSaved(undefined, doc({ interfaces: [], routes: { config: [{ destination: '10.1.0.0/16', nextHopAddress: '10.0.0.254' }] } }))
  s = mergeSaved(s, doc({ interfaces: [], routes: { config: [{ destination: '10.1.0.0/16', nextHopAddress: '10.0.0.254' }, { destination: '10.3.0.0/16', nextHopInterface: 'x', metric: 5 }] } }))
  assert.equal(s.routes?.config.length, 2)
  s = mergeSaved(s, doc({ interfaces: [], routes: { config: [{ destination: '*', nextHopInterface: 'x', state: 'absent' }] } }))
  assert.deepEqual(s.routes?.config, [{ destination: '10.1.0.0/16', nextHopAddress: '10.0.0.254' }])
  // a document without routes keeps the saved ones
  assert.deepEqual(mergeSaved(s, doc({ interfaces: [] })).routes?.config, s.routes?.config)
})
