/**
 * The one compare-and-set status transition of the store (journal entries, networks and ports all have a
 * `status`, an owner `owner_pid`/`owner_start` and `updated_ms`): a single UPDATE whose WHERE is the compare
 * (the key, the status in `from`, and optionally the owner), so it is atomic on its own and two processes can
 * never both win. With a `change`, the change record is appended in the same SQLite transaction, only when the
 * transition happened.
 * @module
 */
import type Database from 'better-sqlite3'
import type { ProcessIdentity } from '../sys/process.js'
import type { ChangeInput, ChangeLog } from './changes.js'
import { atomically, prepared } from './sql.js'

export interface StatusTransition<S extends string> {
  from: readonly S[]
  to: S
  /** Only if the current owner is this one. */
  expectOwner?: ProcessIdentity | undefined
  /** New owner; null clears it; undefined keeps it. */
  owner?: ProcessIdentity | null | undefined
  /** Recorded in the same SQLite transaction if (and only if) the transition happens. */
  change?: ChangeInput | undefined
}

export interface StatusTable {
  table: string
  /** The key columns, in the order `transitionStatus` gets their values. */
  key: readonly string[]
}

/** Further columns to set, as [column, value] (columns from the repository's own fixed vocabulary). */
export type ColumnValues = ReadonlyArray<readonly [string, unknown]>

export interface CasContext {
  db: Database.Database
  nowMs: () => number
  changes: ChangeLog
}

/** Compare-and-set; false when the row is gone, not in `from`, or not owned by `expectOwner`. */
export function transitionStatus<S extends string>(
  cx: CasContext,
  spec: StatusTable,
  keyValues: readonly unknown[],
  req: StatusTransition<S>,
  also: ColumnValues = [],
): boolean {
  if (req.from.length === 0) return false
  const sets = ['status = ?']
  const args: unknown[] = [req.to]
  if (req.owner !== undefined) {
    sets.push('owner_pid = ?', 'owner_start = ?')
    args.push(req.owner?.pid ?? null, req.owner?.startTicks ?? null)
  }
  for (const [column, value] of also) {
    sets.push(`${column} = ?`)
    args.push(value)
  }
  sets.push('updated_ms = ?')
  args.push(cx.nowMs())
  const where = [...spec.key.map((k) => `${k} = ?`), `status IN (${req.from.map(() => '?').join(', ')})`]
  args.push(...keyValues, ...req.from)
  if (req.expectOwner !== undefined) {
    where.push("owner_pid = ? AND COALESCE(owner_start, '') = ?")
    args.push(req.expectOwner.pid, req.expectOwner.startTicks)
  }
  const stmt = prepared(cx.db, `UPDATE ${spec.table} SET ${sets.join(', ')} WHERE ${where.join(' AND ')}`)
  const change = req.change
  if (change === undefined) return stmt.run(...args).changes === 1
  return atomically(cx.db, () => {
    const ok = stmt.run(...args).changes === 1
    if (ok) cx.changes.append(change)
    return ok
  })
}
