/**
 * The host planner: plan, verify and revert for a whole target. Kernel links alone go to plan/kernel/; with
 * Open vSwitch in the current state or the document, plan/ovs/ takes over and calls the kernel planner (given
 * to it here) for the kernel part.
 * @module
 */
import { bridgeOfKey } from '../model/host/ovs.js'
import type { DesiredState, HostState } from '../model/host/state.js'
import { planKernel } from './kernel/plan.js'
import { revertKernel } from './kernel/revert.js'
import { verifyKernel } from './kernel/verify.js'
import { planWithOvs, verifyWithOvs } from './ovs/plan.js'
import { revertWithOvs } from './ovs/revert.js'
import { involvesOvs, involvesOvsState } from './ovs/state.js'
import type { HostPlan, Mismatch, PlanOptions } from './planner.js'
import { resolveDesired } from './resolve.js'

/** (current, desired) → ordered ops, the expected state to verify, and every interface touched. */
export function planHost(current: HostState, asked: DesiredState, opts: PlanOptions = {}): HostPlan {
  const desired = resolveDesired(current, asked)
  if (involvesOvs(current, desired)) return planWithOvs(current, desired, opts, planKernel)
  return planKernel(current, desired, opts)
}

/** Differences between what `expected` asks and what `current` shows; empty when verified. */
export function verifyHost(expected: DesiredState, current: HostState): Mismatch[] {
  if (involvesOvsState(expected) || involvesOvsState(current)) return verifyWithOvs(expected, current, verifyKernel)
  return verifyKernel(expected, current)
}

/** The desired state that puts every touched interface (and OVS bridge key) back as `snapshot` shows it. */
export function revertDesired(snapshot: HostState, touched: readonly string[]): DesiredState {
  const doc = involvesOvsState(snapshot) || touched.some((k) => bridgeOfKey(k) !== undefined) ? revertWithOvs(snapshot, touched, revertKernel) : revertKernel(snapshot, touched)
  // a link that was down before is restored down, not removed
  return { ...doc, downKeepsLinks: true }
}
