/**
 * Network ports in the store (schema: ./ports-schema.ts). The port driver (driver/port) allocates inside ONE
 * IMMEDIATE transaction (`atomically`) that reads the network's current usage and inserts the new row, so two
 * processes never hand out the same exclusive device or class id; the counts (`usage`) are kept by triggers in
 * the same statements that change the rows (ports-schema.ts), so they always match them. Status changes are
 * compare-and-set. The driver gives `def` and `plug` their types.
 * @module
 */
import type Database from 'better-sqlite3'
import { HostnetError } from '../errors.js'
import type { ProcessIdentity } from '../sys/process.js'
import { ChangeLog, type ChangeInput } from './changes.js'
import { PORT_STATUSES } from './ports-schema.js'
import { atomically, prepared } from './sql.js'
import { transitionStatus, type CasContext, type StatusTransition } from './status-cas.js'

export { PORT_STATUSES }
export type PortStatus = (typeof PORT_STATUSES)[number]

export interface PortRecord {
  /** Target key (`host`, `netns:NAME`). */
  target: string
  network: string
  uuid: string
  status: PortStatus
  /** The allocated `<networkport>` (JSON). */
  def: unknown
  device: string | undefined
  exclusive: boolean
  classId: number | undefined
  /** Inbound floor (kB/s) accounted on the network. */
  floor: number
  /** What the port has on the host (JSON), when anything. */
  plug: unknown
  /** The process plugging or unplugging the port right now. */
  owner: ProcessIdentity | undefined
  createdMs: number
  updatedMs: number
}

export interface PortInsert {
  target: string
  network: string
  uuid: string
  status: PortStatus
  def: unknown
  device?: string | undefined
  exclusive?: boolean
  classId?: number | undefined
  floor?: number
  plug?: unknown
  owner?: ProcessIdentity | undefined
}

/** What a network's ports use (counts equal to the rows': kept by triggers). */
export interface PortUsage {
  /** Ports of the network (libvirt's `connections`). */
  connections: number
  /** Ports per pool device (name or PCI address). */
  devices: Record<string, number>
  /** Sum of the granted inbound floors, kB/s. */
  floorSum: number
  /** tc class ids in use (only when asked for). */
  classIds: number[]
}

export interface PortTransition extends StatusTransition<PortStatus> {
  /** New host plug record; null clears it. */
  plug?: unknown
}

interface Row {
  target: string
  network: string
  uuid: string
  status: string
  def_json: string
  device: string | null
  exclusive: number
  class_id: number | null
  floor: number
  plug_json: string | null
  owner_pid: number | null
  owner_start: string | null
  created_ms: number
  updated_ms: number
}

function json(text: string | null, what: string, uuid: string): unknown {
  if (text === null) return undefined
  try {
    return JSON.parse(text) as unknown
  } catch (e) {
    throw new HostnetError('bug', `network port '${uuid}': unreadable ${what} in the store`, { cause: e })
  }
}

function fromRow(r: Row): PortRecord {
  if (!(PORT_STATUSES as readonly string[]).includes(r.status)) {
    throw new HostnetError('bug', `network port '${r.uuid}': unknown status '${r.status}' in the store`)
  }
  return {
    target: r.target,
    network: r.network,
    uuid: r.uuid,
    status: r.status as PortStatus,
    def: json(r.def_json, 'definition', r.uuid),
    device: r.device ?? undefined,
    exclusive: r.exclusive === 1,
    classId: r.class_id ?? undefined,
    floor: r.floor,
    plug: json(r.plug_json, 'plug record', r.uuid),
    owner: r.owner_pid === null ? undefined : { pid: r.owner_pid, startTicks: r.owner_start ?? '' },
    createdMs: r.created_ms,
    updatedMs: r.updated_ms,
  }
}

const SQL = {
  insert: `INSERT INTO network_ports (target, network, uuid, status, def_json, device, exclusive, class_id, floor, plug_json,
             owner_pid, owner_start, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  get: 'SELECT * FROM network_ports WHERE target = ? AND uuid = ?',
  exists: 'SELECT 1 FROM network_ports WHERE target = ? AND uuid = ?',
  byNetwork: 'SELECT * FROM network_ports WHERE target = ? AND network = ? ORDER BY created_ms, uuid',
  byTarget: 'SELECT * FROM network_ports WHERE target = ? ORDER BY network, created_ms, uuid',
  all: 'SELECT * FROM network_ports ORDER BY target, network, created_ms, uuid',
  usage: 'SELECT device, ports AS n, floor_sum AS floor FROM network_port_usage WHERE target = ? AND network = ? AND ports > 0',
  classIds: 'SELECT class_id FROM network_ports WHERE target = ? AND network = ? AND class_id IS NOT NULL',
  count: 'SELECT COALESCE(SUM(ports), 0) AS n FROM network_port_usage WHERE target = ? AND network = ?',
  delete: 'DELETE FROM network_ports WHERE target = ? AND uuid = ?',
  deleteWithStatus: 'DELETE FROM network_ports WHERE target = ? AND uuid = ? AND status = ?',
} as const

type StatementName = keyof typeof SQL

const TABLE = { table: 'network_ports', key: ['target', 'uuid'] } as const

export class PortStore {
  private readonly cas: CasContext

  constructor(
    private readonly db: Database.Database,
    private readonly nowMs: () => number,
    readonly changes: ChangeLog = new ChangeLog(db, nowMs),
  ) {
    this.cas = { db, nowMs, changes }
  }

  /** Run `fn` in one IMMEDIATE transaction (nested calls become savepoints of the outer one). */
  atomically<T>(fn: () => T): T {
    return atomically(this.db, fn)
  }

  /** Append to the change record (inside the transaction of the change: `atomically`). */
  record(change: ChangeInput): void {
    this.changes.append(change)
  }

  insert(p: PortInsert): void {
    const now = this.nowMs()
    this.stmt('insert').run(
      p.target,
      p.network,
      p.uuid,
      p.status,
      JSON.stringify(p.def),
      p.device ?? null,
      p.exclusive === true ? 1 : 0,
      p.classId ?? null,
      p.floor ?? 0,
      p.plug === undefined ? null : JSON.stringify(p.plug),
      p.owner?.pid ?? null,
      p.owner?.startTicks ?? null,
      now,
      now,
    )
  }

  /** Whether the target has a port with this UUID (nothing parsed). */
  has(target: string, uuid: string): boolean {
    return this.stmt('exists').get(target, uuid) !== undefined
  }

  get(target: string, uuid: string): PortRecord | undefined {
    const row = this.stmt('get').get(target, uuid) as Row | undefined
    return row === undefined ? undefined : fromRow(row)
  }

  /** The ports of one network, oldest first. */
  listByNetwork(target: string, network: string): PortRecord[] {
    return (this.stmt('byNetwork').all(target, network) as Row[]).map(fromRow)
  }

  /** Every port of one target, by network, oldest first (one pass over the target's rows: the topology). */
  listByTarget(target: string): PortRecord[] {
    return (this.stmt('byTarget').all(target) as Row[]).map(fromRow)
  }

  /** Every port of every target (recovery). */
  listAll(): PortRecord[] {
    return (this.stmt('all').all() as Row[]).map(fromRow)
  }

  count(target: string, network: string): number {
    return (this.stmt('count').get(target, network) as { n: number }).n
  }

  /** The network's usage (counts kept by SQLite's triggers, equal to the rows'); class ids only when asked for. */
  usage(target: string, network: string, opts: { classIds?: boolean } = {}): PortUsage {
    const rows = this.stmt('usage').all(target, network) as Array<{ device: string; n: number; floor: number }>
    const out: PortUsage = { connections: 0, devices: {}, floorSum: 0, classIds: [] }
    for (const r of rows) {
      out.connections += r.n
      out.floorSum += r.floor
      if (r.device !== '') out.devices[r.device] = r.n
    }
    if (opts.classIds === true) {
      out.classIds = (this.stmt('classIds').all(target, network) as Array<{ class_id: number }>).map((r) => r.class_id)
    }
    return out
  }

  /**
   * Compare-and-set the status (and owner, plug record); with `change`, the change record is written in the same
   * SQLite transaction. False if the port is gone or not in `from` (or not owned by `expectOwner`).
   */
  transition(target: string, uuid: string, req: PortTransition): boolean {
    const also = req.plug === undefined ? [] : ([['plug_json', req.plug === null ? null : JSON.stringify(req.plug)]] as const)
    return transitionStatus(this.cas, TABLE, [target, uuid], req, also)
  }

  /** Delete a port (only while it has `status`, when given). False if nothing was deleted. */
  delete(target: string, uuid: string, status?: PortStatus): boolean {
    const info = status === undefined ? this.stmt('delete').run(target, uuid) : this.stmt('deleteWithStatus').run(target, uuid, status)
    return info.changes === 1
  }

  private stmt(name: StatementName): Database.Statement {
    return prepared(this.db, SQL[name])
  }
}
