/**
 * Open vSwitch changes as plain, journal-able data: what one `ovs.transact` op asks the OVSDB backend to do in
 * ONE transaction. Rows are named (bridges, ports and interfaces have unique names in OVS); the backend looks up
 * UUIDs when it renders the transaction. Column values use OVS's vocabulary (`tag`, `trunks`, `vlan_mode`,
 * `bond_mode`, `lacp`, `mtu_request`, ...) in camelCase; `null` clears an optional column.
 * @module
 */

export type OvsPortVlanMode = 'trunk' | 'access' | 'native-tagged' | 'native-untagged' | 'dot1q-tunnel'
export type OvsPortBondMode = 'active-backup' | 'balance-slb' | 'balance-tcp'
export type OvsLacp = 'active' | 'passive' | 'off'

export interface OvsBridgeColumns {
  datapathType?: string
  stpEnable?: boolean
  rstpEnable?: boolean
  mcastSnoopingEnable?: boolean
  failMode?: 'standalone' | 'secure' | null
  externalIds?: Record<string, string>
  otherConfig?: Record<string, string>
}

export interface OvsPortColumns {
  tag?: number | null
  trunks?: number[]
  vlanMode?: OvsPortVlanMode | null
  bondMode?: OvsPortBondMode | null
  lacp?: OvsLacp | null
  bondUpdelay?: number
  bondDowndelay?: number
  externalIds?: Record<string, string>
  otherConfig?: Record<string, string>
}

/** Interface type in OVS: '' = a system (kernel) device, 'internal', 'patch', or another OVS type kept as is. */
export type OvsIfaceType = string

export interface OvsIfaceColumns {
  options?: Record<string, string>
  mtuRequest?: number | null
  mac?: string | null
  externalIds?: Record<string, string>
  otherConfig?: Record<string, string>
}

export interface OvsIfaceSpec extends OvsIfaceColumns {
  name: string
  type: OvsIfaceType
}

export type OvsChange =
  /** A new bridge (its ports come as port.add changes of the same transaction). */
  | { kind: 'bridge.add'; name: string; columns: OvsBridgeColumns }
  /** Remove a bridge with all its ports and interfaces. */
  | { kind: 'bridge.del'; name: string }
  | { kind: 'bridge.set'; name: string; columns: OvsBridgeColumns }
  | { kind: 'port.add'; bridge: string; name: string; columns: OvsPortColumns; interfaces: OvsIfaceSpec[] }
  | { kind: 'port.del'; bridge: string; name: string }
  /** Move an existing port (its rows kept) to another bridge. */
  | { kind: 'port.move'; name: string; from: string; to: string }
  | { kind: 'port.set'; name: string; columns: OvsPortColumns }
  /** Add member interfaces to a (bond) port. */
  | { kind: 'port.add-ifaces'; port: string; interfaces: OvsIfaceSpec[] }
  /** Remove member interfaces from a (bond) port. */
  | { kind: 'port.del-ifaces'; port: string; names: string[] }
  | { kind: 'iface.set'; name: string; columns: OvsIfaceColumns }

export type OvsChangeKind = OvsChange['kind']
