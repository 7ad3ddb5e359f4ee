/**
 * Host interfaces of a target as one service: show, diff, apply (with the confirm timer), commit, rollback and
 * the journal's history. Used by the CLI's verbs and by the API.
 * @module
 */
import { parseDesiredState, type SkippedKey } from '../codec/yaml/state.js'
import { HostnetError } from '../errors.js'
import type { Target } from '../model/target.js'
import type { DesiredState, HostState } from '../model/host/state.js'
import type { ActorOptions, JournalEntry } from '../store/index.js'
import { applyState, commitPending, diffState, rollbackPending, targetKey, type ApplyResult } from '../txn/index.js'
import { ensureConfirmTimer } from './confirm-daemon.js'
import type { ApplyOptions, DiffOutput, DocumentText, TxnOutcome } from './ops.js'
import { pauseAfterApplyMs, type Runtime } from './runtime.js'
import { selectInterfaces } from './select.js'

export { selectInterfaces }

/** The desired state of a document; with `skipUnsupported`, what was left out is reported to `skipped`. */
export function parseDocument(doc: DocumentText, skipped: SkippedKey[] = []): DesiredState {
  return parseDesiredState(doc.text, { format: doc.format, ...(doc.skipUnsupported === true ? { skipUnsupported: true, skipped } : {}) })
}

/** applyState with the runtime's engine; makes sure a confirm timer runs when the result waits for confirmation. */
export async function runApply(rt: Runtime, target: Target, desired: DesiredState, opts: ApplyOptions = {}): Promise<ApplyResult> {
  const pause = pauseAfterApplyMs()
  const caps = await rt.caps(target)
  const result = await applyState({
    ...rt.deps,
    ...(caps === undefined ? {} : { caps }),
    target,
    desired,
    ...(opts.confirmWithinSec === undefined ? {} : { confirmWithinSec: opts.confirmWithinSec }),
    ...(opts.noVerify === true ? { noVerify: true } : {}),
    ...(pause === undefined ? {} : { pauseAfterApplyMs: pause }),
    ...(opts.actor === undefined ? {} : { actor: opts.actor }),
  })
  if (result.status === 'pending-confirm') await ensureConfirmTimer(rt)
  return result
}

export async function showState(rt: Runtime, target: Target, names: readonly string[] = []): Promise<HostState> {
  return selectInterfaces(await rt.backend.query(target), names)
}

export async function diffDocument(rt: Runtime, target: Target, desired: DesiredState): Promise<DiffOutput> {
  const caps = await rt.caps(target)
  const { change } = await diffState({ backend: rt.backend, target, desired, ...(caps === undefined ? {} : { caps }) })
  return { ops: change.ops, touched: change.touched }
}

export async function commitTarget(rt: Runtime, target: Target, who: ActorOptions = {}): Promise<TxnOutcome> {
  const e = await commitPending({ ...rt.deps, target, ...(who.actor === undefined ? {} : { actor: who.actor }) })
  return { transactionId: e.id, status: e.status }
}

export async function rollbackTarget(rt: Runtime, target: Target, who: ActorOptions = {}): Promise<TxnOutcome> {
  const e = await rollbackPending({ ...rt.deps, target, ...(who.actor === undefined ? {} : { actor: who.actor }) })
  return { transactionId: e.id, status: e.status }
}

/** A journal entry as the history shows it (the snapshot, the desired state and the expectations left out). */
export interface TransactionView {
  id: number
  target: string
  kind: string
  status: string
  createdMs: number
  updatedMs: number
  touched: string[]
  progress: number
  ops?: unknown
  error?: unknown
  confirmDeadlineMs?: number
}

export function transactionView(e: JournalEntry, opts: { ops?: boolean } = {}): TransactionView {
  const v: TransactionView = {
    id: e.id,
    target: e.target,
    kind: e.kind,
    status: e.status,
    createdMs: e.createdMs,
    updatedMs: e.updatedMs,
    touched: e.touched,
    progress: e.progress,
  }
  if (opts.ops === true && e.ops !== undefined && e.ops !== null) v.ops = e.ops
  if (e.error !== undefined && e.error !== null) v.error = e.error
  if (e.confirmDeadlineMs !== undefined) v.confirmDeadlineMs = e.confirmDeadlineMs
  return v
}

/** The journal, newest first. */
export function listTransactions(rt: Runtime, opts: { target?: Target; limit?: number } = {}): TransactionView[] {
  const q: { target?: string; limit?: number } = {}
  if (opts.target !== undefined) q.target = targetKey(opts.target)
  if (opts.limit !== undefined) q.limit = opts.limit
  return rt.store.journal.list(q).map((e) => transactionView(e))
}

export function getTransaction(rt: Runtime, id: number): TransactionView {
  const e = rt.store.journal.get(id)
  if (e === undefined) throw new HostnetError('not-found', `no transaction ${id} in the journal`)
  return transactionView(e, { ops: true })
}
