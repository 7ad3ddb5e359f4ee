/**
 * Host interfaces: one record type for both the current state read from the kernel (every field that applies
 * is set) and the desired state (fields left undefined keep their current value: partial editing as in
 * nmstate). Type names follow nmstate's YAML (`linux-bridge`, `mac-vlan`, ...); property names are camelCase
 * here and kebab-case in YAML (codec/yaml).
 *
 * A port belongs to its controller through `controller` (the port's side). Desired documents may instead list
 * ports on the controller (`bridge.ports`, `bond.ports`, `vrf.ports`); plan/normalize turns those lists into
 * `controller` values. In the current state both sides are filled.
 * @module
 */
import type { OvsBridgeConfig, OvsDbConfig, OvsInterfaceConfig } from './ovs.js'

export const IFACE_TYPES = [
  'ethernet',
  'veth',
  'linux-bridge',
  'bond',
  'vlan',
  'mac-vlan',
  'mac-vtap',
  'vxlan',
  'dummy',
  'vrf',
  'tap',
  'loopback',
  'ovs-bridge',
  'ovs-interface',
  'unknown',
] as const
export type IfaceType = (typeof IFACE_TYPES)[number]

/** Types hostnet can create and delete (the rest are read-only or managed elsewhere). */
export const CREATABLE_TYPES: ReadonlySet<IfaceType> = new Set([
  'veth',
  'linux-bridge',
  'bond',
  'vlan',
  'mac-vlan',
  'mac-vtap',
  'vxlan',
  'dummy',
  'vrf',
  'tap',
])

/** Types that can have ports. */
export const CONTROLLER_TYPES: ReadonlySet<IfaceType> = new Set(['linux-bridge', 'bond', 'vrf', 'ovs-bridge'])

export type IfaceState = 'up' | 'down'
export type DesiredIfaceState = IfaceState | 'absent'

export interface IpAddress {
  /** Canonical text form (formatIp of model/values/ip). */
  ip: string
  prefixLength: number
}

export interface IpConfig {
  enabled?: boolean
  /** hostnet's kernel backend runs no DHCP client: desired `dhcp: true` is refused as not-supported. */
  dhcp?: boolean
  /** IPv6 only: stateless autoconfiguration (kernel accept_ra). */
  autoconf?: boolean
  /** Static addresses. Replaces the current list when given (no partial editing of the list). */
  addresses?: IpAddress[]
}

export interface BridgeOptions {
  stp?: boolean
  /** STP forward delay in seconds (kernel: centiseconds). */
  forwardDelaySec?: number
  helloTimeSec?: number
  maxAgeSec?: number
  /** Bridge priority 0..65535. */
  priority?: number
  macAgeingTimeSec?: number
  multicastSnooping?: boolean
  vlanFiltering?: boolean
  groupFwdMask?: number
}

export interface BridgePortOptions {
  hairpin?: boolean
  isolated?: boolean
  stpPathCost?: number
  stpPriority?: number
  learning?: boolean
  unicastFlood?: boolean
}

export interface BridgePort {
  name: string
  options?: BridgePortOptions
}

export interface BridgeConfig {
  options?: BridgeOptions
  /** Replaces the current port list when given. */
  ports?: BridgePort[]
}

export const BOND_MODES = ['balance-rr', 'active-backup', 'balance-xor', 'broadcast', '802.3ad', 'balance-tlb', 'balance-alb'] as const
export type BondMode = (typeof BOND_MODES)[number]

export interface BondConfig {
  mode?: BondMode
  /** Kernel bonding option names (miimon, updelay, downdelay, arp_interval, arp_ip_target, primary, ...). */
  options?: Record<string, string | number>
  ports?: string[]
}

export interface VlanConfig {
  baseIface?: string
  id?: number
  protocol?: '802.1q' | '802.1ad'
}

export interface VethConfig {
  peer?: string
}

export type MacvlanMode = 'private' | 'vepa' | 'bridge' | 'passthru' | 'source'
export interface MacvlanConfig {
  baseIface?: string
  mode?: MacvlanMode
}

export interface VxlanConfig {
  id?: number
  local?: string
  remote?: string
  /** Multicast group (mutually exclusive with remote). */
  group?: string
  destinationPort?: number
  baseIface?: string
  learning?: boolean
  /**
   * Head-end replication: the underlay addresses broadcast, unknown-unicast and multicast frames are copied to,
   * one all-zero-MAC FDB entry each (`bridge fdb append 00:00:00:00:00:00 dev X dst IP`, ifupdown2's repeated
   * `vxlan-remoteip`). Sorted, canonical text forms; replaces the current list when given; changeable in place.
   */
  remotes?: string[]
}

export interface VrfConfig {
  tableId?: number
  ports?: string[]
}

export interface TapConfig {
  mode?: 'tap' | 'tun'
  owner?: number
  group?: number
  multiQueue?: boolean
}

/** One interface, current or desired. */
export interface Iface {
  name: string
  type: IfaceType
  /** Current state: 'up' | 'down'. Desired: also 'absent'. */
  state?: DesiredIfaceState
  mtu?: number
  /** Lower-case colon form. */
  mac?: string
  /** Name of the controller (bridge, bond, vrf, OVS bridge), or null for none. */
  controller?: string | null
  ipv4?: IpConfig
  ipv6?: IpConfig
  bridge?: BridgeConfig
  /** Options of this interface as a port of its Linux-bridge controller. */
  bridgePort?: BridgePortOptions
  bond?: BondConfig
  vlan?: VlanConfig
  veth?: VethConfig
  macvlan?: MacvlanConfig
  vxlan?: VxlanConfig
  vrf?: VrfConfig
  tap?: TapConfig
  /** ovs-bridge: options and ports (YAML `bridge`, see ovs.ts). */
  ovsBridge?: OvsBridgeConfig
  /** ovs-interface: patch peer (YAML `patch`). */
  ovsInterface?: OvsInterfaceConfig
  /** OVS `external_ids` / `other_config` of the bridge or interface row (YAML `ovs-db`). */
  ovsDb?: OvsDbConfig
  /** Read-only facts reported by query (never part of a plan). */
  info?: IfaceInfo
}

export interface IfaceInfo {
  index?: number
  /** Kernel link kind as reported (`info_kind`), e.g. for type 'unknown'. */
  linkKind?: string
  operState?: string
  /** Parent device index/name as the kernel reports it (`link`). */
  link?: string
  permanent?: boolean
}
