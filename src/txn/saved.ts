/**
 * Applying a target's saved desired state again (boot, `restore --saved`) as far as it still fits the host: an
 * interface the saved state names but that hostnet cannot create and the target no longer has (a NIC gone) is
 * left out with what depended on it only through it (its place in port lists, routes through it); then whatever
 * the planner refuses (naming the interface or route) is left out in turn, and the rest is applied as one verified
 * transaction. What was left out is reported, never silently dropped from the saved state: the boot's own
 * transaction is not folded into it, so a NIC that comes back is used again at the next boot.
 * @module
 */
import { HostnetError } from '../errors.js'
import type { Target } from '../model/target.js'
import { CREATABLE_TYPES } from '../model/host/types/index.js'
import { withoutIface } from '../model/host/saved.js'
import type { DesiredState, HostState } from '../model/host/state.js'
import type { KernelCaps } from '../plan/caps.js'
import { applyState, type ApplyResult, type ApplyStateOptions } from './apply.js'
import { resolveEngine } from './engine.js'
import type { HostPlanner } from './planner.js'
import { targetKey } from './target-key.js'

/** A part of the saved state that was not applied, and why. */
export interface SavedSkip {
  /** The interface (or route destination) left out. */
  object: string
  reason: string
  kind: string
}

export interface FittedState {
  desired: DesiredState
  skipped: SavedSkip[]
}

const IFACE_OBJECT = /^interface '(.+)'$/
const ROUTE_PATH = /^\/routes\/config\/(\d+)/

/** Interfaces hostnet cannot create: when one is missing, the host has lost it. */
const isHardware = (type: string): boolean => !CREATABLE_TYPES.has(type as never) && type !== 'ovs-bridge' && type !== 'ovs-interface'

/** The saved state reduced to what the planner accepts against `current` (pure). */
export function fitSaved(planner: HostPlanner, current: HostState, saved: DesiredState, caps?: KernelCaps): FittedState {
  const present = new Set(current.interfaces.map((i) => i.name))
  const skipped: SavedSkip[] = []
  let doc = saved
  for (const i of saved.interfaces) {
    if (i.state !== 'absent' && isHardware(i.type) && !present.has(i.name)) {
      doc = withoutIface(doc, i.name)
      skipped.push({ object: i.name, kind: 'not-found', reason: `interface '${i.name}' (${i.type}) is not on this host` })
    }
  }
  const limit = doc.interfaces.length + (doc.routes?.config.length ?? 0) + 1
  for (let n = 0; n < limit; n++) {
    try {
      planner.plan(current, doc, caps === undefined ? {} : { caps })
      return { desired: doc, skipped }
    } catch (e) {
      if (!(e instanceof HostnetError) || (e.kind !== 'invalid-argument' && e.kind !== 'not-supported')) throw e
      const object = typeof e.details?.['object'] === 'string' ? e.details['object'] : ''
      const iface = IFACE_OBJECT.exec(object)?.[1]
      const route = ROUTE_PATH.exec(typeof e.details?.['path'] === 'string' ? e.details['path'] : '')?.[1]
      if (iface !== undefined && doc.interfaces.some((i) => i.name === iface)) {
        doc = withoutIface(doc, iface)
        skipped.push({ object: iface, kind: e.kind, reason: e.message })
      } else if (route !== undefined && doc.routes !== undefined && Number(route) < doc.routes.config.length) {
        const r = doc.routes.config[Number(route)]!
        doc = { ...doc, routes: { config: doc.routes.config.filter((_, i) => i !== Number(route)) } }
        skipped.push({ object: `route ${r.destination}`, kind: e.kind, reason: e.message })
      } else {
        throw e
      }
    }
  }
  throw new HostnetError('bug', 'the saved state could not be reduced to a valid document')
}

export interface SavedApplyResult {
  target: string
  /** `nothing-saved`: no committed transaction and no saved state on this target. */
  status: ApplyResult['status'] | 'nothing-saved'
  transactionId?: number
  /** Interfaces of the applied document. */
  applied: string[]
  skipped: SavedSkip[]
  ops: number
}

/** Apply `target`'s saved state as far as it fits, as one verified transaction (not folded into the saved state). */
export async function applySaved(opts: Omit<ApplyStateOptions, 'desired'>): Promise<SavedApplyResult> {
  const eng = resolveEngine(opts)
  const key = targetKey(opts.target)
  const saved = eng.store.saved.read(key)
  if (saved === undefined) return { target: key, status: 'nothing-saved', applied: [], skipped: [], ops: 0 }
  const current = await eng.backend.query(opts.target)
  const fitted = fitSaved(eng.planner, current, saved.desired, opts.caps)
  const result = await applyState({ ...opts, desired: fitted.desired, save: false })
  if (result.transactionId !== 0) eng.store.saved.markFolded(key, result.transactionId)
  return {
    target: key,
    status: result.status,
    ...(result.transactionId === 0 ? {} : { transactionId: result.transactionId }),
    applied: fitted.desired.interfaces.map((i) => i.name),
    skipped: fitted.skipped,
    ops: result.ops.length,
  }
}

/** The saved state of `target` fitted to its current state, for `diff --saved` (touches nothing). */
export async function fittedSaved(opts: { target: Target; planner?: HostPlanner; backend: ApplyStateOptions['backend']; store: ApplyStateOptions['store']; caps?: KernelCaps }): Promise<FittedState | undefined> {
  const eng = resolveEngine(opts)
  const saved = eng.store.saved.read(targetKey(opts.target))
  if (saved === undefined) return undefined
  return fitSaved(eng.planner, await eng.backend.query(opts.target), saved.desired, opts.caps)
}
