/**
 * Property test of scoped planning: for random current states and random documents without routes, planning
 * against the state restricted to the document's scope gives exactly the plan (ops, expected, touched) of the
 * whole state, or the same refusal; and the revert computed from the restricted snapshot is the same too.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { HostnetError } from '../errors.js'
import type { DesiredState, HostState } from '../model/host/state.js'
import { desiredArb, HOST } from '../../test/helpers/host-arbitraries.js'
import { planHost } from './plan-host.js'
import type { HostPlan } from './plan-host.js'
import { revertDesired } from './revert.js'
import { restrictState, scopable, scopedPlanUsable, scopeOf, scopeSeeds } from './scope.js'
import { applyOpsToState } from './simulate.js'

const RUNS = Number(process.env['HOSTNET_PROPERTY_RUNS'] ?? 300)

type Outcome = { plan: HostPlan } | { error: string }

function outcome(current: HostState, desired: DesiredState): Outcome {
  try {
    return { plan: planHost(current, desired) }
  } catch (e) {
    if (e instanceof HostnetError && (e.kind === 'invalid-argument' || e.kind === 'not-supported')) return { error: `${e.kind}: ${e.message}` }
    throw e
  }
}

function reach(doc: DesiredState): HostState {
  const o = outcome(HOST, doc)
  return 'plan' in o ? applyOpsToState(HOST, o.plan.ops) : HOST
}

/** Documents of one to three entries (the engine scopes small documents). */
const smallDocArb = desiredArb.map((d): DesiredState => ({ interfaces: d.interfaces.slice(0, 3) }))

test('scoped plan equals the plan from the whole state', () => {
  const seen = { planned: 0, scopedSmaller: 0, deletes: 0 }
  fc.assert(
    fc.property(desiredArb, desiredArb, smallDocArb, (first, second, doc) => {
      const start = reach(first)
      const next = outcome(start, second)
      const full = 'plan' in next ? applyOpsToState(start, next.plan.ops) : start
      assert.ok(scopable(doc))
      const scope = scopeOf(full, scopeSeeds(doc))!
      const part = restrictState(full, scope)
      const whole = outcome(full, doc)
      const scoped = outcome(part, doc)
      assert.deepEqual(scoped, whole)
      if (!('plan' in whole)) return
      seen.planned++
      if (part.interfaces.length < full.interfaces.length) seen.scopedSmaller++
      if (!scopedPlanUsable(whole.plan.ops)) seen.deletes++
      assert.deepEqual(revertDesired(part, whole.plan.touched), revertDesired(full, whole.plan.touched))
      for (const n of whole.plan.touched) assert.ok(scope.full.has(n) || !full.interfaces.some((i) => i.name === n), `touched '${n}' outside the scope`)
      // an Open vSwitch datapath link elsewhere (the iproute2 backend reports kind openvswitch as ovs-interface)
      // sends the whole-state plan through the OVS planner: a kernel document's plan is the same
      const ovsLink = { name: 'ovs-system', type: 'ovs-interface' as const, state: 'down' as const, controller: null }
      assert.deepEqual(outcome({ ...full, interfaces: [...full.interfaces, ovsLink] }, doc), whole)
    }),
    { numRuns: RUNS },
  )
  assert.ok(seen.planned >= RUNS / 10, `too few planned documents: ${seen.planned}`)
  assert.ok(seen.scopedSmaller > 0, 'no run had a scope smaller than the state')
})

test('the scope holds the seeds, and is refused above the limit', () => {
  const state: HostState = {
    interfaces: [
      { name: 'br0', type: 'linux-bridge', state: 'up', controller: null },
      { name: 'va', type: 'veth', state: 'up', controller: 'br0', veth: { peer: 'vb' } },
      { name: 'vb', type: 'veth', state: 'up', controller: null, veth: { peer: 'va' } },
      { name: 'vc', type: 'veth', state: 'up', controller: 'br0', veth: { peer: 'vd' } },
      { name: 'vd', type: 'veth', state: 'up', controller: null, veth: { peer: 'vc' } },
      { name: 'vl', type: 'vlan', state: 'up', controller: null, vlan: { baseIface: 'vd', id: 5 } },
    ],
    routes: [{ destination: '10.0.0.0/8', nextHopInterface: 'vb' }, { destination: '10.1.0.0/16', nextHopInterface: 'vd' }],
  }
  const s = scopeOf(state, ['vb'])!
  assert.deepEqual([...s.full].sort(), ['va', 'vb'])
  assert.deepEqual([...s.shallow], ['br0'])
  assert.deepEqual(restrictState(state, s).routes, [{ destination: '10.0.0.0/8', nextHopInterface: 'vb' }])
  const t = scopeOf(state, ['br0'])!
  assert.deepEqual([...t.full].sort(), ['br0', 'va', 'vb', 'vc', 'vd', 'vl'])
  assert.equal(scopeOf(state, ['br0'], 5), undefined)
  assert.deepEqual(scopeSeeds({ interfaces: [{ name: 'x', type: 'vlan', vlan: { baseIface: 'eth0', id: 1 }, controller: 'br9' }] }), ['x', 'br9', 'eth0'])
  assert.equal(scopable({ interfaces: [], routes: { config: [] } }), false)
})
