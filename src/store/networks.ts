/**
 * Virtual networks in the store: definitions (persistent XML), live definitions and status per target and name.
 * Status changes are compare-and-set transitions, so two processes never start or stop the same network at once;
 * `atomically` runs a check-then-write (overlap checks, name allocation) in one IMMEDIATE transaction.
 * The driver (driver/network) gives `runtime` its type.
 * @module
 */
import type Database from 'better-sqlite3'
import { HostnetError } from '../errors.js'
import type { ProcessIdentity } from '../sys/process.js'
import { ChangeLog, type ChangeInput } from './changes.js'
import { NETWORK_STATUSES } from './networks-schema.js'
import { atomically, prepared } from './sql.js'
import { transitionStatus, type CasContext, type StatusTransition } from './status-cas.js'

export { NETWORK_STATUSES }
export type NetworkStatus = (typeof NETWORK_STATUSES)[number]

export interface NetworkRecord {
  /** Target key (`host`, `netns:NAME`). */
  target: string
  name: string
  uuid: string
  /** Persistent definition; undefined for a transient network. */
  configXml: string | undefined
  /** The definition the network runs with (starting, active, stopping). */
  liveXml: string | undefined
  status: NetworkStatus
  autostart: boolean
  /** The process starting or stopping the network right now. */
  owner: ProcessIdentity | undefined
  runtime: unknown
  /** Why the last start or stop failed, if it did. */
  error: unknown
  createdMs: number
  updatedMs: number
}

interface Row {
  target: string
  name: string
  uuid: string
  config_xml: string | null
  live_xml: string | null
  status: string
  autostart: number
  owner_pid: number | null
  owner_start: string | null
  runtime_json: string | null
  error_json: string | null
  created_ms: number
  updated_ms: number
}

function json(text: string | null, what: string, name: string): unknown {
  if (text === null) return undefined
  try {
    return JSON.parse(text) as unknown
  } catch (e) {
    throw new HostnetError('bug', `network '${name}': unreadable ${what} in the store`, { cause: e })
  }
}

function fromRow(r: Row): NetworkRecord {
  if (!(NETWORK_STATUSES as readonly string[]).includes(r.status)) {
    throw new HostnetError('bug', `network '${r.name}': unknown status '${r.status}' in the store`)
  }
  return {
    target: r.target,
    name: r.name,
    uuid: r.uuid,
    configXml: r.config_xml ?? undefined,
    liveXml: r.live_xml ?? undefined,
    status: r.status as NetworkStatus,
    autostart: r.autostart === 1,
    owner: r.owner_pid === null ? undefined : { pid: r.owner_pid, startTicks: r.owner_start ?? '' },
    runtime: json(r.runtime_json, 'runtime status', r.name),
    error: json(r.error_json, 'error', r.name),
    createdMs: r.created_ms,
    updatedMs: r.updated_ms,
  }
}

export interface NetworkTransition extends StatusTransition<NetworkStatus> {
  /** New live XML; null clears it; undefined keeps it. */
  liveXml?: string | null
  runtime?: unknown
  /** New error; null clears it. */
  error?: unknown
}

const TABLE = { table: 'networks', key: ['target', 'name'] } as const

export class NetworkStore {
  private readonly cas: CasContext

  constructor(
    private readonly db: Database.Database,
    private readonly nowMs: () => number,
    readonly changes: ChangeLog = new ChangeLog(db, nowMs),
  ) {
    this.cas = { db, nowMs, changes }
  }

  /** Run `fn` in one IMMEDIATE transaction (a check and the write it allows happen atomically). */
  atomically<T>(fn: () => T): T {
    return atomically(this.db, fn)
  }

  /** Append to the change record (inside the transaction of the change: `atomically`). */
  record(change: ChangeInput): void {
    this.changes.append(change)
  }

  get(target: string, name: string): NetworkRecord | undefined {
    const row = prepared(this.db, 'SELECT * FROM networks WHERE target = ? AND name = ?').get(target, name) as Row | undefined
    return row === undefined ? undefined : fromRow(row)
  }

  getByUuid(target: string, uuid: string): NetworkRecord | undefined {
    const row = prepared(this.db, 'SELECT * FROM networks WHERE target = ? AND uuid = ?').get(target, uuid) as Row | undefined
    return row === undefined ? undefined : fromRow(row)
  }

  /** Networks of one target, or of every target, by target then name. */
  list(target?: string): NetworkRecord[] {
    const rows = (
      target === undefined
        ? prepared(this.db, 'SELECT * FROM networks ORDER BY target, name').all()
        : prepared(this.db, 'SELECT * FROM networks WHERE target = ? ORDER BY name').all(target)
    ) as Row[]
    return rows.map(fromRow)
  }

  /** Insert a new network (persistent when configXml is given, else transient with liveXml). */
  insert(input: { target: string; name: string; uuid: string; configXml?: string; liveXml?: string; status: NetworkStatus; owner?: ProcessIdentity }): void {
    const now = this.nowMs()
    prepared(
      this.db,
      `INSERT INTO networks (target, name, uuid, config_xml, live_xml, status, owner_pid, owner_start, created_ms, updated_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      input.target,
      input.name,
      input.uuid,
      input.configXml ?? null,
      input.liveXml ?? null,
      input.status,
      input.owner?.pid ?? null,
      input.owner?.startTicks ?? null,
      now,
      now,
    )
  }

  /** Replace (or, with null, drop) the persistent definition. */
  setConfig(target: string, name: string, configXml: string | null): void {
    this.update(target, name, 'config_xml = ?', configXml)
  }

  setAutostart(target: string, name: string, on: boolean): void {
    this.update(target, name, 'autostart = ?', on ? 1 : 0)
  }

  setRuntime(target: string, name: string, runtime: unknown): void {
    this.update(target, name, 'runtime_json = ?', JSON.stringify(runtime ?? null))
  }

  /**
   * Compare-and-set the status (and owner, live XML, runtime, error); with `change`, the change record is written
   * in the same SQLite transaction. False if it was not in `from` (or not owned by `expectOwner`).
   */
  transition(target: string, name: string, req: NetworkTransition): boolean {
    const also: Array<readonly [string, unknown]> = []
    if (req.liveXml !== undefined) also.push(['live_xml', req.liveXml])
    if (req.runtime !== undefined) also.push(['runtime_json', JSON.stringify(req.runtime)])
    if (req.error !== undefined) also.push(['error_json', req.error === null ? null : JSON.stringify(req.error)])
    return transitionStatus(this.cas, TABLE, [target, name], req, also)
  }

  /** False if there was no such network. */
  delete(target: string, name: string): boolean {
    return prepared(this.db, 'DELETE FROM networks WHERE target = ? AND name = ?').run(target, name).changes === 1
  }

  private update(target: string, name: string, sets: string, ...args: unknown[]): void {
    const info = prepared(this.db, `UPDATE networks SET ${sets}, updated_ms = ? WHERE target = ? AND name = ?`).run(...args, this.nowMs(), target, name)
    if (info.changes !== 1) throw new HostnetError('not-found', `network not found: no network with matching name '${name}'`)
  }
}
