/**
 * OVS changes (plan/ovs/ops.ts) → the operations of ONE OVSDB transaction, given a fresh read of the database
 * (for the UUIDs of existing rows). Pure. New rows are linked with named UUIDs; every bridge's port set changes
 * in one `mutate` (deletes, then inserts); new bridges are inserted with their ports and attached to
 * Open_vSwitch.bridges; removed rows are dropped from their parent's set and garbage-collected by OVSDB.
 * Existing rows are named in `where` clauses, behind a `wait` precondition (timeout 0) so that a row removed
 * since the read fails the whole transaction instead of being silently skipped.
 * @module
 */
import { HostnetError, assertNever } from '../../errors.js'
import type { OvsBridgeColumns, OvsChange, OvsIfaceColumns, OvsIfaceSpec, OvsPortColumns } from '../../plan/ovs/ops.js'
import { namedUuid, ovsMap, ovsSet, uuidAtom, type NamedUuidAtom, type OvsdbAtom, type OvsdbRow, type OvsdbValue } from '../ovsdb/atoms.js'
import { Op, eq, mutation, type Mutation, type OvsdbOperation } from '../ovsdb/ops.js'
import { expectNamedRow } from '../ovsdb/vswitch-ops.js'
import type { OvsDbSnapshot } from './read.js'

const EMPTY: OvsdbValue = ['set', []]

function opt(v: string | number | null | undefined): OvsdbValue | undefined {
  if (v === undefined) return undefined
  return v === null ? EMPTY : v
}

function put(row: Record<string, OvsdbValue>, column: string, v: OvsdbValue | undefined): void {
  if (v !== undefined) row[column] = v
}

export function bridgeRow(c: OvsBridgeColumns): Record<string, OvsdbValue> {
  const row: Record<string, OvsdbValue> = {}
  put(row, 'datapath_type', c.datapathType)
  put(row, 'stp_enable', c.stpEnable)
  put(row, 'rstp_enable', c.rstpEnable)
  put(row, 'mcast_snooping_enable', c.mcastSnoopingEnable)
  put(row, 'fail_mode', opt(c.failMode))
  put(row, 'external_ids', c.externalIds && ovsMap(c.externalIds))
  put(row, 'other_config', c.otherConfig && ovsMap(c.otherConfig))
  return row
}

export function portRow(c: OvsPortColumns): Record<string, OvsdbValue> {
  const row: Record<string, OvsdbValue> = {}
  put(row, 'tag', opt(c.tag))
  put(row, 'trunks', c.trunks && ovsSet(c.trunks))
  put(row, 'vlan_mode', opt(c.vlanMode))
  put(row, 'bond_mode', opt(c.bondMode))
  put(row, 'lacp', opt(c.lacp))
  put(row, 'bond_updelay', c.bondUpdelay)
  put(row, 'bond_downdelay', c.bondDowndelay)
  put(row, 'external_ids', c.externalIds && ovsMap(c.externalIds))
  put(row, 'other_config', c.otherConfig && ovsMap(c.otherConfig))
  return row
}

export function ifaceRow(c: OvsIfaceColumns): Record<string, OvsdbValue> {
  const row: Record<string, OvsdbValue> = {}
  put(row, 'options', c.options && ovsMap(c.options))
  put(row, 'mtu_request', opt(c.mtuRequest))
  put(row, 'mac', opt(c.mac))
  put(row, 'external_ids', c.externalIds && ovsMap(c.externalIds))
  put(row, 'other_config', c.otherConfig && ovsMap(c.otherConfig))
  return row
}

/** Port-set edits of one bridge. */
interface BridgePorts {
  del: OvsdbAtom[]
  ins: OvsdbAtom[]
}

class Renderer {
  readonly head: OvsdbOperation[] = []
  readonly body: OvsdbOperation[] = []
  private seq = 0
  private readonly checked = new Set<string>()
  private readonly existing = new Map<string, BridgePorts>()
  private readonly created = new Map<string, { row: OvsdbRow; ports: OvsdbAtom[]; ref: NamedUuidAtom }>()
  private readonly rootDel: OvsdbAtom[] = []

  /** `snap` is needed only when changes remove or move rows (see needsUuids). */
  constructor(private readonly snap: OvsDbSnapshot | undefined) {}

  private name(prefix: string): string {
    return `hn_${prefix}${++this.seq}`
  }

  /** A precondition that the named row exists (the transaction fails as a whole otherwise). */
  private require(table: 'Bridge' | 'Port' | 'Interface', name: string): void {
    if (this.checked.has(`${table}:${name}`)) return
    this.checked.add(`${table}:${name}`)
    this.head.push(expectNamedRow(table, name))
  }

  /** The UUID of a named row (from the read), with the existence precondition. */
  private uuid(table: 'Bridge' | 'Port' | 'Interface', name: string): string {
    if (this.snap === undefined) throw new HostnetError('bug', `rendering an OVS change that needs the UUID of ${table} '${name}' without reading the database`)
    const map = table === 'Bridge' ? this.snap.bridgeByName : table === 'Port' ? this.snap.portByName : this.snap.ifaceByName
    const row = map.get(name)
    if (row === undefined) {
      const what = `OVS ${table.toLowerCase()} '${name}' does not exist any more (changed since it was read)`
      throw new HostnetError('conflict', what, { details: { table, name } })
    }
    this.require(table, name)
    return row.uuid
  }

  private bridgePorts(bridge: string): BridgePorts {
    let e = this.existing.get(bridge)
    if (e === undefined) {
      this.require('Bridge', bridge)
      e = { del: [], ins: [] }
      this.existing.set(bridge, e)
    }
    return e
  }

  /** Where a port reference goes: a bridge created in this transaction, or an existing one. */
  private attach(bridge: string, ref: OvsdbAtom): void {
    const c = this.created.get(bridge)
    if (c !== undefined) c.ports.push(ref)
    else this.bridgePorts(bridge).ins.push(ref)
  }

  private insertIfaces(specs: readonly OvsIfaceSpec[]): NamedUuidAtom[] {
    return specs.map((s) => {
      const n = this.name('i')
      this.body.push(Op.insert('Interface', { name: s.name, type: s.type, ...ifaceRow(s) }, n))
      return namedUuid(n)
    })
  }

  private update(table: 'Bridge' | 'Port' | 'Interface', name: string, row: OvsdbRow): void {
    this.require(table, name)
    if (Object.keys(row).length > 0) this.body.push(Op.update(table, [eq('name', name)], row))
  }

  apply(c: OvsChange): void {
    switch (c.kind) {
      case 'bridge.add': {
        const n = this.name('b')
        this.created.set(c.name, { row: { name: c.name, ...bridgeRow(c.columns) }, ports: [], ref: namedUuid(n) })
        return
      }
      case 'bridge.del': return void this.rootDel.push(uuidAtom(this.uuid('Bridge', c.name)))
      case 'bridge.set': return this.update('Bridge', c.name, bridgeRow(c.columns))
      case 'port.add': {
        const ifaces = this.insertIfaces(c.interfaces)
        const n = this.name('p')
        this.body.push(Op.insert('Port', { name: c.name, ...portRow(c.columns), interfaces: ovsSet(ifaces) }, n))
        return this.attach(c.bridge, namedUuid(n))
      }
      case 'port.del': return void this.bridgePorts(c.bridge).del.push(uuidAtom(this.uuid('Port', c.name)))
      case 'port.move': {
        const ref = uuidAtom(this.uuid('Port', c.name))
        this.bridgePorts(c.from).del.push(ref)
        return this.attach(c.to, ref)
      }
      case 'port.set': return this.update('Port', c.name, portRow(c.columns))
      case 'port.add-ifaces': {
        this.require('Port', c.port)
        const refs = this.insertIfaces(c.interfaces)
        return void this.body.push(Op.mutate('Port', [eq('name', c.port)], [mutation('interfaces', 'insert', ovsSet(refs))]))
      }
      case 'port.del-ifaces': {
        this.require('Port', c.port)
        const refs = c.names.map((n) => uuidAtom(this.uuid('Interface', n)))
        return void this.body.push(Op.mutate('Port', [eq('name', c.port)], [mutation('interfaces', 'delete', ovsSet(refs))]))
      }
      case 'iface.set': return this.update('Interface', c.name, ifaceRow(c.columns))
      default: return assertNever(c, 'OVS change')
    }
  }

  finish(): OvsdbOperation[] {
    const tail: OvsdbOperation[] = []
    for (const [bridge, e] of this.existing) {
      const ms: Mutation[] = []
      if (e.del.length > 0) ms.push(mutation('ports', 'delete', ovsSet(e.del)))
      if (e.ins.length > 0) ms.push(mutation('ports', 'insert', ovsSet(e.ins)))
      if (ms.length > 0) tail.push(Op.mutate('Bridge', [eq('name', bridge)], ms))
    }
    const adds: OvsdbAtom[] = []
    for (const c of this.created.values()) {
      tail.push(Op.insert('Bridge', { ...c.row, ports: ovsSet(c.ports) }, c.ref[1]))
      adds.push(c.ref)
    }
    const root: Mutation[] = []
    if (this.rootDel.length > 0) root.push(mutation('bridges', 'delete', ovsSet(this.rootDel)))
    if (adds.length > 0) root.push(mutation('bridges', 'insert', ovsSet(adds)))
    if (root.length > 0) tail.push(Op.mutate('Open_vSwitch', [], root))
    return [...this.head, ...this.body, ...tail]
  }
}

/** Whether rendering `changes` needs the UUIDs of existing rows (a read of the database first). */
export function needsUuids(changes: readonly OvsChange[]): boolean {
  return changes.some((c) => c.kind === 'bridge.del' || c.kind === 'port.del' || c.kind === 'port.move' || c.kind === 'port.del-ifaces')
}

/** The operations for `changes` (without the marker and next_cfg bump the caller adds). */
export function renderOvsChanges(changes: readonly OvsChange[], snap: OvsDbSnapshot | undefined): OvsdbOperation[] {
  const r = new Renderer(snap)
  for (const c of changes) r.apply(c)
  return r.finish()
}
