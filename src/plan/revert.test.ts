/**
 * Golden revert cases: testdata-revert/<case>/{current,desired,revert}.yaml. revert.yaml is revertDesired(current,
 * touched) for the plan of desired over current; applying the plan, then the plan of the revert document, must
 * bring every touched interface (and the routes through them) back to the current state.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatState, parseDesiredState } from '../codec/yaml/state.js'
import { golden, goldenCases, hostStateFromYaml, projectState, readText, restrictTo } from '../../test/helpers/host-state.js'
import { planHost, revertDesired, verifyHost } from './host.js'
import { applyOpsToState } from '../backend/fake/simulate.js'

const cases = goldenCases('plan/testdata-revert')

test('there are at least 8 golden revert cases', () => {
  assert.ok(cases.length >= 8, `only ${cases.length} cases`)
})

for (const c of cases) {
  test(`golden revert: ${c.name}`, () => {
    const before = hostStateFromYaml(readText(c.dir, 'current.yaml'))
    const plan = planHost(before, parseDesiredState(readText(c.dir, 'desired.yaml')))
    const revert = revertDesired(before, plan.touched)
    const text = formatState(revert)
    assert.equal(text, golden(c.dir, 'revert.yaml', text))
    const { downKeepsLinks, ...written } = revert
    assert.equal(downKeepsLinks, true, 'a rollback sets links down, never removes them for it')
    assert.deepEqual(parseDesiredState(text), written, 'the revert document survives a YAML round trip')
    const after = applyOpsToState(before, plan.ops)
    const back = planHost(after, revert)
    const restored = applyOpsToState(after, back.ops)
    assert.deepEqual(verifyHost(back.expected, restored), [])
    const want = projectState(before, plan.touched)
    assert.deepEqual(restrictTo(projectState(restored, plan.touched), want), want)
  })
}

test('revertDesired marks interfaces missing from the snapshot absent and widens to veth peers and children', () => {
  const before = hostStateFromYaml(`
interfaces:
  - {name: eth1, type: ethernet, state: up, mtu: 1500, controller: ""}
  - {name: eth1.5, type: vlan, state: up, mtu: 1500, controller: "", vlan: {base-iface: eth1, id: 5}}
  - {name: va, type: veth, state: up, mtu: 1500, controller: "", veth: {peer: vb}}
  - {name: vb, type: veth, state: down, mtu: 1500, controller: "", veth: {peer: va}}
`)
  const r = revertDesired(before, ['new0', 'eth1', 'va'])
  assert.deepEqual(r.interfaces.map((i) => [i.name, i.state]), [['new0', 'absent'], ['eth1', 'up'], ['va', 'up'], ['eth1.5', 'up'], ['vb', 'down']])
  assert.deepEqual(r.routes?.config.filter((x) => x.state === 'absent').map((x) => x.nextHopInterface), ['new0', 'eth1', 'va', 'eth1.5', 'vb'])
})
