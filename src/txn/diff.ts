/**
 * What an apply would do, touching nothing: query and plan only (no journal, no lock).
 * @module
 */
import type { Target } from '../model/target.js'
import type { DesiredState, HostState } from '../model/host/state.js'
import type { EngineDeps } from './engine.js'
import { hostPlanner } from './host-planner.js'
import type { PlannedChange } from './planner.js'

export interface DiffResult {
  current: HostState
  change: PlannedChange
}

export async function diffState(opts: Pick<EngineDeps, 'backend' | 'planner' | 'caps'> & { target: Target; desired: DesiredState }): Promise<DiffResult> {
  const planner = opts.planner ?? hostPlanner
  const current = await opts.backend.query(opts.target)
  return { current, change: planner.plan(current, opts.desired, opts.caps === undefined ? {} : { caps: opts.caps }) }
}
