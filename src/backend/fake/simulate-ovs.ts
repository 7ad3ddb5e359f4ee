/**
 * The simulator with Open vSwitch: runs of kernel ops go to the kernel model (simulate.ts) on the kernel part of
 * a combined state, `ovs.transact` ops to plan/ovs's model of OVS (the one the planner uses to foresee internal
 * ports).
 * @module
 */
import { HostnetError } from '../../errors.js'
import type { Iface } from '../../model/host/iface.js'
import type { OvsDbConfig } from '../../model/host/ovs.js'
import type { HostState } from '../../model/host/state.js'
import type { HostOp } from '../../plan/ops.js'
import { applyOvsChanges } from '../../plan/ovs/simulate.js'
import { isPatch } from '../../plan/ovs/state.js'

/** The kernel state with `ops` applied (simulate.ts). */
export type KernelApply = (state: HostState, ops: readonly HostOp[]) => HostState

/**
 * Apply ops to a combined state: runs of kernel ops go to `kernelApply` on the kernel part (membership of OVS
 * ports is kept aside and put back), `ovs.transact` ops to the OVS model.
 */
export function applyOpsWithOvs(state: HostState, ops: readonly HostOp[], kernelApply: KernelApply): HostState {
  let cur = state
  let run: HostOp[] = []
  const flush = (offset: number): void => {
    if (run.length > 0) cur = withKernel(cur, run, kernelApply, offset)
    run = []
  }
  ops.forEach((op, i) => {
    if (op.kind !== 'ovs.transact') {
      run.push(op)
      return
    }
    flush(i - run.length)
    try {
      cur = applyOvsChanges(cur, op.changes)
    } catch (e) {
      if (e instanceof HostnetError) throw new HostnetError(e.kind, `op ${i} (${op.kind}): ${e.message}`, { cause: e, details: { opIndex: i, op } })
      throw e
    }
  })
  flush(ops.length - run.length)
  return cur
}

function withKernel(state: HostState, ops: readonly HostOp[], kernelApply: KernelApply, offset: number): HostState {
  const bridges = state.interfaces.filter((i) => i.type === 'ovs-bridge')
  const names = new Set(bridges.map((b) => b.name))
  const aside = new Map<string, { controller: string; ovsDb?: OvsDbConfig }>()
  const patches = state.interfaces.filter(isPatch)
  const kernelIfaces = state.interfaces
    .filter((i) => i.type !== 'ovs-bridge' && !isPatch(i))
    .map((i) => {
      if (!i.controller || !names.has(i.controller)) return i
      aside.set(i.name, { controller: i.controller, ...(i.ovsDb === undefined ? {} : { ovsDb: i.ovsDb }) })
      const k: Iface = { ...i, controller: null }
      delete k.ovsDb
      return k
    })
  let after: HostState
  try {
    after = kernelApply({ interfaces: kernelIfaces, routes: state.routes }, ops)
  } catch (e) {
    const at = e instanceof HostnetError ? e.details?.['opIndex'] : undefined
    if (e instanceof HostnetError && typeof at === 'number') {
      throw new HostnetError(e.kind, e.message, { cause: e, details: { ...e.details, opIndex: at + offset } })
    }
    throw e
  }
  const interfaces = after.interfaces.map((i) => {
    const a = aside.get(i.name)
    // a kernel op that gives an OVS port a kernel controller takes it out of OVS in this model
    if (a === undefined || (i.controller ?? null) !== null) return i
    return { ...i, controller: a.controller, ...(a.ovsDb === undefined ? {} : { ovsDb: a.ovsDb }) }
  })
  return { ...state, interfaces: [...interfaces, ...patches, ...bridges], routes: after.routes }
}
