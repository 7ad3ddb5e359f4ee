/**
 * The change record (schema: changes-schema.ts): what changed on this host, when, by whom, and whether it stuck.
 * Every repository that makes a change appends its record inside the SQLite transaction of the change itself
 * (`append` must run inside that transaction: the journal's, network and port transitions do it through
 * `transitionStatus`), so the record and the change are committed together or not at all.
 *
 * Readers (`hostnet history`, the API's event stream) use `list`: records after an id, oldest first, filtered by
 * target and kinds, at most `limit`; or without an id the newest `limit`. `lastId` is the id of the newest record
 * ever written (kept by SQLite's AUTOINCREMENT even when pruned), `oldestId` the oldest still kept, so a client
 * resuming after id N knows it missed pruned records when N + 1 < oldestId.
 *
 * Retention (one rule per store, in `change_retention`): a record is kept while it is among the newest
 * `maxRecords` and younger than `maxAgeSec`; a record younger than `resumeWindowSec` is always kept, unless the
 * table holds more than `hardMaxRecords`. Pruning runs inside `append` once every PRUNE_EVERY ids (so whoever
 * writes prunes, with or without `hostnet serve`), deleting from the oldest end only.
 * @module
 */
import type Database from 'better-sqlite3'
import { HostnetError, ValidationError } from '../errors.js'
import { CHANGE_OUTCOMES, checkActor, cut, isChangeKind, type Actor, type ChangeKind, type ChangeOutcome } from './change-kinds.js'
import { DEFAULT_RETENTION } from './changes-schema.js'
import { prepared } from './sql.js'

export interface ChangeInput {
  /** Target key (`host`, `netns:NAME`). */
  target: string
  kind: ChangeKind
  /** Network name, port UUID, transaction id or interface name. */
  object: string
  actor: Actor
  /** Default 'ok'. */
  outcome?: ChangeOutcome
  /** A small JSON object (cut to DETAIL_MAX_CHARS). */
  detail?: Record<string, unknown>
}

export interface ChangeRecord {
  id: number
  timeMs: number
  target: string
  kind: ChangeKind
  object: string
  actor: Actor
  outcome: ChangeOutcome
  detail: Record<string, unknown> | undefined
}

export interface ChangeQuery {
  /** Records with a larger id, oldest first; without it, the newest `limit` records (still oldest first). */
  afterId?: number
  target?: string
  /** Any of these kinds (undefined: every kind). */
  kinds?: readonly ChangeKind[]
  /** Default 100, at most CHANGE_LIST_MAX. */
  limit?: number
}

export interface ChangeRetention {
  maxRecords: number
  maxAgeSec: number
  resumeWindowSec: number
  hardMaxRecords: number
}

/** A record made on behalf of `who`'s actor. */
export function changeBy(
  who: { readonly actor: Actor },
  target: string,
  kind: ChangeKind,
  object: string,
  opts: { outcome?: ChangeOutcome; detail?: Record<string, unknown> } = {},
): ChangeInput {
  return { target, kind, object, actor: who.actor, ...opts }
}

/** Most records one `list` returns. */
export const CHANGE_LIST_MAX = 10_000
export const CHANGE_LIST_DEFAULT = 100
/** Longest detail JSON kept; a longer one is shrunk (strings cut, arrays shortened) or replaced by its keys. */
export const DETAIL_MAX_CHARS = 1024
/** Longest object name kept. */
export const OBJECT_MAX_CHARS = 256
/** Pruning runs when an appended id is a multiple of this. */
export const PRUNE_EVERY = 1000

interface Row {
  id: number
  time_ms: number
  target: string
  kind: string
  object: string
  actor: string
  outcome: string
  detail_json: string | null
}

const INSERT = 'INSERT INTO changes (time_ms, target, kind, object, actor, outcome, detail_json) VALUES (?, ?, ?, ?, ?, ?, ?)'
const COLUMNS = 'id, time_ms, target, kind, object, actor, outcome, detail_json'

/** The list statement for a combination of filters (eight fixed texts). */
function listSql(after: boolean, target: boolean, kinds: boolean): string {
  const where = [after ? 'id > ?' : '', target ? 'target = ?' : '', kinds ? 'kind IN (SELECT value FROM json_each(?))' : ''].filter((w) => w !== '')
  const whereSql = where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`
  return `SELECT ${COLUMNS} FROM changes${whereSql} ORDER BY id ${after ? 'ASC' : 'DESC'} LIMIT ?`
}

function fromRow(r: Row): ChangeRecord {
  if (!isChangeKind(r.kind)) throw new HostnetError('bug', `change ${r.id}: unknown kind '${cut(r.kind, 64)}' in the store`)
  let detail: Record<string, unknown> | undefined
  if (r.detail_json !== null) {
    try {
      detail = JSON.parse(r.detail_json) as Record<string, unknown>
    } catch (e) {
      throw new HostnetError('bug', `change ${r.id}: unreadable detail JSON`, { cause: e })
    }
  }
  return {
    id: r.id,
    timeMs: r.time_ms,
    target: r.target,
    kind: r.kind,
    object: r.object,
    actor: r.actor,
    outcome: r.outcome as ChangeOutcome,
    detail,
  }
}

/** Strings cut to `max`, arrays to 10 items, nesting to 3 levels. */
function shrink(v: unknown, max: number, depth = 0): unknown {
  if (typeof v === 'string') return cut(v, max)
  if (typeof v !== 'object' || v === null) return v
  if (depth >= 3) return Array.isArray(v) ? `[${v.length} items]` : '{…}'
  if (Array.isArray(v)) {
    const head = v.slice(0, 10).map((x) => shrink(x, max, depth + 1))
    return v.length > 10 ? [...head, `… ${v.length - 10} more`] : head
  }
  return Object.fromEntries(Object.entries(v).slice(0, 20).map(([k, x]) => [cut(k, 32), shrink(x, max, depth + 1)]))
}

/** The detail as JSON of at most DETAIL_MAX_CHARS characters (null when there is none). */
export function boundedDetail(detail: Record<string, unknown> | undefined): string | null {
  if (detail === undefined) return null
  const text = JSON.stringify(detail)
  if (text.length <= DETAIL_MAX_CHARS) return text
  const shrunk = JSON.stringify(shrink(detail, 160))
  if (shrunk.length <= DETAIL_MAX_CHARS) return shrunk
  return JSON.stringify({ truncated: true, keys: Object.keys(detail).slice(0, 20).map((k) => cut(k, 32)) })
}

export class ChangeLog {
  constructor(
    private readonly db: Database.Database,
    private readonly nowMs: () => number,
  ) {}

  /** Append a record; call it inside the transaction of the change it records. Returns its id. */
  append(c: ChangeInput): number {
    if (!isChangeKind(c.kind)) throw new HostnetError('bug', `unknown change kind '${cut(String(c.kind), 64)}'`)
    const outcome = c.outcome ?? 'ok'
    if (!CHANGE_OUTCOMES.includes(outcome)) throw new HostnetError('bug', `unknown change outcome '${cut(String(outcome), 32)}'`)
    const info = prepared(this.db, INSERT).run(this.nowMs(), c.target, c.kind, cut(c.object, OBJECT_MAX_CHARS), checkActor(c.actor), outcome, boundedDetail(c.detail))
    const id = Number(info.lastInsertRowid)
    if (id % PRUNE_EVERY === 0) this.prune()
    return id
  }

  list(q: ChangeQuery = {}): ChangeRecord[] {
    const limit = q.limit ?? CHANGE_LIST_DEFAULT
    if (!Number.isInteger(limit) || limit < 1 || limit > CHANGE_LIST_MAX) {
      throw new ValidationError(`invalid limit ${limit}: expected 1 to ${CHANGE_LIST_MAX}`, { path: 'limit', value: limit })
    }
    if (q.afterId !== undefined && (!Number.isInteger(q.afterId) || q.afterId < 0)) {
      throw new ValidationError(`invalid change id ${q.afterId}: expected a whole number ≥ 0`, { path: 'afterId', value: q.afterId })
    }
    if (q.kinds !== undefined && q.kinds.length === 0) return []
    const after = q.afterId !== undefined
    const args: unknown[] = []
    if (after) args.push(q.afterId)
    if (q.target !== undefined) args.push(q.target)
    if (q.kinds !== undefined) args.push(JSON.stringify(q.kinds))
    args.push(limit)
    const rows = prepared(this.db, listSql(after, q.target !== undefined, q.kinds !== undefined)).all(...args) as Row[]
    const out = rows.map(fromRow)
    return after ? out : out.reverse()
  }

  /** The id of the newest record ever appended (0 when none): pruning never lowers it. */
  lastId(): number {
    const row = prepared(this.db, "SELECT seq FROM sqlite_sequence WHERE name = 'changes'").get() as { seq: number } | undefined
    return row?.seq ?? 0
  }

  /** The id of the oldest record kept (lastId() + 1 when none is). */
  oldestId(): number {
    const row = prepared(this.db, 'SELECT MIN(id) AS id FROM changes').get() as { id: number | null }
    return row.id ?? this.lastId() + 1
  }

  retention(): ChangeRetention {
    const row = prepared(this.db, 'SELECT max_records, max_age_sec, resume_window_sec, hard_max_records FROM change_retention WHERE id = 1').get() as
      | { max_records: number; max_age_sec: number; resume_window_sec: number; hard_max_records: number }
      | undefined
    if (row === undefined) return { ...DEFAULT_RETENTION }
    return { maxRecords: row.max_records, maxAgeSec: row.max_age_sec, resumeWindowSec: row.resume_window_sec, hardMaxRecords: row.hard_max_records }
  }

  /** Change the retention rule (fields not given keep their value); returns the rule now in force. */
  setRetention(r: Partial<ChangeRetention>): ChangeRetention {
    const next = { ...this.retention(), ...r }
    const check = (v: number, name: keyof ChangeRetention, min: number): void => {
      if (!Number.isSafeInteger(v) || v < min) throw new ValidationError(`invalid retention ${name} ${v}: expected a whole number ≥ ${min}`, { path: name, value: v })
    }
    check(next.maxRecords, 'maxRecords', 1)
    check(next.maxAgeSec, 'maxAgeSec', 1)
    check(next.resumeWindowSec, 'resumeWindowSec', 0)
    check(next.hardMaxRecords, 'hardMaxRecords', 1)
    if (next.hardMaxRecords < next.maxRecords) {
      throw new ValidationError(`invalid retention: hardMaxRecords ${next.hardMaxRecords} is below maxRecords ${next.maxRecords}`, { path: 'hardMaxRecords', value: next.hardMaxRecords })
    }
    prepared(
      this.db,
      `INSERT INTO change_retention (id, max_records, max_age_sec, resume_window_sec, hard_max_records) VALUES (1, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET max_records = excluded.max_records, max_age_sec = excluded.max_age_sec,
         resume_window_sec = excluded.resume_window_sec, hard_max_records = excluded.hard_max_records`,
    ).run(next.maxRecords, next.maxAgeSec, next.resumeWindowSec, next.hardMaxRecords)
    return next
  }

  /** Apply the retention rule now (deleting from the oldest end); returns how many records went. */
  prune(): number {
    const r = this.retention()
    const last = this.lastId()
    const now = this.nowMs()
    const windowStart = now - r.resumeWindowSec * 1000
    let n = 0
    // ids are dense below lastId (only the oldest are ever deleted), so "beyond the newest N" is "id <= last - N"
    if (last > r.hardMaxRecords) n += prepared(this.db, 'DELETE FROM changes WHERE id <= ?').run(last - r.hardMaxRecords).changes
    if (last > r.maxRecords) n += prepared(this.db, 'DELETE FROM changes WHERE id <= ? AND time_ms < ?').run(last - r.maxRecords, windowStart).changes
    // age: times follow ids (records are written under SQLite's write lock), so the old ones are a prefix; the
    // scan stops at the first young record
    const ageCut = Math.min(now - r.maxAgeSec * 1000, windowStart)
    const young = prepared(this.db, 'SELECT id FROM changes WHERE time_ms >= ? ORDER BY id LIMIT 1').get(ageCut) as { id: number } | undefined
    n += prepared(this.db, 'DELETE FROM changes WHERE id < ?').run(young?.id ?? last + 1).changes
    return n
  }
}
