/**
 * The lock a long-running daemon (the confirm timer of `hostnet serve`) holds in the store: one row per role,
 * taken only when no living process holds it. Claiming and releasing run in IMMEDIATE transactions, so the check
 * "is anyone pending?" and the release happen atomically with respect to `apply --confirm-within`.
 * @module
 */
import type Database from 'better-sqlite3'
import { processRunning, sameProcess, type ProcessIdentity } from '../sys/process.js'
import { atomically, prepared } from './sql.js'

export interface DaemonHolder extends ProcessIdentity {
  sinceMs: number
}

interface Row {
  pid: number
  start_ticks: string
  since_ms: number
}

export class DaemonLocks {
  constructor(
    private readonly db: Database.Database,
    private readonly nowMs: () => number,
    private readonly isAlive: (o: ProcessIdentity) => boolean = processRunning,
  ) {}

  /** The living holder of `role`, if any. */
  holder(role: string): DaemonHolder | undefined {
    const row = prepared(this.db, 'SELECT pid, start_ticks, since_ms FROM daemon_lock WHERE role = ?').get(role) as Row | undefined
    if (row === undefined) return undefined
    const h = { pid: row.pid, startTicks: row.start_ticks, sinceMs: row.since_ms }
    return this.isAlive(h) ? h : undefined
  }

  /** Take the lock unless another living process holds it. */
  claim(role: string, me: ProcessIdentity): boolean {
    return atomically(this.db, (): boolean => {
      const h = this.holder(role)
      if (h !== undefined && !sameProcess(h, me)) return false
      prepared(
        this.db,
        `INSERT INTO daemon_lock (role, pid, start_ticks, since_ms) VALUES (?, ?, ?, ?)
         ON CONFLICT (role) DO UPDATE SET pid = excluded.pid, start_ticks = excluded.start_ticks, since_ms = excluded.since_ms`,
      ).run(role, me.pid, me.startTicks, this.nowMs())
      return true
    })
  }

  /**
   * Release the lock if `me` holds it and `stillNeeded()` (evaluated inside the same transaction) is false.
   * Returns whether the lock was released.
   */
  release(role: string, me: ProcessIdentity, opts: { stillNeeded?: () => boolean } = {}): boolean {
    return atomically(this.db, (): boolean => {
      if (opts.stillNeeded?.() === true) return false
      const info = prepared(this.db, 'DELETE FROM daemon_lock WHERE role = ? AND pid = ? AND start_ticks = ?').run(role, me.pid, me.startTicks)
      return info.changes === 1
    })
  }
}
