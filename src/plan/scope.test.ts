/**
 * Property test of scoped planning: for random current states and random documents without routes, planning
 * against the state restricted to the document's scope gives exactly the plan (ops, expected, touched) of the
 * whole state, or the same refusal, unless it deletes or recreates links (then the engine reads everything); and
 * a rollback computed from the restricted snapshot does the same as one from the whole snapshot.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { HostnetError } from '../errors.js'
import type { DesiredState, HostState } from '../model/host/state.js'
import { desiredArb, HOST } from '../../test/helpers/host-arbitraries.js'
import { planHost, revertDesired } from './host.js'
import type { HostPlan } from './planner.js'
import { restrictState, scopable, scopedPlanUsable, scopeOf, scopeSeeds } from './scope.js'
import { applyOpsToState } from '../backend/fake/simulate.js'

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

test('scoped plan equals the plan from the whole state, and its rollback does the same', () => {
  const seen = { compared: 0, scopedSmaller: 0, fellBack: 0 }
  fc.assert(
    fc.property(desiredArb, desiredArb, smallDocArb, fc.nat(), (first, second, doc, cut) => {
      const start = reach(first)
      const next = outcome(start, second)
      const full = 'plan' in next ? applyOpsToState(start, next.plan.ops) : start
      assert.ok(scopable(doc))
      const scope = scopeOf(full, scopeSeeds(doc))!
      const part = restrictState(full, scope)
      const scoped = outcome(part, doc)
      if ('plan' in scoped && !scopedPlanUsable(scoped.plan.ops)) {
        seen.fellBack++ // the engine reads everything and plans again
        return
      }
      const whole = outcome(full, doc)
      assert.deepEqual(scoped, whole)
      // an Open vSwitch datapath link elsewhere (the iproute2 backend reports kind openvswitch as ovs-interface)
      // sends the whole-state plan through the OVS planner: a kernel document's plan is the same
      const ovsLink = { name: 'ovs-system', type: 'ovs-interface' as const, state: 'down' as const, controller: null }
      assert.deepEqual(outcome({ ...full, interfaces: [...full.interfaces, ovsLink] }, doc), whole)
      if (!('plan' in whole)) return
      seen.compared++
      if (part.interfaces.length < full.interfaces.length) seen.scopedSmaller++
      for (const n of whole.plan.touched) assert.ok(scope.full.has(n) || !full.interfaces.some((i) => i.name === n), `touched '${n}' outside the scope`)
      // a rollback after the whole plan or a part of it: the same ops from the scoped snapshot as from the whole one
      for (const applied of [whole.plan.ops.length, cut % (whole.plan.ops.length + 1)]) {
        const after = applyOpsToState(full, whole.plan.ops.slice(0, applied))
        const fromPart = outcome(after, revertDesired(part, whole.plan.touched))
        const fromWhole = outcome(after, revertDesired(full, whole.plan.touched))
        assert.deepEqual('plan' in fromPart ? fromPart.plan.ops : fromPart, 'plan' in fromWhole ? fromWhole.plan.ops : fromWhole)
      }
    }),
    { numRuns: RUNS },
  )
  assert.ok(seen.compared >= RUNS / 10, `too few compared plans: ${seen.compared}`)
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
  assert.deepEqual([...s.full].sort(), ['vb'])
  assert.deepEqual([...s.shallow], [])
  const v = scopeOf(state, ['va'])!
  assert.deepEqual([...v.full], ['va'])
  assert.deepEqual([...v.shallow], ['br0'])
  assert.deepEqual(restrictState(state, s).routes, [{ destination: '10.0.0.0/8', nextHopInterface: 'vb' }])
  const t = scopeOf(state, ['br0'])!
  assert.deepEqual([...t.full].sort(), ['br0', 'va', 'vc'])
  assert.equal(scopeOf(state, ['br0'], 2), undefined)
  assert.deepEqual(scopeSeeds({ interfaces: [{ name: 'x', type: 'vlan', vlan: { baseIface: 'eth0', id: 1 }, controller: 'br9' }] }), ['x', 'br9', 'eth0'])
  assert.equal(scopable({ interfaces: [], routes: { config: [] } }), false)
})
