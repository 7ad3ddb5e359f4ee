/**
 * One read of the vswitch tables hostnet models (Open_vSwitch, Bridge, Port, Interface), in ONE `transact`
 * of four selects with the columns needed, as typed rows indexed by UUID and by name.
 * @module
 */
import type { OvsdbClient } from '../ovsdb/client.js'
import type { MonitorCache } from '../ovsdb/monitor-cache.js'
import { Op } from '../ovsdb/ops.js'
import type { OvsdbRow } from '../ovsdb/atoms.js'
import { VSWITCH_DB } from '../ovsdb/wait-applied.js'
import {
  bridgeFromRow,
  interfaceFromRow,
  openVSwitchFromRow,
  portFromRow,
  type OvsBridge,
  type OvsInterface,
  type OvsOpenVSwitch,
  type OvsPort,
} from '../ovsdb/vswitch-rows.js'

/** Configuration columns (what the host state models), then the status columns ovs-show adds. */
const BRIDGE_COLUMNS = ['name', 'datapath_type', 'ports', 'fail_mode', 'stp_enable', 'rstp_enable', 'mcast_snooping_enable', 'external_ids', 'other_config']
const PORT_COLUMNS = ['name', 'interfaces', 'tag', 'trunks', 'vlan_mode', 'bond_mode', 'lacp', 'bond_updelay', 'bond_downdelay', 'external_ids', 'other_config']
const PORT_STATUS = ['bond_active_slave']
const IFACE_COLUMNS = ['name', 'type', 'options', 'mtu_request', 'mac', 'external_ids', 'other_config']
const IFACE_STATUS = ['mac_in_use', 'mtu', 'ofport', 'link_state', 'admin_state', 'lacp_current', 'error']
const ROOT_COLUMNS = ['bridges', 'next_cfg', 'cur_cfg', 'ovs_version', 'db_version']

/** A Port with the columns vswitch-rows.ts does not type (bond status). */
export interface OvsPortRow extends OvsPort {
  /** MAC of the active bond member (ovs-vswitchd's view), if any. */
  bondActiveSlave: string | undefined
}

export interface OvsInterfaceRow extends OvsInterface {
  /** LACP negotiation state of a bond member: true current, false expired/defaulted, undefined no LACP. */
  lacpCurrent: boolean | undefined
}

export interface OvsDbSnapshot {
  root: OvsOpenVSwitch | undefined
  bridges: OvsBridge[]
  ports: Map<string, OvsPortRow>
  ifaces: Map<string, OvsInterfaceRow>
  bridgeByName: Map<string, OvsBridge>
  portByName: Map<string, OvsPortRow>
  ifaceByName: Map<string, OvsInterfaceRow>
}

function optional<T>(v: OvsdbRow[string] | undefined, check: (x: unknown) => x is T): T | undefined {
  if (check(v)) return v
  if (Array.isArray(v) && v[0] === 'set' && Array.isArray(v[1]) && v[1].length === 1 && check(v[1][0])) return v[1][0]
  return undefined
}

const isString = (x: unknown): x is string => typeof x === 'string'
const isBool = (x: unknown): x is boolean => typeof x === 'boolean'

function rowsOf(r: { rows?: Array<Record<string, OvsdbRow[string]>> } | undefined): Array<[string, OvsdbRow]> {
  return (r?.rows ?? []).map((row) => {
    const u = row['_uuid']
    return [Array.isArray(u) ? String(u[1]) : '', row]
  })
}

type Rows = Iterable<readonly [string, OvsdbRow]>

function buildSnapshot(root: Rows, bridges: Rows, ports: Rows, ifaces: Rows): OvsDbSnapshot {
  const snap: OvsDbSnapshot = {
    root: [...root].map(([u, r]) => openVSwitchFromRow(u, r))[0],
    bridges: [...bridges].map(([u, r]) => bridgeFromRow(u, r)),
    ports: new Map([...ports].map(([u, r]) => [u, { ...portFromRow(u, r), bondActiveSlave: optional(r['bond_active_slave'], isString) }])),
    ifaces: new Map([...ifaces].map(([u, r]) => [u, { ...interfaceFromRow(u, r), lacpCurrent: optional(r['lacp_current'], isBool) }])),
    bridgeByName: new Map(),
    portByName: new Map(),
    ifaceByName: new Map(),
  }
  for (const b of snap.bridges) snap.bridgeByName.set(b.name, b)
  for (const p of snap.ports.values()) snap.portByName.set(p.name, p)
  for (const i of snap.ifaces.values()) snap.ifaceByName.set(i.name, i)
  return snap
}

/** Read the tables; `status: true` adds the status columns (bond and link state) that ovs-show prints. */
export async function readOvsDb(client: OvsdbClient, opts: { status?: boolean } = {}): Promise<OvsDbSnapshot> {
  const status = opts.status === true
  const [root, bridges, ports, ifaces] = await client.transact(VSWITCH_DB, [
    Op.select('Open_vSwitch', [], ['_uuid', ...ROOT_COLUMNS]),
    Op.select('Bridge', [], ['_uuid', ...BRIDGE_COLUMNS]),
    Op.select('Port', [], ['_uuid', ...PORT_COLUMNS, ...(status ? PORT_STATUS : [])]),
    Op.select('Interface', [], ['_uuid', ...IFACE_COLUMNS, ...(status ? IFACE_STATUS : [])]),
  ])
  return buildSnapshot(rowsOf(root), rowsOf(bridges), rowsOf(ports), rowsOf(ifaces))
}

/** Tables and columns a monitor cache keeps for queries (the root row's external_ids hold the commit marker). */
export const MONITORED_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  Open_vSwitch: [...ROOT_COLUMNS, 'external_ids'],
  Bridge: BRIDGE_COLUMNS,
  Port: PORT_COLUMNS,
  Interface: IFACE_COLUMNS,
}

/** The same snapshot from a monitor cache of MONITORED_COLUMNS (no round trip). */
export function snapshotFromCache(cache: MonitorCache): OvsDbSnapshot {
  return buildSnapshot(cache.rows('Open_vSwitch'), cache.rows('Bridge'), cache.rows('Port'), cache.rows('Interface'))
}
