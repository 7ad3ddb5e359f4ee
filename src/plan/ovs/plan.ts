/**
 * Planning and verifying with Open vSwitch in the picture: plan/host.ts hands over to these when the current
 * state or the document has OVS entries, with the kernel planner and verifier as parameters.
 *
 * planWithOvs: split the document (desired.ts) → the OVS target (target.ts) → its changes (diff.ts) → the kernel
 * as it will be once ovs-vswitchd applied them (internal ports created or removed, simulate.ts) → the kernel
 * planner on that → one `ovs.transact` op inserted after the kernel's deletes,
 * detaches and creates and before everything that may need an internal port (MTU, addresses, up). Everything
 * is validated before the first op exists; a document asking for OVS while OVS is not reachable fails with a
 * 'dependency' error.
 * @module
 */
import { HostnetError } from '../../errors.js'
import type { Iface } from '../../model/host/iface.js'
import type { DesiredState, HostState } from '../../model/host/state.js'
import type { HostOp } from '../ops.js'
import type { HostPlan, Mismatch, PlanOptions, Planner, Verifier } from '../planner.js'
import { diffOvs, type OvsDiff } from './diff.js'
import { splitDesired, type OvsDesired } from './desired.js'
import type { OvsChange } from './ops.js'
import { applyOvsChanges } from './simulate.js'
import { buildOvsView, isPatch, kernelState } from './state.js'
import { buildOvsTarget } from './target.js'
import { verifyOvs } from './verify.js'

function checkAvailable(current: HostState, d: OvsDesired): void {
  const ovs = current.ovs
  if (ovs === undefined || ovs.available) return
  const first = [...d.bridges.values(), ...d.ovsIfaces.values()].sort((a, b) => a.index - b.index)[0]
  const claim = [...d.claims.entries()][0]
  if (first === undefined && claim === undefined) return
  const what = first !== undefined ? `${first.iface.name}' (${first.iface.type})` : `${claim![0]}' (port of OVS bridge '${claim![1].bridge}')`
  const where = ovs.address === undefined ? '' : ` at '${ovs.address}'`
  const why = ovs.reason === undefined ? '' : `: ${ovs.reason}`
  throw new HostnetError('dependency', `interface '${what} needs Open vSwitch, which is not reachable${where}${why}`, {
    details: { address: ovs.address, reason: ovs.reason },
  })
}

/** Where the OVS transaction goes: after the last delete, detach or create of the kernel plan. */
function insertOvs(ops: readonly HostOp[], changes: OvsChange[]): HostOp[] {
  if (changes.length === 0) return [...ops]
  let at = 0
  ops.forEach((op, i) => {
    const early = op.kind === 'link.delete' || op.kind === 'link.create' || (op.kind === 'link.set-controller' && op.controller === null)
    if (early) at = i + 1
  })
  return [...ops.slice(0, at), { kind: 'ovs.transact', changes }, ...ops.slice(at)]
}

function mergeExpected(kernel: DesiredState, diff: OvsDiff): DesiredState {
  const seen = new Set<string>()
  const interfaces: Iface[] = kernel.interfaces.map((e) => {
    seen.add(e.name)
    const x = diff.ifaceExpect.get(e.name)
    return x === undefined || e.state === 'absent' ? e : { ...e, ...x }
  })
  for (const [name, x] of diff.ifaceExpect) if (!seen.has(name)) interfaces.push({ name, type: 'unknown', ...x })
  interfaces.push(...diff.expected)
  return { ...kernel, interfaces }
}

function simulate(current: HostState, changes: readonly OvsChange[]): HostState {
  try {
    return applyOvsChanges(current, changes)
  } catch (e) {
    if (!(e instanceof HostnetError)) throw e
    throw new HostnetError('not-supported', `cannot plan this Open vSwitch change: ${e.message}`, { cause: e })
  }
}

export function planWithOvs(current: HostState, desired: DesiredState, opts: PlanOptions, kernelPlan: Planner): HostPlan {
  const v = buildOvsView(current)
  const d = splitDesired(desired, v)
  checkAvailable(current, d)
  const datapath = opts.caps?.ovsDatapath
  const t = buildOvsTarget(v, d, datapath === undefined ? {} : { defaultDatapath: datapath })
  const diff = diffOvs(v, d, t)
  const after = diff.changes.length === 0 ? current : simulate(current, diff.changes)
  const k = kernelPlan(kernelState(after), d.kernelDoc, opts)
  return {
    ops: insertOvs(k.ops, diff.changes),
    expected: mergeExpected(k.expected, diff),
    touched: [...new Set([...k.touched, ...diff.touched])],
  }
}

/** The kernel part of an expected state: without bridges, patch ports and OVS-only fields. */
function kernelExpected(expected: DesiredState): DesiredState {
  const interfaces = expected.interfaces
    .filter((e) => e.type !== 'ovs-bridge' && !isPatch(e))
    .map((e) => {
      if (e.ovsDb === undefined && e.ovsInterface === undefined) return e
      const k: Iface = { ...e }
      delete k.ovsDb
      delete k.ovsInterface
      return k
    })
  return { ...expected, interfaces }
}

export function verifyWithOvs(expected: DesiredState, current: HostState, kernelVerify: Verifier): Mismatch[] {
  return [...kernelVerify(kernelExpected(expected), kernelState(current)), ...verifyOvs(expected, current)]
}
