/**
 * The host-interface planner: pure functions from (current, desired) to ordered ops, verification of a
 * re-queried state, the desired state that reverts a change, and an in-memory kernel model.
 * @module
 */
export { planHost } from './plan-host.js'
export type { HostPlan, PlanOptions } from './plan-host.js'
export type { KernelCaps } from './caps.js'
export { verifyHost } from './verify.js'
export type { Mismatch } from './verify.js'
export { revertDesired } from './revert.js'
export { applyOpsToState } from './simulate.js'
export type { HostOp, HostOpKind } from './ops.js'
