/**
 * The transaction journal: one row per apply (or rollback request), written before the kernel is touched and
 * updated as the transaction moves on. Payloads (desired state, snapshot, ops, ...) are JSON; the txn layer gives
 * them their types. At most one transaction per target is open (applying, pending-confirm or rolling-back): that
 * is the per-target write lock, enforced by a partial unique index.
 * @module
 */
import type Database from 'better-sqlite3'
import { HostnetError } from '../errors.js'
import type { ProcessIdentity } from '../sys/process.js'
import { ChangeLog } from './changes.js'
import { atomically, prepared } from './sql.js'
import { transitionStatus, type CasContext, type ColumnValues, type StatusTransition } from './status-cas.js'

export const TXN_STATUSES = ['applying', 'pending-confirm', 'committed', 'rolling-back', 'rolled-back', 'failed'] as const
export type TxnStatus = (typeof TXN_STATUSES)[number]
export const OPEN_STATUSES: readonly TxnStatus[] = ['applying', 'pending-confirm', 'rolling-back']

export interface JournalEntry {
  id: number
  /** Target key, e.g. `netns:blue` or `host`. */
  target: string
  /** What the transaction changes, e.g. `host-state`; later features add their own kinds. */
  kind: string
  status: TxnStatus
  createdMs: number
  updatedMs: number
  /** The process driving the transaction right now (none while pending-confirm or when finished). */
  owner: ProcessIdentity | undefined
  desired: unknown
  /** The previous live state, recorded before anything is applied. */
  snapshot: unknown
  ops: unknown
  expected: unknown
  touched: string[]
  /** Number of ops known to have been applied. */
  progress: number
  error: unknown
  confirmDeadlineMs: number | undefined
}

export type BeginResult = { ok: true; entry: JournalEntry } | { ok: false; open: JournalEntry }

export interface TransitionRequest extends StatusTransition<TxnStatus> {
  error?: unknown
  /** New confirm deadline; null clears it; undefined keeps it. */
  confirmDeadlineMs?: number | null
}

interface Row {
  id: number
  target: string
  kind: string
  status: string
  created_ms: number
  updated_ms: number
  owner_pid: number | null
  owner_start: string | null
  desired_json: string | null
  snapshot_json: string | null
  ops_json: string | null
  expected_json: string | null
  touched_json: string | null
  progress: number
  error_json: string | null
  confirm_deadline_ms: number | null
}

function parseJson(text: string | null, what: string, id: number): unknown {
  if (text === null) return undefined
  try {
    return JSON.parse(text) as unknown
  } catch (e) {
    throw new HostnetError('bug', `journal entry ${id}: unreadable ${what} JSON`, { cause: e })
  }
}

function toStatus(s: string, id: number): TxnStatus {
  if ((TXN_STATUSES as readonly string[]).includes(s)) return s as TxnStatus
  throw new HostnetError('bug', `journal entry ${id}: unknown status '${s}'`)
}

function fromRow(r: Row): JournalEntry {
  const touched = parseJson(r.touched_json, 'touched', r.id)
  return {
    id: r.id,
    target: r.target,
    kind: r.kind,
    status: toStatus(r.status, r.id),
    createdMs: r.created_ms,
    updatedMs: r.updated_ms,
    owner: r.owner_pid === null ? undefined : { pid: r.owner_pid, startTicks: r.owner_start ?? '' },
    desired: parseJson(r.desired_json, 'desired', r.id),
    snapshot: parseJson(r.snapshot_json, 'snapshot', r.id),
    ops: parseJson(r.ops_json, 'ops', r.id),
    expected: parseJson(r.expected_json, 'expected', r.id),
    touched: Array.isArray(touched) ? touched.map(String) : [],
    progress: r.progress,
    error: parseJson(r.error_json, 'error', r.id),
    confirmDeadlineMs: r.confirm_deadline_ms ?? undefined,
  }
}

const OPEN_SQL = `status IN (${OPEN_STATUSES.map((s) => `'${s}'`).join(', ')})`

const TABLE = { table: 'transactions', key: ['id'] } as const

export class Journal {
  private readonly cas: CasContext

  constructor(
    private readonly db: Database.Database,
    private readonly nowMs: () => number,
    changes: ChangeLog = new ChangeLog(db, nowMs),
  ) {
    this.cas = { db, nowMs, changes }
  }

  /** Open a transaction on `target` in status 'applying', or report the transaction already open there. */
  begin(input: { target: string; kind: string; owner: ProcessIdentity; desired: unknown }): BeginResult {
    return atomically(this.db, (): BeginResult => {
      const open = this.findOpen(input.target)
      if (open !== undefined) return { ok: false, open }
      const now = this.nowMs()
      const info = prepared(
        this.db,
        `INSERT INTO transactions (target, kind, status, created_ms, updated_ms, owner_pid, owner_start, desired_json)
         VALUES (?, ?, 'applying', ?, ?, ?, ?, ?)`,
      ).run(input.target, input.kind, now, now, input.owner.pid, input.owner.startTicks, JSON.stringify(input.desired ?? null))
      // the row as written (not read back: the desired document of a big state is megabytes of JSON to parse)
      const entry: JournalEntry = {
        id: Number(info.lastInsertRowid),
        target: input.target,
        kind: input.kind,
        status: 'applying',
        createdMs: now,
        updatedMs: now,
        owner: { pid: input.owner.pid, startTicks: input.owner.startTicks },
        desired: input.desired ?? null,
        snapshot: undefined,
        ops: undefined,
        expected: undefined,
        touched: [],
        progress: 0,
        error: undefined,
        confirmDeadlineMs: undefined,
      }
      return { ok: true, entry }
    })
  }

  /** Record what is about to be applied and the state to return to. Must happen before the kernel is touched. */
  recordPlan(id: number, plan: { snapshot: unknown; ops: unknown; expected: unknown; touched: readonly string[] }): void {
    this.update(
      id,
      'snapshot_json = ?, ops_json = ?, expected_json = ?, touched_json = ?',
      JSON.stringify(plan.snapshot),
      JSON.stringify(plan.ops),
      JSON.stringify(plan.expected),
      JSON.stringify(plan.touched),
    )
  }

  recordProgress(id: number, progress: number): void {
    this.update(id, 'progress = ?', progress)
  }

  recordError(id: number, error: unknown): void {
    this.update(id, 'error_json = ?', JSON.stringify(error ?? null))
  }

  /**
   * Compare-and-set the status (and optionally owner, error, deadline); with `change`, the change record is
   * written in the same SQLite transaction. False if the entry was not in `from` (or not owned by `expectOwner`).
   */
  transition(id: number, req: TransitionRequest): boolean {
    const also: Array<readonly [string, unknown]> = []
    if (req.error !== undefined) also.push(['error_json', JSON.stringify(req.error)])
    if (req.confirmDeadlineMs !== undefined) also.push(['confirm_deadline_ms', req.confirmDeadlineMs])
    return transitionStatus(this.cas, TABLE, [id], req, also as ColumnValues)
  }

  get(id: number): JournalEntry | undefined {
    const row = prepared(this.db, 'SELECT * FROM transactions WHERE id = ?').get(id) as Row | undefined
    return row === undefined ? undefined : fromRow(row)
  }

  require(id: number): JournalEntry {
    const e = this.get(id)
    if (e === undefined) throw new HostnetError('not-found', `transaction ${id} not found`)
    return e
  }

  /** The id of the newest transaction on `target` (0 when none): ids only grow, so a larger one means a newer one. */
  newestId(target: string): number {
    const row = prepared(this.db, 'SELECT id FROM transactions WHERE target = ? ORDER BY id DESC LIMIT 1').get(target) as { id: number } | undefined
    return row?.id ?? 0
  }

  /** The id of the newest transaction on `target` before transaction `id` (0 when none). */
  newestIdBefore(target: string, id: number): number {
    const row = prepared(this.db, 'SELECT id FROM transactions WHERE target = ? AND id < ? ORDER BY id DESC LIMIT 1').get(target, id) as
      | { id: number }
      | undefined
    return row?.id ?? 0
  }

  findOpen(target: string): JournalEntry | undefined {
    const row = prepared(this.db, `SELECT * FROM transactions WHERE target = ? AND ${OPEN_SQL}`).get(target) as Row | undefined
    return row === undefined ? undefined : fromRow(row)
  }

  listOpen(): JournalEntry[] {
    const rows = prepared(this.db, `SELECT * FROM transactions WHERE ${OPEN_SQL} ORDER BY id`).all() as Row[]
    return rows.map(fromRow)
  }

  countByStatus(status: TxnStatus): number {
    const row = prepared(this.db, 'SELECT COUNT(*) AS n FROM transactions WHERE status = ?').get(status) as { n: number }
    return row.n
  }

  /** Newest first. */
  list(opts: { target?: string; limit?: number } = {}): JournalEntry[] {
    const limit = opts.limit ?? 100
    const rows = (
      opts.target === undefined
        ? prepared(this.db, 'SELECT * FROM transactions ORDER BY id DESC LIMIT ?').all(limit)
        : prepared(this.db, 'SELECT * FROM transactions WHERE target = ? ORDER BY id DESC LIMIT ?').all(opts.target, limit)
    ) as Row[]
    return rows.map(fromRow)
  }

  private update(id: number, sets: string, ...args: unknown[]): void {
    const info = prepared(this.db, `UPDATE transactions SET ${sets}, updated_ms = ? WHERE id = ?`).run(...args, this.nowMs(), id)
    if (info.changes !== 1) throw new HostnetError('bug', `journal entry ${id} vanished`)
  }
}
