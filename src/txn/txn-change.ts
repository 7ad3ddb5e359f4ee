/**
 * The change records of host-interface transactions: one per transaction outcome (applied, pending-confirm,
 * committed, rolled back, failed), written by the journal in the same SQLite transaction as the status change.
 * @module
 */
import { changeBy, type Actor, type ChangeInput, type ChangeKind, type JournalEntry } from '../store/index.js'

export function txnChange(
  entry: Pick<JournalEntry, 'id' | 'target'>,
  kind: Extract<ChangeKind, `txn.${string}`>,
  actor: Actor,
  detail?: Record<string, unknown>,
): ChangeInput {
  return changeBy({ actor }, entry.target, kind, String(entry.id), { outcome: kind === 'txn.failed' ? 'failed' : 'ok', ...(detail === undefined ? {} : { detail }) })
}
