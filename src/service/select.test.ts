import { test } from 'node:test'
import assert from 'node:assert/strict'
import { hostStateFromYaml } from '../../test/helpers/host-state.js'
import { selectInterfaces } from './select.js'

test('show a b prints the named interfaces in the order named (as nmstatectl), both OVS rows of a shared name', () => {
  const s = hostStateFromYaml(`
interfaces:
  - {name: a, type: dummy}
  - {name: br, type: ovs-bridge}
  - {name: b, type: dummy}
  - {name: br, type: ovs-interface}
`)
  assert.deepEqual(selectInterfaces(s, ['b', 'a', 'nope', 'b']).interfaces.map((i) => i.name), ['b', 'a'])
  assert.deepEqual(selectInterfaces(s, ['br', 'a']).interfaces.map((i) => `${i.name}:${i.type}`), ['br:ovs-bridge', 'br:ovs-interface', 'a:dummy'])
  assert.equal(selectInterfaces(s, []), s)
})
