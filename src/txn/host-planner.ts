/**
 * The default planner: the plan layer's host-interface functions behind the engine's HostPlanner interface.
 * @module
 */
import { planHost, revertDesired, scopable, scopedPlanUsable, scopeSeeds, verifyHost } from '../plan/index.js'
import type { HostPlanner } from './planner.js'

export const hostPlanner: HostPlanner = {
  plan: (current, desired, opts) => planHost(current, desired, opts?.caps === undefined ? {} : { caps: opts.caps }),
  verify: (expected, current) => verifyHost(expected, current),
  revert: (snapshot, touched) => revertDesired(snapshot, touched),
  scope: {
    seeds: (desired) => (scopable(desired) ? scopeSeeds(desired) : undefined),
    usable: (change) => scopedPlanUsable(change.ops),
  },
}
