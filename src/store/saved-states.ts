/**
 * Each target's saved desired state (model/host/saved.ts): the merge of every committed host-state transaction,
 * kept as a folded document plus the id of the last transaction folded in. Committing costs nothing extra: the
 * journal already holds each transaction's document, and `read` folds the ones committed since (in one IMMEDIATE
 * transaction, writing the result back). A document that changed nothing (no transaction) is folded by `note`.
 * @module
 */
import type Database from 'better-sqlite3'
import { HostnetError } from '../errors.js'
import type { DesiredState } from '../model/host/state.js'
import { mergeSaved, savedCovers } from '../model/host/saved.js'
import { atomically, prepared } from './sql.js'

export const SAVED_STATES_MIGRATION_SQL = `
  CREATE TABLE saved_states (
    target TEXT PRIMARY KEY,
    desired_json TEXT NOT NULL,
    through_txn INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    version INTEGER NOT NULL
  ) WITHOUT ROWID;
`

/** Journal kind whose committed documents make up the saved state (txn/engine.ts HOST_TXN_KIND). */
const HOST_KIND = 'host-state'

export interface SavedState {
  target: string
  desired: DesiredState
  /** The last transaction folded in (0: none). */
  throughTxn: number
  updatedMs: number
}

function parse(text: string, what: string): DesiredState {
  try {
    const v = JSON.parse(text) as DesiredState
    if (v === null || typeof v !== 'object' || !Array.isArray(v.interfaces)) throw new Error('not a desired state')
    return v
  } catch (e) {
    throw new HostnetError('bug', `saved state of ${what}: unreadable JSON`, { cause: e })
  }
}

/** Parsed saved documents of this connection by target, with the row version they were read at. */
interface Cached {
  version: number
  desired: DesiredState
}

export class SavedStates {
  /** Bounded by the number of targets (one entry each). */
  private readonly cache = new Map<string, Cached>()

  constructor(
    private readonly db: Database.Database,
    private readonly nowMs: () => number,
  ) {}

  /** The target's saved state with every committed transaction folded in; undefined when there is none. */
  read(target: string): SavedState | undefined {
    return atomically(this.db, () => this.fold(target))
  }

  /** Fold a document that was applied without a transaction (it changed nothing) into the saved state. */
  note(target: string, desired: DesiredState): void {
    // the common case (a big state applied again) reads, compares and leaves: no write lock, no merge
    const settled = this.settled(target)
    if (settled !== undefined && savedCovers(settled, desired)) return
    atomically(this.db, () => {
      const cur = this.fold(target)
      // re-applying what is saved (the common case: a big state applied again) writes nothing and merges nothing
      if (cur !== undefined && savedCovers(cur.desired, desired)) return
      this.write(target, mergeSaved(cur?.desired, desired), cur?.throughTxn ?? this.newestHostTxn(target))
    })
  }

  /**
   * Leave transaction `id` out of the saved state (boot's own transaction, which applied only part of it; an
   * interface definition started with start mode none or hotplug): what was committed before it is folded first.
   */
  markFolded(target: string, id: number): void {
    atomically(this.db, () => {
      const cur = this.fold(target)
      if (cur !== undefined && cur.throughTxn >= id) return
      const unfolded = prepared(this.db, `SELECT 1 FROM transactions WHERE target = ? AND kind = ? AND status = 'committed' AND id > ? AND id < ?`).get(target, HOST_KIND, cur?.throughTxn ?? 0, id)
      if (unfolded !== undefined) return // an earlier transaction is still open: it folds first, then this one (harmless)
      this.write(target, cur?.desired ?? { interfaces: [] }, id)
    })
  }

  /** Targets with a saved state or committed host-state transactions. */
  targets(): string[] {
    const rows = prepared(
      this.db,
      `SELECT target FROM saved_states UNION SELECT DISTINCT target FROM transactions WHERE kind = ? AND status = 'committed' ORDER BY 1`,
    ).all(HOST_KIND) as Array<{ target: string }>
    return rows.map((r) => r.target)
  }

  /** Forget a target's saved state (its journal stays; later commits start a new one). */
  clear(target: string): void {
    atomically(this.db, () => this.write(target, { interfaces: [] }, this.newestHostTxn(target)))
  }

  private newestHostTxn(target: string): number {
    const r = prepared(this.db, 'SELECT MAX(id) AS id FROM transactions WHERE target = ? AND kind = ?').get(target, HOST_KIND) as { id: number | null }
    return r.id ?? 0
  }

  private write(target: string, desired: DesiredState, through: number): void {
    const row = prepared(
      this.db,
      `INSERT INTO saved_states (target, desired_json, through_txn, updated_ms, version) VALUES (?, ?, ?, ?, 1)
       ON CONFLICT (target) DO UPDATE SET desired_json = excluded.desired_json, through_txn = excluded.through_txn,
         updated_ms = excluded.updated_ms, version = version + 1
       RETURNING version`,
    ).get(target, JSON.stringify(desired), through, this.nowMs()) as { version: number }
    this.cache.set(target, { version: row.version, desired })
  }

  private fold(target: string): SavedState | undefined {
    const row = prepared(this.db, 'SELECT through_txn, updated_ms, version FROM saved_states WHERE target = ?').get(target) as
      | { through_txn: number; updated_ms: number; version: number }
      | undefined
    const through = row?.through_txn ?? 0
    // only up to a transaction still open (pending confirmation, say): committed later, it folds in its turn
    const open = prepared(this.db, `SELECT MIN(id) AS id FROM transactions WHERE target = ? AND kind = ? AND status IN ('applying', 'pending-confirm', 'rolling-back')`).get(target, HOST_KIND) as { id: number | null }
    const newer = prepared(
      this.db,
      `SELECT id, desired_json FROM transactions WHERE target = ? AND kind = ? AND status = 'committed' AND id > ? AND id < ? AND desired_json IS NOT NULL ORDER BY id`,
    ).all(target, HOST_KIND, through, open.id ?? Number.MAX_SAFE_INTEGER) as Array<{ id: number; desired_json: string }>
    let desired = row === undefined ? undefined : this.parsed(target, row.version)
    if (newer.length === 0) return row === undefined || desired === undefined ? undefined : { target, desired, throughTxn: through, updatedMs: row.updated_ms }
    for (const t of newer) desired = mergeSaved(desired, parse(t.desired_json, `${target} (transaction ${t.id})`))
    const last = newer[newer.length - 1]!.id
    const doc = desired ?? { interfaces: [] }
    this.write(target, doc, last)
    return { target, desired: doc, throughTxn: last, updatedMs: this.nowMs() }
  }

  /** The saved document when no committed transaction waits to be folded into it (else undefined). */
  private settled(target: string): DesiredState | undefined {
    const row = prepared(this.db, 'SELECT through_txn, version FROM saved_states WHERE target = ?').get(target) as { through_txn: number; version: number } | undefined
    if (row === undefined) return undefined
    const newer = prepared(this.db, `SELECT 1 FROM transactions WHERE target = ? AND kind = ? AND status = 'committed' AND id > ? LIMIT 1`).get(target, HOST_KIND, row.through_txn)
    return newer === undefined ? this.parsed(target, row.version) : undefined
  }

  /** The saved document at row `version`: parsed once per version per connection. */
  private parsed(target: string, version: number): DesiredState {
    const hit = this.cache.get(target)
    if (hit !== undefined && hit.version === version) return hit.desired
    const r = prepared(this.db, 'SELECT desired_json FROM saved_states WHERE target = ?').get(target) as { desired_json: string }
    const desired = parse(r.desired_json, target)
    this.cache.set(target, { version, desired })
    return desired
  }
}
