/**
 * Rolling back: bring the interfaces a transaction touched back to the journaled snapshot, declaratively
 * (re-query, plan the revert, apply, verify), so that it works from any partial state — after a failure at any
 * op, after a crash, or long after a pending-confirm apply.
 * @module
 */
import { HostnetError, RollbackError } from '../errors.js'
import type { Target } from '../model/target.js'
import type { HostState } from '../model/host/state.js'
import type { HostOp } from '../plan/ops.js'
import type { Actor, JournalEntry } from '../store/index.js'
import type { Engine } from './engine.js'
import { errorBrief, errorToJson } from './error-json.js'
import { decodeHostTxn } from './host-txn.js'
import { targetFromKey } from './target-key.js'
import { txnChange } from './txn-change.js'
import { verifyWithRetry } from './verify.js'

export async function restoreSnapshot(eng: Engine, target: Target, snapshot: HostState, touched: readonly string[]): Promise<HostOp[]> {
  const current = await eng.backend.query(target)
  const change = eng.planner.plan(current, eng.planner.revert(snapshot, touched))
  if (change.ops.length > 0) await eng.backend.apply(target, change.ops)
  await verifyWithRetry(eng, target, change.expected)
  return change.ops
}

/**
 * Finish a transaction this process has claimed in status 'rolling-back': restore, then mark it rolled-back.
 * If the restore fails, mark it failed and throw a RollbackError whose cause is `original`. `actor`: on whose
 * behalf (the applier after a failure, the requester, `timer` after a deadline, `recovery` after a crash).
 */
export async function completeRollback(eng: Engine, entry: JournalEntry, original: unknown, actor: Actor): Promise<void> {
  const j = eng.store.journal
  const txn = decodeHostTxn(entry)
  const done = { from: ['rolling-back'] as const, owner: null, confirmDeadlineMs: null }
  const reason = original === undefined ? undefined : errorBrief(original)
  if (txn.snapshot === undefined) {
    // The plan was never recorded, so nothing was applied: there is nothing to restore.
    j.transition(entry.id, { ...done, to: 'failed', change: txnChange(entry, 'txn.failed', actor, reason === undefined ? {} : { error: reason }) })
    return
  }
  try {
    const ops = await restoreSnapshot(eng, targetFromKey(entry.target), txn.snapshot, txn.touched)
    eng.log(`transaction ${entry.id}: rolled back (${ops.length} operation${ops.length === 1 ? '' : 's'})`)
  } catch (rollbackFailure) {
    const cause = original ?? new HostnetError('backend-failure', `transaction ${entry.id} was interrupted`)
    const err = new RollbackError(cause, [rollbackFailure])
    j.transition(entry.id, { ...done, to: 'failed', error: errorToJson(err), change: txnChange(entry, 'txn.failed', actor, { error: errorBrief(err) }) })
    throw err
  }
  j.transition(entry.id, { ...done, to: 'rolled-back', change: txnChange(entry, 'txn.rolled-back', actor, reason === undefined ? {} : { reason }) })
}
