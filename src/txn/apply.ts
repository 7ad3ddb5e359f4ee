/**
 * The apply pipeline: recover → query → plan (validation; nothing touched yet) → lock (journal 'applying') →
 * journal snapshot and plan → apply → verify with retries → committed or pending-confirm. On any failure after
 * the kernel was touched: roll back to the snapshot and throw the original error (a RollbackError, keeping the
 * original as cause, if the rollback failed too).
 *
 * The first query and plan run before the lock is taken: a target that already matches writes nothing at all
 * (no journal entry), and the read stands once the lock is taken if no other transaction on the target began
 * in between (ids only grow); otherwise, or if the read failed, it is repeated under the lock.
 * @module
 */
import { HostnetError, ValidationError } from '../errors.js'
import { ApplyError } from '../backend/backend.js'
import { describeTarget, type Target } from '../model/target.js'
import type { DesiredState, HostState } from '../model/host/state.js'
import type { HostOp } from '../plan/ops.js'
import type { JournalEntry } from '../store/index.js'
import { HOST_TXN_KIND, resolveEngine, type Engine, type EngineDeps } from './engine.js'
import { errorBrief, errorToJson } from './error-json.js'
import type { PlannedChange } from './planner.js'
import { recover, type RecoveryReport } from './recover.js'
import { completeRollback } from './restore.js'
import { targetKey } from './target-key.js'
import { txnChange } from './txn-change.js'
import { verifyWithRetry } from './verify.js'

export interface ApplyStateOptions extends EngineDeps {
  target: Target
  desired: DesiredState
  /** Keep the change only if `commitPending` is called within this many seconds. */
  confirmWithinSec?: number
  /** Skip verification (and with it the rollback a verification failure would cause). */
  noVerify?: boolean
  /** false: a document that changes nothing is not folded into the saved state (boot's own apply). */
  save?: boolean
  /** Test hook: sleep this long after the kernel apply, before verifying (see HOSTNET_TEST_PAUSE_AFTER_APPLY_MS). */
  pauseAfterApplyMs?: number
}

/** The transactionId of an 'unchanged' result when nothing was journaled (journal ids start at 1). */
export const NO_TRANSACTION = 0

export interface ApplyResult {
  /** NO_TRANSACTION when the target already matched and nothing was written. */
  transactionId: number
  /** 'unchanged': the target already matched; nothing was applied. */
  status: 'committed' | 'pending-confirm' | 'unchanged'
  ops: HostOp[]
  confirmDeadlineMs?: number
  verifyAttempts: number
  recovery: RecoveryReport
}

export function conflictError(target: Target, open: JournalEntry, nowMs: number): HostnetError {
  const detail =
    open.status === 'pending-confirm' && open.confirmDeadlineMs !== undefined
      ? `pending-confirm, ${Math.max(0, Math.ceil((open.confirmDeadlineMs - nowMs) / 1000))} s left: run 'hostnet commit' or 'hostnet rollback' first`
      : `${open.status}${open.owner ? ` by process ${open.owner.pid}` : ''}`
  return new HostnetError('conflict', `${describeTarget(target)} has an open transaction ${open.id} (${detail})`, {
    details: { transactionId: open.id, status: open.status },
  })
}

/** Open the transaction (the per-target lock) or fail with a conflict naming the open one. */
export function beginTransaction(eng: Engine, target: Target, desired: unknown): number {
  const begun = eng.store.journal.begin({ target: targetKey(target), kind: HOST_TXN_KIND, owner: eng.owner, desired })
  if (!begun.ok) throw conflictError(target, begun.open, eng.nowMs())
  return begun.entry.id
}

interface Planned {
  snapshot: HostState
  change: PlannedChange
}

/** Ops after which the current routes matter: they delete links, take them down, move ports or remove addresses. */
function mayFlushRoutes(op: HostOp): boolean {
  if (op.kind === 'link.set-state') return op.state === 'down'
  return op.kind === 'link.delete' || op.kind === 'link.set-controller' || op.kind === 'addr.del'
}

/** Documents up to this size usually change something: their routes are read with the interfaces (in parallel). */
export const SMALL_DOCUMENT_IFACES = 32

/** A scoped read (see plan/scope.ts) holding more interfaces than this is given up for a whole query. */
export const SCOPE_MAX_INTERFACES = 64

/**
 * A small document, when the backend and the planner can scope: read only the part of the state the document
 * can involve (its interfaces, their peers, bases, ports and children, and the controllers above them, with the
 * routes through them) and plan against that: the same plan as against everything (plan/scope.test.ts), and
 * the snapshot covers every interface a rollback restores. Undefined when not possible (too big a scope, or a
 * plan that deletes or recreates links): the caller reads everything.
 */
async function readScoped(eng: Engine, target: Target, desired: DesiredState): Promise<Planned | undefined> {
  const scope = eng.planner.scope
  const query = eng.backend.queryScope?.bind(eng.backend)
  if (scope === undefined || query === undefined || desired.interfaces.length > SMALL_DOCUMENT_IFACES) return undefined
  const seeds = scope.seeds(desired)
  if (seeds === undefined) return undefined
  const state = await query(target, seeds, { maxInterfaces: SCOPE_MAX_INTERFACES })
  if (state === undefined) return undefined
  const change = eng.planner.plan(state, desired, eng.caps === undefined ? {} : { caps: eng.caps })
  return scope.usable(change) ? { snapshot: state, change } : undefined
}

/**
 * Query and plan. A small document is planned against a scoped read when possible (readScoped). Otherwise, when
 * the backend can read the routes separately, a big document that names no routes and
 * removes or downs no link is planned without them first: without routes in the document, the current routes
 * matter to the plan only if an op may flush them and they go through an interface the plan touches. So
 * re-applying a big state costs no route dump. If there is something to apply, the routes are then read for the
 * snapshot (a rollback restores them), and the plan is redone with them if they matter after all.
 */
async function readAndPlan(eng: Engine, target: Target, desired: DesiredState): Promise<Planned> {
  const scoped = await readScoped(eng, target, desired)
  if (scoped !== undefined) return scoped
  const caps = eng.caps === undefined ? {} : { caps: eng.caps }
  const laterRoutes = eng.backend.queryRoutes?.bind(eng.backend)
  const removes = desired.interfaces.some((i) => i.state === 'absent' || i.state === 'down')
  const small = desired.interfaces.length <= SMALL_DOCUMENT_IFACES
  const routesFirst = laterRoutes === undefined || desired.routes !== undefined || desired.routeRules !== undefined || removes || small
  const first = await eng.backend.query(target, { routes: routesFirst })
  const change = eng.planner.plan(first, desired, caps)
  if (laterRoutes === undefined || routesFirst || change.ops.length === 0) return { snapshot: first, change }
  const snapshot: HostState = { ...first, routes: await laterRoutes(target) }
  const touched = new Set(change.touched)
  const matter = change.ops.some(mayFlushRoutes) && snapshot.routes.some((r) => touched.has(r.nextHopInterface ?? ''))
  return { snapshot, change: matter ? eng.planner.plan(snapshot, desired, caps) : change }
}

interface UnlockedRead extends Planned {
  /** The newest transaction on the target when the read began. */
  mark: number
}

/**
 * Query and plan without the lock (a conflict if a transaction is open on the target). Undefined when that
 * failed: the locked path repeats it and journals the failure.
 */
async function readUnlocked(eng: Engine, target: Target, desired: DesiredState): Promise<UnlockedRead | undefined> {
  const key = targetKey(target)
  const open = eng.store.journal.findOpen(key)
  if (open !== undefined) throw conflictError(target, open, eng.nowMs())
  const mark = eng.store.journal.newestId(key)
  try {
    return { ...(await readAndPlan(eng, target, desired)), mark }
  } catch {
    // not swallowed: the locked path repeats the query and plan, and journals and throws what fails there
    return undefined
  }
}

/** Whether no transaction began or is open on the target since the unlocked read (so that read still stands). */
function untouchedSince(eng: Engine, target: Target, mark: number): boolean {
  const key = targetKey(target)
  return eng.store.journal.findOpen(key) === undefined && eng.store.journal.newestId(key) === mark
}

async function planOrFail(eng: Engine, id: number, target: Target, desired: DesiredState): Promise<Planned> {
  try {
    return await readAndPlan(eng, target, desired)
  } catch (e) {
    const change = txnChange({ id, target: targetKey(target) }, 'txn.failed', eng.actor, { error: errorBrief(e) })
    eng.store.journal.transition(id, { from: ['applying'], to: 'failed', owner: null, error: errorToJson(e), change })
    throw e
  }
}

async function applyOps(eng: Engine, id: number, target: Target, ops: readonly HostOp[]): Promise<void> {
  try {
    await eng.backend.apply(target, ops)
  } catch (e) {
    if (e instanceof ApplyError) eng.store.journal.recordProgress(id, e.appliedCount)
    throw e
  }
  eng.store.journal.recordProgress(id, ops.length)
}

async function rollBackAfter(eng: Engine, id: number, original: unknown): Promise<never> {
  eng.store.journal.transition(id, { from: ['applying'], to: 'rolling-back', error: errorToJson(original) })
  await completeRollback(eng, eng.store.journal.require(id), original, eng.actor)
  throw original
}

/** Longest confirm window accepted (a day): a typo such as 6000 meant as 60 s is still accepted, 6e9 is not. */
export const MAX_CONFIRM_WITHIN_SEC = 86_400

function checkConfirmWithin(sec: number | undefined): void {
  if (sec === undefined) return
  if (!Number.isFinite(sec) || sec <= 0 || sec > MAX_CONFIRM_WITHIN_SEC) {
    throw new ValidationError(`invalid confirm timeout ${sec}: must be a number of seconds in (0, ${MAX_CONFIRM_WITHIN_SEC}]`, {
      path: '--confirm-within',
      value: sec,
    })
  }
}

export async function applyState(opts: ApplyStateOptions): Promise<ApplyResult> {
  checkConfirmWithin(opts.confirmWithinSec)
  const eng = resolveEngine(opts)
  const recovery = await recover(eng)
  const read = await readUnlocked(eng, opts.target, opts.desired)
  if (read !== undefined && read.change.ops.length === 0 && untouchedSince(eng, opts.target, read.mark)) {
    // nothing to apply, but the document is what the admin wants here: the saved state keeps it (boot)
    if (opts.save !== false) eng.store.saved.note(targetKey(opts.target), opts.desired)
    return { transactionId: NO_TRANSACTION, status: 'unchanged', ops: [], verifyAttempts: 0, recovery }
  }
  const id = beginTransaction(eng, opts.target, opts.desired)
  const j = eng.store.journal
  const stands = read !== undefined && j.newestIdBefore(targetKey(opts.target), id) === read.mark
  const { snapshot, change } = stands ? read : await planOrFail(eng, id, opts.target, opts.desired)
  if (change.ops.length === 0) {
    j.transition(id, { from: ['applying'], to: 'committed', owner: null })
    return { transactionId: id, status: 'unchanged', ops: [], verifyAttempts: 0, recovery }
  }
  j.recordPlan(id, { snapshot, ops: change.ops, expected: change.expected, touched: change.touched })
  let verifyAttempts = 0
  try {
    await applyOps(eng, id, opts.target, change.ops)
    if (opts.pauseAfterApplyMs !== undefined && opts.pauseAfterApplyMs > 0) {
      eng.log(`test hook: transaction ${id} applied, pausing ${opts.pauseAfterApplyMs} ms before verification`)
      await eng.sleep(opts.pauseAfterApplyMs)
    }
    if (opts.noVerify !== true) verifyAttempts = (await verifyWithRetry(eng, opts.target, change.expected)).attempts
  } catch (e) {
    return rollBackAfter(eng, id, e)
  }
  const entry = { id, target: targetKey(opts.target) }
  return finish(eng, entry, { ops: change.ops, touched: change.touched, verifyAttempts, recovery, confirmWithinSec: opts.confirmWithinSec })
}

function finish(
  eng: Engine,
  entry: { id: number; target: string },
  r: { ops: HostOp[]; touched: string[]; verifyAttempts: number; recovery: RecoveryReport; confirmWithinSec: number | undefined },
): ApplyResult {
  const id = entry.id
  const base = { transactionId: id, ops: r.ops, verifyAttempts: r.verifyAttempts, recovery: r.recovery }
  const detail = { ops: r.ops.length, touched: r.touched, verified: r.verifyAttempts > 0 }
  if (r.confirmWithinSec === undefined) {
    const change = txnChange(entry, 'txn.applied', eng.actor, detail)
    eng.store.journal.transition(id, { from: ['applying'], to: 'committed', owner: null, change })
    return { ...base, status: 'committed' }
  }
  const deadline = eng.nowMs() + Math.round(r.confirmWithinSec * 1000)
  const change = txnChange(entry, 'txn.pending-confirm', eng.actor, { ...detail, confirmDeadlineMs: deadline })
  eng.store.journal.transition(id, { from: ['applying'], to: 'pending-confirm', owner: null, confirmDeadlineMs: deadline, change })
  return { ...base, status: 'pending-confirm', confirmDeadlineMs: deadline }
}
