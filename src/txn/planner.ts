/**
 * What the engine needs from a planner, as an interface so the engine stays generic: the host-interface planner
 * (plan/) is the default; tests and later features may pass their own.
 * @module
 */
import type { DesiredState, HostState } from '../model/host/state.js'
import type { KernelCaps } from '../plan/caps.js'
import type { HostOp } from '../plan/ops.js'

export interface PlannedChange {
  ops: HostOp[]
  /** The state verification must observe afterwards. */
  expected: DesiredState
  /** Interfaces the plan changes (what a rollback must restore). */
  touched: string[]
}

export interface StateMismatch {
  iface: string
  field: string
  expected: unknown
  observed: unknown
}

export interface HostPlanner {
  /** Pure; throws ValidationError before anything is applied. `caps`: what the target kernel can create. */
  plan(current: HostState, desired: DesiredState, opts?: { caps?: KernelCaps }): PlannedChange
  /** Empty when `current` satisfies `expected`. */
  verify(expected: DesiredState, current: HostState): StateMismatch[]
  /** The desired state that brings the touched interfaces back to the snapshot. */
  revert(snapshot: HostState, touched: readonly string[]): DesiredState
  /**
   * Optional scoped planning: the seeds of the part of the current state `plan` can involve for this document
   * (undefined: plan it against everything), and whether a change planned against that part may be used.
   */
  scope?: {
    seeds(desired: DesiredState): readonly string[] | undefined
    usable(change: PlannedChange): boolean
  }
}
