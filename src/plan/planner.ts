/**
 * What a host planner produces and the three functions each room of plan/ provides: plan (current, desired →
 * ops), verify (expected, re-queried → mismatches) and revert (snapshot, touched → the desired state that puts
 * them back). plan/kernel/ implements them for kernel links; plan/ovs/ wraps the kernel ones (it receives them as
 * parameters and never imports plan/kernel/); plan/host.ts picks one or the other.
 * @module
 */
import type { DesiredState, HostState } from '../model/host/state.js'
import type { KernelCaps } from './caps.js'
import type { HostOp } from './ops.js'

export interface HostPlan {
  ops: HostOp[]
  /** Normalized desired state: what verifyHost checks after apply. */
  expected: DesiredState
  /** Every interface named or implied, for the rollback snapshot. */
  touched: string[]
}

export interface PlanOptions {
  caps?: KernelCaps
}

/** One difference between what a plan expects and what a re-query shows; `field` is the YAML name. */
export interface Mismatch {
  iface: string
  field: string
  expected: unknown
  observed: unknown
}

export type Planner = (current: HostState, desired: DesiredState, opts: PlanOptions) => HostPlan
export type Verifier = (expected: DesiredState, current: HostState) => Mismatch[]
export type Reverter = (snapshot: HostState, touched: readonly string[]) => DesiredState
