/**
 * Property tests over random documents: for any current state (reached by applying a random valid document to a
 * small host) and any random document the planner accepts, the plan applies cleanly to the simulated kernel,
 * verifies, is idempotent (planning again gives no ops), and reverting restores every touched interface.
 * Documents the planner refuses must be refused with invalid-argument or not-supported, never anything else.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { HostnetError } from '../errors.js'
import type { DesiredState, HostState } from '../model/host/state.js'
import { desiredArb, HOST } from '../../test/helpers/host-arbitraries.js'
import { projectState } from '../../test/helpers/host-state.js'
import { planHost, revertDesired, verifyHost } from './host.js'
import type { HostPlan } from './planner.js'
import { applyOpsToState } from '../backend/fake/simulate.js'

const RUNS = Number(process.env['HOSTNET_PROPERTY_RUNS'] ?? 300)

/** The plan, or undefined when the planner refuses the document with a user-facing error. */
function tryPlan(current: HostState, desired: DesiredState): HostPlan | undefined {
  try {
    return planHost(current, desired)
  } catch (e) {
    if (e instanceof HostnetError && (e.kind === 'invalid-argument' || e.kind === 'not-supported')) return undefined
    throw e
  }
}

/** A current state: the host after a random accepted document (or the bare host). */
function reach(doc: DesiredState): HostState {
  const plan = tryPlan(HOST, doc)
  return plan === undefined ? HOST : applyOpsToState(HOST, plan.ops)
}

const stats = { accepted: 0, refused: 0 }

test('plan → simulate → verify finds no mismatch, and planning again is a no-op', () => {
  fc.assert(
    fc.property(desiredArb, desiredArb, (first, second) => {
      const current = reach(first)
      const plan = tryPlan(current, second)
      if (plan === undefined) {
        stats.refused++
        return
      }
      stats.accepted++
      const after = applyOpsToState(current, plan.ops)
      assert.deepEqual(verifyHost(plan.expected, after), [])
      assert.deepEqual(planHost(after, second).ops, [])
    }),
    { numRuns: RUNS },
  )
  assert.ok(stats.accepted >= RUNS / 10, `too few accepted documents: ${stats.accepted} of ${RUNS}`)
})

test('revert: planning revertDesired(before, touched) over the result restores every touched interface', () => {
  fc.assert(
    fc.property(desiredArb, desiredArb, (first, second) => {
      const before = reach(first)
      const plan = tryPlan(before, second)
      if (plan === undefined) return
      const after = applyOpsToState(before, plan.ops)
      const back = planHost(after, revertDesired(before, plan.touched))
      const restored = applyOpsToState(after, back.ops)
      assert.deepEqual(verifyHost(back.expected, restored), [])
      assert.deepEqual(projectState(restored, plan.touched), projectState(before, plan.touched))
    }),
    { numRuns: RUNS },
  )
})

test('revert after a partial apply (failure at any op) restores every touched interface', () => {
  fc.assert(
    fc.property(desiredArb, desiredArb, fc.nat(), (first, second, cut) => {
      const before = reach(first)
      const plan = tryPlan(before, second)
      if (plan === undefined || plan.ops.length === 0) return
      const partial = applyOpsToState(before, plan.ops.slice(0, cut % (plan.ops.length + 1)))
      const back = planHost(partial, revertDesired(before, plan.touched))
      const restored = applyOpsToState(partial, back.ops)
      assert.deepEqual(verifyHost(back.expected, restored), [])
      assert.deepEqual(projectState(restored, plan.touched), projectState(before, plan.touched))
    }),
    { numRuns: RUNS },
  )
})

test('a no-op document gives zero ops on any reachable state', () => {
  fc.assert(
    fc.property(desiredArb, (first) => {
      const current = reach(first)
      assert.deepEqual(planHost(current, { interfaces: [] }).ops, [])
      const restated = { interfaces: current.interfaces.map((i) => ({ ...i })) }
      assert.deepEqual(planHost(current, restated).ops, [])
    }),
    { numRuns: Math.ceil(RUNS / 3) },
  )
})
