/**
 * Typed rows of the vswitch tables hostnet uses (Open_vSwitch, Bridge, Port, Interface; schema 8.3 of OVS
 * 3.1) and converters from wire rows (as in select results and the monitor cache). Only the columns hostnet
 * reads are typed; a column missing from a row (not selected / not monitored) reads as empty or default.
 * Names stay plain strings: OVS names of patch and tunnel interfaces are not kernel names.
 * @module
 */
import { tryParseMac, type MacAddr } from '../../model/values/mac.js'
import type { Uuid } from '../../model/values/uuid.js'
import {
  numberMap,
  numberSet,
  optionalNumber,
  optionalString,
  requiredString,
  stringMap,
  stringSet,
  uuidSet,
  type OvsdbRow,
  type OvsdbValue,
} from './atoms.js'
import { OvsdbProtocolError } from './errors.js'

export const PORT_VLAN_MODES = ['trunk', 'access', 'native-tagged', 'native-untagged', 'dot1q-tunnel'] as const
export type PortVlanMode = (typeof PORT_VLAN_MODES)[number]
export const BOND_MODES = ['balance-tcp', 'balance-slb', 'active-backup'] as const
export type BondMode = (typeof BOND_MODES)[number]
export const LACP_MODES = ['active', 'passive', 'off'] as const
export type LacpMode = (typeof LACP_MODES)[number]
export type FailMode = 'standalone' | 'secure'
export type LinkState = 'up' | 'down'

export interface OvsOpenVSwitch {
  uuid: Uuid
  bridges: Uuid[]
  nextCfg: number
  curCfg: number
  ovsVersion: string | undefined
  dbVersion: string | undefined
  datapathTypes: string[]
  ifaceTypes: string[]
  otherConfig: Record<string, string>
  externalIds: Record<string, string>
}

export interface OvsBridge {
  uuid: Uuid
  name: string
  datapathType: string
  ports: Uuid[]
  failMode: FailMode | undefined
  stpEnable: boolean
  rstpEnable: boolean
  mcastSnoopingEnable: boolean
  protocols: string[]
  datapathId: string | undefined
  otherConfig: Record<string, string>
  externalIds: Record<string, string>
  status: Record<string, string>
}

export interface OvsPort {
  uuid: Uuid
  name: string
  interfaces: Uuid[]
  /** 0..4095 as OVS allows; absent = no access tag. */
  tag: number | undefined
  trunks: number[]
  vlanMode: PortVlanMode | undefined
  bondMode: BondMode | undefined
  lacp: LacpMode | undefined
  bondUpdelayMs: number
  bondDowndelayMs: number
  mac: MacAddr | undefined
  otherConfig: Record<string, string>
  externalIds: Record<string, string>
}

export interface OvsInterface {
  uuid: Uuid
  name: string
  /** '' means a system (kernel) interface; 'internal', 'patch', 'vxlan', ... */
  type: string
  options: Record<string, string>
  mac: MacAddr | undefined
  macInUse: MacAddr | undefined
  ofport: number | undefined
  ofportRequest: number | undefined
  ifindex: number | undefined
  mtu: number | undefined
  mtuRequest: number | undefined
  adminState: LinkState | undefined
  linkState: LinkState | undefined
  /** Why ovs-vswitchd could not configure the interface. */
  error: string | undefined
  otherConfig: Record<string, string>
  externalIds: Record<string, string>
  status: Record<string, string>
  statistics: Record<string, number>
}

function bool(v: OvsdbValue | undefined, column: string): boolean {
  if (v === undefined) return false
  if (typeof v !== 'boolean') throw new OvsdbProtocolError(`column '${column}' is not a boolean`, { value: v })
  return v
}

function int(v: OvsdbValue | undefined, column: string): number {
  if (v === undefined) return 0
  if (typeof v !== 'number') throw new OvsdbProtocolError(`column '${column}' is not an integer`, { value: v })
  return v
}

function oneOf<T extends string>(v: OvsdbValue | undefined, allowed: readonly T[], column: string): T | undefined {
  const s = optionalString(v)
  if (s === undefined) return undefined
  if (!(allowed as readonly string[]).includes(s)) throw new OvsdbProtocolError(`column '${column}' has unexpected value '${s}'`, { value: v })
  return s as T
}

function mac(v: OvsdbValue | undefined): MacAddr | undefined {
  const s = optionalString(v)
  return s === undefined ? undefined : tryParseMac(s)
}

export function openVSwitchFromRow(uuid: string, r: OvsdbRow): OvsOpenVSwitch {
  return {
    uuid: uuid as Uuid,
    bridges: uuidSet(r['bridges']),
    nextCfg: int(r['next_cfg'], 'next_cfg'),
    curCfg: int(r['cur_cfg'], 'cur_cfg'),
    ovsVersion: optionalString(r['ovs_version']),
    dbVersion: optionalString(r['db_version']),
    datapathTypes: stringSet(r['datapath_types']),
    ifaceTypes: stringSet(r['iface_types']),
    otherConfig: stringMap(r['other_config']),
    externalIds: stringMap(r['external_ids']),
  }
}

export function bridgeFromRow(uuid: string, r: OvsdbRow): OvsBridge {
  return {
    uuid: uuid as Uuid,
    name: requiredString(r['name'], 'Bridge.name'),
    datapathType: r['datapath_type'] === undefined ? '' : requiredString(r['datapath_type'], 'Bridge.datapath_type'),
    ports: uuidSet(r['ports']),
    failMode: oneOf(r['fail_mode'], ['standalone', 'secure'] as const, 'Bridge.fail_mode'),
    stpEnable: bool(r['stp_enable'], 'Bridge.stp_enable'),
    rstpEnable: bool(r['rstp_enable'], 'Bridge.rstp_enable'),
    mcastSnoopingEnable: bool(r['mcast_snooping_enable'], 'Bridge.mcast_snooping_enable'),
    protocols: stringSet(r['protocols']),
    datapathId: optionalString(r['datapath_id']),
    otherConfig: stringMap(r['other_config']),
    externalIds: stringMap(r['external_ids']),
    status: stringMap(r['status']),
  }
}

export function portFromRow(uuid: string, r: OvsdbRow): OvsPort {
  return {
    uuid: uuid as Uuid,
    name: requiredString(r['name'], 'Port.name'),
    interfaces: uuidSet(r['interfaces']),
    tag: optionalNumber(r['tag']),
    trunks: numberSet(r['trunks']),
    vlanMode: oneOf(r['vlan_mode'], PORT_VLAN_MODES, 'Port.vlan_mode'),
    bondMode: oneOf(r['bond_mode'], BOND_MODES, 'Port.bond_mode'),
    lacp: oneOf(r['lacp'], LACP_MODES, 'Port.lacp'),
    bondUpdelayMs: int(r['bond_updelay'], 'Port.bond_updelay'),
    bondDowndelayMs: int(r['bond_downdelay'], 'Port.bond_downdelay'),
    mac: mac(r['mac']),
    otherConfig: stringMap(r['other_config']),
    externalIds: stringMap(r['external_ids']),
  }
}

export function interfaceFromRow(uuid: string, r: OvsdbRow): OvsInterface {
  return {
    uuid: uuid as Uuid,
    name: requiredString(r['name'], 'Interface.name'),
    type: r['type'] === undefined ? '' : requiredString(r['type'], 'Interface.type'),
    options: stringMap(r['options']),
    mac: mac(r['mac']),
    macInUse: mac(r['mac_in_use']),
    ofport: optionalNumber(r['ofport']),
    ofportRequest: optionalNumber(r['ofport_request']),
    ifindex: optionalNumber(r['ifindex']),
    mtu: optionalNumber(r['mtu']),
    mtuRequest: optionalNumber(r['mtu_request']),
    adminState: oneOf(r['admin_state'], ['up', 'down'] as const, 'Interface.admin_state'),
    linkState: oneOf(r['link_state'], ['up', 'down'] as const, 'Interface.link_state'),
    error: optionalString(r['error']),
    otherConfig: stringMap(r['other_config']),
    externalIds: stringMap(r['external_ids']),
    status: stringMap(r['status']),
    statistics: numberMap(r['statistics']),
  }
}

/** All rows of a cached or selected table, converted. */
export function convertRows<T>(rows: ReadonlyMap<string, OvsdbRow>, from: (uuid: string, r: OvsdbRow) => T): T[] {
  const out: T[] = []
  for (const [uuid, r] of rows) out.push(from(uuid, r))
  return out
}
