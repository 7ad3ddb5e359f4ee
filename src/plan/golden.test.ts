/**
 * Golden planner cases: testdata/<case>/{current,desired,ops}.yaml. For every case the ops must equal the golden
 * list, applying them to the simulated kernel must verify, and planning again from the result must give no ops.
 * `UPDATE_GOLDEN=1` rewrites ops.yaml.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parse, stringify } from 'yaml'
import { parseDesiredState } from '../codec/yaml/state.js'
import { golden, goldenCases, hostStateFromYaml, readText } from '../../test/helpers/host-state.js'
import { planHost, verifyHost } from './host.js'
import { applyOpsToState } from '../backend/fake/simulate.js'

const cases = goldenCases('plan/testdata')

test('there are at least 30 golden planner cases', () => {
  assert.ok(cases.length >= 30, `only ${cases.length} cases`)
})

for (const c of cases) {
  test(`golden plan: ${c.name}`, () => {
    const current = hostStateFromYaml(readText(c.dir, 'current.yaml'))
    const desired = parseDesiredState(readText(c.dir, 'desired.yaml'))
    const plan = planHost(current, desired)
    const text = stringify(plan.ops, { lineWidth: 0 })
    assert.deepEqual(plan.ops, parse(golden(c.dir, 'ops.yaml', text)) ?? [])
    const after = applyOpsToState(current, plan.ops)
    assert.deepEqual(verifyHost(plan.expected, after), [])
    assert.deepEqual(planHost(after, desired).ops, [], 'planning the same document again is a no-op')
  })
}
