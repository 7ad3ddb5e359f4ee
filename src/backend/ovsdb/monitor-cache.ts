/**
 * An in-memory replica of monitored tables, fed by `monitor` replies and `update` notifications (RFC 7047
 * §4.1.6, "table-updates": per row `new` only = initial/insert, `old` only = delete, both = modify with the
 * changed columns' old values in `old`). Rows are kept in wire form; vswitch-rows.ts converts them.
 *
 * Tables whose rows have a string `name` column get a name → uuid index. Listeners receive the events of one
 * update batch after the whole batch is applied, so they can follow references between rows of the batch.
 * `replaceAll` swaps in a fresh snapshot after a reconnect and reports only the differences.
 * @module
 */
import { HostnetError } from '../../errors.js'
import type { OvsdbRow, OvsdbValue } from './atoms.js'

export interface RowUpdate {
  old?: OvsdbRow
  new?: OvsdbRow
}
/** table → uuid → row update, as in `update` notifications and `monitor` replies. */
export type TableUpdates = Readonly<Record<string, Readonly<Record<string, RowUpdate>>>>

export type CacheEvent =
  | { type: 'insert'; table: string; uuid: string; row: OvsdbRow; initial: boolean }
  | { type: 'update'; table: string; uuid: string; old: OvsdbRow; row: OvsdbRow }
  | { type: 'delete'; table: string; uuid: string; row: OvsdbRow }

export type CacheListener = (events: readonly CacheEvent[]) => void

export class MonitorCache {
  private readonly tables = new Map<string, Map<string, OvsdbRow>>()
  private readonly names = new Map<string, Map<string, string>>()
  private readonly listeners = new Set<CacheListener>()
  private filled = false
  /** Incremented by every applied batch. */
  generation = 0

  constructor(tableNames: Iterable<string>) {
    for (const t of tableNames) {
      this.tables.set(t, new Map())
      this.names.set(t, new Map())
    }
  }

  get tableNames(): string[] {
    return [...this.tables.keys()]
  }

  /** Whether the initial snapshot has arrived. */
  get isFilled(): boolean {
    return this.filled
  }

  rows(table: string): ReadonlyMap<string, OvsdbRow> {
    return this.tableMap(table)
  }

  row(table: string, uuid: string): OvsdbRow | undefined {
    return this.tableMap(table).get(uuid)
  }

  uuidByName(table: string, name: string): string | undefined {
    return this.names.get(table)?.get(name)
  }

  rowByName(table: string, name: string): OvsdbRow | undefined {
    const u = this.uuidByName(table, name)
    return u === undefined ? undefined : this.row(table, u)
  }

  /** Register a listener; returns a function that removes it. */
  subscribe(listener: CacheListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Apply one `update` notification (or the reply to the first `monitor`). */
  applyUpdates(updates: TableUpdates, opts: { initial?: boolean } = {}): void {
    const events: CacheEvent[] = []
    for (const [table, rowsUpdate] of Object.entries(updates)) {
      const rows = this.tables.get(table)
      if (!rows) continue
      for (const [uuid, u] of Object.entries(rowsUpdate)) {
        const ev = this.applyRow(table, rows, uuid, u, opts.initial === true)
        if (ev) events.push(ev)
      }
    }
    if (opts.initial) this.filled = true
    this.emit(events)
  }

  /** Replace the contents with a full snapshot (a fresh monitor's reply after reconnecting); emit the differences. */
  replaceAll(snapshot: TableUpdates): void {
    const events: CacheEvent[] = []
    for (const [table, rows] of this.tables) {
      const fresh = snapshot[table] ?? {}
      for (const [uuid, row] of rows) {
        if (fresh[uuid]?.new === undefined) {
          rows.delete(uuid)
          this.unindex(table, uuid, row)
          events.push({ type: 'delete', table, uuid, row })
        }
      }
      for (const [uuid, u] of Object.entries(fresh)) {
        if (u.new === undefined) continue
        const prev = rows.get(uuid)
        if (prev !== undefined && rowsEqual(prev, u.new)) continue
        rows.set(uuid, u.new)
        if (prev !== undefined) this.unindex(table, uuid, prev)
        this.index(table, uuid, u.new)
        events.push(
          prev === undefined
            ? { type: 'insert', table, uuid, row: u.new, initial: !this.filled }
            : { type: 'update', table, uuid, old: prev, row: u.new },
        )
      }
    }
    this.filled = true
    this.emit(events)
  }

  /** Resolve with the first non-undefined value of `probe`, checked now and after every batch; 'timeout' error otherwise. */
  waitFor<T>(probe: () => T | undefined, timeoutMs: number, what = 'condition'): Promise<T> {
    const now = probe()
    if (now !== undefined) return Promise.resolve(now)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        unsubscribe()
        reject(new HostnetError('timeout', `timed out after ${timeoutMs} ms waiting for ${what} in the OVSDB cache`, { details: { timeoutMs } }))
      }, timeoutMs)
      const unsubscribe = this.subscribe(() => {
        const v = probe()
        if (v === undefined) return
        clearTimeout(timer)
        unsubscribe()
        resolve(v)
      })
    })
  }

  private tableMap(table: string): Map<string, OvsdbRow> {
    const rows = this.tables.get(table)
    if (!rows) throw new HostnetError('bug', `OVSDB table '${table}' is not monitored by this cache`)
    return rows
  }

  private applyRow(table: string, rows: Map<string, OvsdbRow>, uuid: string, u: RowUpdate, initial: boolean): CacheEvent | undefined {
    const prev = rows.get(uuid)
    if (u.new === undefined) {
      if (prev === undefined) return undefined
      rows.delete(uuid)
      this.unindex(table, uuid, prev)
      return { type: 'delete', table, uuid, row: prev }
    }
    // monitor v1 sends every monitored column in `new`; merging keeps columns a partial update omits.
    const row = prev === undefined ? u.new : { ...prev, ...u.new }
    rows.set(uuid, row)
    if (prev !== undefined) this.unindex(table, uuid, prev)
    this.index(table, uuid, row)
    return prev === undefined ? { type: 'insert', table, uuid, row, initial } : { type: 'update', table, uuid, old: prev, row }
  }

  private index(table: string, uuid: string, row: OvsdbRow): void {
    const name = row['name']
    if (typeof name === 'string') this.names.get(table)?.set(name, uuid)
  }

  private unindex(table: string, uuid: string, row: OvsdbRow): void {
    const name = row['name']
    const index = this.names.get(table)
    if (typeof name === 'string' && index?.get(name) === uuid) index.delete(name)
  }

  private emit(events: CacheEvent[]): void {
    this.generation++
    if (events.length === 0) return
    for (const l of [...this.listeners]) {
      try {
        l(events)
      } catch (e) {
        // A listener's bug must not corrupt the replica or break the connection: surface it asynchronously.
        setImmediate(() => {
          throw e
        })
      }
    }
  }
}

function valuesEqual(a: OvsdbValue | undefined, b: OvsdbValue | undefined): boolean {
  if (a === b) return true
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (!valuesEqual(a[i] as OvsdbValue, b[i] as OvsdbValue)) return false
  return true
}

export function rowsEqual(a: OvsdbRow, b: OvsdbRow): boolean {
  const ka = Object.keys(a)
  if (ka.length !== Object.keys(b).length) return false
  return ka.every((k) => valuesEqual(a[k], b[k]))
}
