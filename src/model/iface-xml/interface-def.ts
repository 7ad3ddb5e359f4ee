/**
 * A host interface in libvirt's virInterface ("netcf") XML format (libvirt's virInterfaceDef, `interface.rng`
 * schema serial 4): an ethernet, bridge, bond or vlan interface described as one nested document rooted at the
 * top interface. Only the top interface carries start mode, MTU and addressing (`<protocol>`); members of a
 * bridge or bond are "bare" interfaces that inherit them.
 *
 * The codec is codec/libvirt-xml/interface.ts; define/apply semantics are the backend's business.
 * @module
 */
import type { IfName } from '../values/ifname.js'
import type { IpAddr } from '../values/ip.js'
import type { MacAddr } from '../values/mac.js'
import type { VlanId } from '../values/vlan-id.js'

export const IFACE_XML_TYPES = ['ethernet', 'bridge', 'bond', 'vlan'] as const
export type IfaceXmlType = (typeof IFACE_XML_TYPES)[number]

export const START_MODES = ['onboot', 'none', 'hotplug'] as const
export type StartMode = (typeof START_MODES)[number]

/** Operational link states (libvirt's virNetDevIfState, the kernel's IF_OPER_* names). */
export const LINK_STATES = ['unknown', 'notpresent', 'down', 'lowerlayerdown', 'testing', 'dormant', 'up'] as const
export type LinkState = (typeof LINK_STATES)[number]

/** `<link speed state>`: status information (read back from the host), never part of a desired state. */
export interface InterfaceLink {
  /** Mbit/s; 0 is "unknown" and is not formatted. */
  readonly speedMbps?: number
  readonly state?: LinkState
}

/** libvirt parses MTUs up to this value ("interface mtu value is improper" above it). */
export const IFACE_XML_MTU_MAX = 100000

export type ProtocolFamily = 'ipv4' | 'ipv6'

export interface ProtocolAddress {
  readonly address: IpAddr
  /** Prefix length; undefined when not given (libvirt does not print a prefix of 0 either). */
  readonly prefix?: number
}

/** `<dhcp [peerdns]>`: use DHCP (DHCPv6 for ipv6), optionally taking DNS servers from it. */
export interface ProtocolDhcp {
  readonly peerDns?: boolean
}

/** `<protocol family>`: addressing of the top interface for one address family. */
export interface InterfaceProtocol {
  readonly family: ProtocolFamily
  /** IPv6 stateless autoconfiguration (`<autoconf/>`); only meaningful for ipv6. */
  readonly autoconf?: boolean
  readonly dhcp?: ProtocolDhcp
  readonly addresses: readonly ProtocolAddress[]
  /** Default gateway (`<route gateway>`), same family as the protocol. */
  readonly gateway?: IpAddr
}

export interface EthernetInterface {
  readonly type: 'ethernet'
  readonly name: IfName
  readonly link?: InterfaceLink
  readonly mac?: MacAddr
}

export interface VlanSettings {
  readonly tag: VlanId
  /** The device the 802.1Q sub-interface sits on. */
  readonly parent: IfName
}

export interface VlanInterface {
  readonly type: 'vlan'
  /** Conventionally `PARENT.TAG`. */
  readonly name: IfName
  readonly link?: InterfaceLink
  readonly vlan: VlanSettings
}

export const BOND_MODES = [
  'balance-rr',
  'active-backup',
  'balance-xor',
  'broadcast',
  '802.3ad',
  'balance-tlb',
  'balance-alb',
] as const
export type BondMode = (typeof BOND_MODES)[number]

export const MII_CARRIERS = ['ioctl', 'netif'] as const
export type MiiCarrier = (typeof MII_CARRIERS)[number]

export const ARP_VALIDATES = ['none', 'active', 'backup', 'all'] as const
export type ArpValidate = (typeof ARP_VALIDATES)[number]

/** MII link monitoring (`<miimon>`); delays of 0 are "unset" (libvirt does not print them). */
export interface MiiMonitor {
  readonly kind: 'miimon'
  readonly freqMs: number
  readonly downDelayMs?: number
  readonly upDelayMs?: number
  /** `use_carrier`: netif_carrier_ok() (netif) or MII/ethtool ioctls (ioctl). */
  readonly carrier?: MiiCarrier
}

/** ARP link monitoring (`<arpmon>`). */
export interface ArpMonitor {
  readonly kind: 'arpmon'
  readonly intervalMs: number
  readonly target: IpAddr
  readonly validate?: ArpValidate
}

export type BondMonitor = MiiMonitor | ArpMonitor

export interface BondSettings {
  readonly mode?: BondMode
  readonly monitor?: BondMonitor
  /** At least one; for active-backup the first is the primary. */
  readonly slaves: readonly EthernetInterface[]
}

export interface BondInterface {
  readonly type: 'bond'
  readonly name: IfName
  readonly link?: InterfaceLink
  readonly bond: BondSettings
}

/** A bare member of a bridge (no addressing, start mode or MTU of its own). */
export type BridgeMember = EthernetInterface | VlanInterface | BondInterface

export interface BridgeSettings {
  /** Spanning tree on/off; undefined = not given. */
  readonly stp?: boolean
  /** Forward delay in seconds (fractions allowed: the schema's type is a non-negative double). */
  readonly delaySec?: number
  readonly members: readonly BridgeMember[]
}

/** Bridges have no `<link>`: libvirt neither reads nor writes link status for them. */
export interface BridgeInterface {
  readonly type: 'bridge'
  readonly name: IfName
  readonly bridge: BridgeSettings
}

/** What only the top interface of a document carries. */
export interface TopLevelSettings {
  readonly startMode?: StartMode
  /** Bytes, 1..IFACE_XML_MTU_MAX; undefined (or 0) = not given. */
  readonly mtu?: number
  /** At most one per family, in document order. */
  readonly protocols: readonly InterfaceProtocol[]
}

export type AnyInterface = EthernetInterface | BridgeInterface | BondInterface | VlanInterface

/** A complete host-interface document. */
export type InterfaceDef = AnyInterface & TopLevelSettings

/** `interface 'br0'`, the object name used in messages. */
export function ifaceObject(name: string): string {
  return `interface '${name}'`
}

/** The conventional name of a VLAN sub-interface (`eth0.42`). */
export function vlanDeviceName(parent: string, tag: number): string {
  return `${parent}.${tag}`
}

/** Every interface name in the document, the top one first, members depth-first. */
export function interfaceNames(def: AnyInterface): string[] {
  const out: string[] = [def.name]
  if (def.type === 'bridge') for (const m of def.bridge.members) out.push(...interfaceNames(m))
  else if (def.type === 'bond') for (const s of def.bond.slaves) out.push(s.name)
  return out
}
