/**
 * nmstate's meaning of `type: ethernet` and `state: down` against the current state (resolve.ts); golden cases
 * ethernet-names-veth-nic and down-removes-virtual show the plans.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ValidationError } from '../errors.js'
import { parseDesiredState } from '../codec/yaml/state.js'
import { hostStateFromYaml } from '../../test/helpers/host-state.js'
import { resolveDesired } from './resolve.js'

const CURRENT = hostStateFromYaml(`
interfaces:
  - {name: eth1, type: veth, state: up, mtu: 1500, controller: "", veth: {}}
  - {name: eth9, type: ethernet, state: up, mtu: 1500, controller: ""}
  - {name: br0, type: linux-bridge, state: up, mtu: 1500, controller: ""}
  - {name: va, type: veth, state: up, mtu: 1500, controller: "", veth: {peer: vb}}
  - {name: vb, type: veth, state: up, mtu: 1500, controller: "", veth: {peer: va}}
`)

function resolved(doc: string): Array<[string, string, string | undefined]> {
  return resolveDesired(CURRENT, parseDesiredState(doc)).interfaces.map((i) => [i.name, i.type, i.state])
}

test('type ethernet takes the type of an existing veth, NIC-like or not; a real ethernet stays', () => {
  assert.deepEqual(resolved('interfaces: [{name: eth1, type: ethernet}, {name: va, type: ethernet, mtu: 1400}, {name: eth9, type: ethernet}]'), [
    ['eth1', 'veth', undefined],
    ['va', 'veth', undefined],
    ['eth9', 'ethernet', undefined],
  ])
})

test('type ethernet, state absent on a NIC-like veth is refused: hostnet does not remove NICs', () => {
  assert.throws(() => resolved('interfaces: [{name: eth1, type: ethernet, state: absent}]'), (e: unknown) => e instanceof ValidationError && /is a NIC/.test(e.message) && e.path === '/interfaces/0/state')
})

test('state down removes a virtual interface (existing or missing, typed or not); NICs and kept veth peers only go down', () => {
  assert.deepEqual(resolved('interfaces: [{name: br0, state: down}, {name: gone0, state: down}, {name: vlan5, type: vlan, state: down}, {name: eth1, state: down}, {name: eth9, type: ethernet, state: down}]'), [
    ['br0', 'unknown', 'absent'],
    ['gone0', 'unknown', 'absent'],
    ['vlan5', 'vlan', 'absent'],
    ['eth1', 'unknown', 'down'],
    ['eth9', 'ethernet', 'down'],
  ])
  // vb is va's peer and va stays: removing vb would remove va too
  assert.deepEqual(resolved('interfaces: [{name: va, mtu: 1400}, {name: vb, state: down}]'), [['va', 'unknown', undefined], ['vb', 'unknown', 'down']])
  assert.deepEqual(resolved('interfaces: [{name: vb, state: down}]'), [['vb', 'unknown', 'absent']])
  // a down entry of another type than the current one is left to the planner (which refuses the type change)
  assert.deepEqual(resolved('interfaces: [{name: br0, type: bond, state: down}]'), [['br0', 'bond', 'down']])
})

test("hostnet's own documents (rollbacks, iface-destroy) keep state down as 'set down'", () => {
  const doc = { ...parseDesiredState('interfaces: [{name: br0, state: down}]'), downKeepsLinks: true as const }
  assert.equal(resolveDesired(CURRENT, doc), doc)
})

test('a document without ethernet or down entries is passed on as it is', () => {
  const doc = parseDesiredState('interfaces: [{name: br0, mtu: 1400}, {name: gone0, state: absent}]')
  assert.equal(resolveDesired(CURRENT, doc), doc)
})

test('copy-mac-from takes the current MAC of the named interface; a missing one is refused', () => {
  const state = hostStateFromYaml(`
interfaces:
  - {name: eth1, type: ethernet, state: up, mtu: 1500, mac-address: "52:54:00:00:00:11", controller: ""}
  - {name: br0, type: linux-bridge, state: up, mtu: 1500, mac-address: "52:54:00:00:00:30", controller: ""}
`)
  const r = resolveDesired(state, parseDesiredState('interfaces: [{name: br0, copy-mac-from: eth1}]'))
  assert.deepEqual(r.interfaces, [{ name: 'br0', type: 'unknown', mac: '52:54:00:00:00:11' }])
  assert.throws(() => resolveDesired(state, parseDesiredState('interfaces: [{name: br0, copy-mac-from: eth7}]')), (e: unknown) => e instanceof ValidationError && e.path === '/interfaces/0/copy-mac-from')
  assert.throws(() => parseDesiredState('interfaces: [{name: br0, copy-mac-from: eth1, mac-address: "02:00:00:00:00:01"}]'), /either mac-address or copy-mac-from/)
})
