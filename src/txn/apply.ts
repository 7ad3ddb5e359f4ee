/**
 * The apply pipeline: recover → lock (journal 'applying') → query → plan (validation; nothing touched yet) →
 * journal snapshot and plan → apply → verify with retries → committed or pending-confirm. On any failure after
 * the kernel was touched: roll back to the snapshot and throw the original error (a RollbackError, keeping the
 * original as cause, if the rollback failed too).
 * @module
 */
import { HostnetError, ValidationError } from '../errors.js'
import { ApplyError, describeTarget, type Target } from '../backend/backend.js'
import type { DesiredState, HostState } from '../model/host/state.js'
import type { HostOp } from '../plan/ops.js'
import type { JournalEntry } from '../store/index.js'
import { HOST_TXN_KIND, resolveEngine, type Engine, type EngineDeps } from './engine.js'
import { errorToJson } from './error-json.js'
import type { PlannedChange } from './planner.js'
import { recover, type RecoveryReport } from './recover.js'
import { completeRollback } from './restore.js'
import { targetKey } from './target-key.js'
import { verifyWithRetry } from './verify.js'

export interface ApplyStateOptions extends EngineDeps {
  target: Target
  desired: DesiredState
  /** Keep the change only if `commitPending` is called within this many seconds. */
  confirmWithinSec?: number
  /** Skip verification (and with it the rollback a verification failure would cause). */
  noVerify?: boolean
  /** Test hook: sleep this long after the kernel apply, before verifying (see HOSTNET_TEST_PAUSE_AFTER_APPLY_MS). */
  pauseAfterApplyMs?: number
}

export interface ApplyResult {
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

async function planOrFail(eng: Engine, id: number, target: Target, desired: DesiredState): Promise<{ snapshot: HostState; change: PlannedChange }> {
  try {
    const snapshot = await eng.backend.query(target)
    return { snapshot, change: eng.planner.plan(snapshot, desired, eng.caps === undefined ? {} : { caps: eng.caps }) }
  } catch (e) {
    eng.store.journal.transition(id, { from: ['applying'], to: 'failed', owner: null, error: errorToJson(e) })
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
  await completeRollback(eng, eng.store.journal.require(id), original)
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
  const id = beginTransaction(eng, opts.target, opts.desired)
  const { snapshot, change } = await planOrFail(eng, id, opts.target, opts.desired)
  const j = eng.store.journal
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
  return finish(eng, id, { ops: change.ops, verifyAttempts, recovery, confirmWithinSec: opts.confirmWithinSec })
}

function finish(
  eng: Engine,
  id: number,
  r: { ops: HostOp[]; verifyAttempts: number; recovery: RecoveryReport; confirmWithinSec: number | undefined },
): ApplyResult {
  const base = { transactionId: id, ops: r.ops, verifyAttempts: r.verifyAttempts, recovery: r.recovery }
  if (r.confirmWithinSec === undefined) {
    eng.store.journal.transition(id, { from: ['applying'], to: 'committed', owner: null })
    return { ...base, status: 'committed' }
  }
  const deadline = eng.nowMs() + Math.round(r.confirmWithinSec * 1000)
  eng.store.journal.transition(id, { from: ['applying'], to: 'pending-confirm', owner: null, confirmDeadlineMs: deadline })
  return { ...base, status: 'pending-confirm', confirmDeadlineMs: deadline }
}
