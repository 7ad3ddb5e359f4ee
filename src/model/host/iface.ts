/**
 * Host interfaces: one record type for both the current state read from the kernel (every field that applies
 * is set) and the desired state (fields left undefined keep their current value: partial editing as in
 * nmstate). Type names follow nmstate's YAML (`linux-bridge`, `mac-vlan`, ...); property names are camelCase
 * here and kebab-case in YAML (codec/yaml). What each type is (its section, base, ports, rules) is its
 * descriptor in ./types/, one file per type.
 *
 * A port belongs to its controller through `controller` (the port's side). Desired documents may instead list
 * ports on the controller (`bridge.ports`, `bond.ports`, `vrf.ports`); plan/normalize turns those lists into
 * `controller` values. In the current state both sides are filled.
 * @module
 */
import type { DhcpLease } from './dhcp-lease.js'
import type { OvsDbConfig } from './ovs.js'

export type { BondConfig, BondMode } from './types/bond.js'
export { BOND_MODES } from './types/bond.js'
export type { BridgeConfig, BridgeOptions, BridgePort, BridgePortOptions } from './types/linux-bridge.js'
export type { MacvlanConfig, MacvlanMode } from './types/mac-vlan.js'
export type { TapConfig } from './types/tap.js'
export type { VethConfig } from './types/veth.js'
export type { VlanConfig } from './types/vlan.js'
export type { VrfConfig } from './types/vrf.js'
export type { VxlanConfig } from './types/vxlan.js'

/**
 * Type name → the record of its section (undefined for types without one). Empty here: each descriptor file in
 * ./types/ adds its type by module augmentation, as it adds its section property to `Iface`.
 */
export interface IfaceTypeMap {}

/** nmstate's type names (`linux-bridge`, `mac-vlan`, ...); `unknown` in a document: left to the current state. */
export type IfaceType = keyof IfaceTypeMap & string

export type IfaceState = 'up' | 'down'
export type DesiredIfaceState = IfaceState | 'absent'

export interface IpAddress {
  /** Canonical text form (formatIp of model/values/ip). */
  ip: string
  prefixLength: number
}

export interface IpConfig {
  enabled?: boolean
  /** A DHCP client (dhcpcd, supervised by hostnet) configures this family of the interface (model/host/dhcp.ts). */
  dhcp?: boolean
  /** IPv6 only: stateless autoconfiguration (router advertisements); with dhcp, the client handles both. */
  autoconf?: boolean
  /** With dhcp: the lease's name servers go to the target's resolver (default true). */
  autoDns?: boolean
  /** With dhcp: the lease's default route is installed (default true). */
  autoGateway?: boolean
  /** With dhcp: the lease's routes are installed (default true). */
  autoRoutes?: boolean
  /** With dhcp: the routing table of the lease's routes (0 or 254: main, the only one dhcpcd installs into). */
  autoRouteTableId?: number
  /** IPv4 with dhcp: the DHCP client identifier (`ll`, `iaid+duid`, or hex bytes). */
  dhcpClientId?: string
  /** IPv6 with dhcp: the DUID (`ll`, `llt`, `uuid`, or hex bytes). */
  dhcpDuid?: string
  /** Static addresses. Replaces the current list when given (no partial editing of the list). */
  addresses?: IpAddress[]
  /** Read-only (reported by queries, never planned): the lease the DHCP client holds. */
  lease?: DhcpLease
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
  /**
   * Desired only: take the MAC address of this other interface (nmstate `copy-mac-from`, e.g. a bond taking its
   * first port's). Resolved to `mac` against the current state before planning (plan/resolve.ts).
   */
  copyMacFrom?: string
  /** Name of the controller (bridge, bond, vrf, OVS bridge), or null for none. */
  controller?: string | null
  ipv4?: IpConfig
  ipv6?: IpConfig
  // each type's section (bridge, bond, vlan, veth, macvlan, vxlan, vrf, tap, ovsBridge, ovsInterface) and the
  // options of a bridge port (bridgePort) are added by the type's descriptor file in ./types/
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
