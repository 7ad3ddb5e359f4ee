/**
 * A guest's network interface as a libvirt domain describes it (`<devices><interface>`, libvirt's
 * virDomainNetDef): the network-relevant parts typed in depth (types network, bridge, direct, hostdev, ethernet;
 * MAC, target, model, virtualport, bandwidth, vlan, port isolation, trustGuestRxFilters, link state, MTU and the
 * status-only `<actual>` connection), the other interface types typed enough to round-trip, and the device
 * elements hostnet does not interpret (driver, address, alias, boot, tune, coalesce, …) kept as opaque XML.
 *
 * The codec is codec/libvirt-xml/domain-interface.ts; libvirt's "actual" getters (which read through the
 * `<actual>` connection) are in ./domain-interface-actual.ts.
 * @module
 */
import type { Bandwidth } from './netdev/bandwidth.js'
import type { PciAddress } from './netdev/pci-address.js'
import type { VirtualPort } from './netdev/virtualport.js'
import type { Vlan } from './netdev/vlan.js'
import type { ForeignXmlElement } from './network/metadata.js'
import type { MacvlanMode } from './networkport.js'
import type { MacAddr } from './values/mac.js'
import type { Uuid } from './values/uuid.js'
import type { MacTableManager } from './network/network-def.js'

/** libvirt's virDomainNetType, in libvirt's order (an `<interface>` without type is `user`). */
export const DOMAIN_NET_TYPES = [
  'user',
  'ethernet',
  'vhostuser',
  'server',
  'client',
  'mcast',
  'network',
  'bridge',
  'internal',
  'direct',
  'hostdev',
  'udp',
  'vdpa',
  'null',
  'vds',
] as const
export type DomainNetType = (typeof DOMAIN_NET_TYPES)[number]

/** PCI assignment backends (`<driver name>` of a hostdev interface); `default` is "not given". */
export const HOSTDEV_PCI_BACKENDS = ['kvm', 'vfio', 'xen'] as const
export type HostdevPciBackend = (typeof HOSTDEV_PCI_BACKENDS)[number]

export const MAC_TYPES = ['generated', 'static'] as const
export type MacType = (typeof MAC_TYPES)[number]

export const NET_LINK_STATES = ['up', 'down'] as const
export type NetLinkState = (typeof NET_LINK_STATES)[number]

/** Models for which libvirt keeps (and prints) the virtio `<driver>` element. */
export const VIRTIO_MODELS = ['virtio', 'virtio-transitional', 'virtio-non-transitional'] as const

/** Characters libvirt allows in a model name (`NET_MODEL_CHARS`). */
export const NET_MODEL_RE = /^[A-Za-z0-9_-]*$/

/** Prefixes of host device names libvirt generates (vnetN, macvtapN, macvlanN): not kept in inactive XML. */
export const GENERATED_TARGET_PREFIXES = ['vnet', 'macvtap', 'macvlan'] as const

/** The MAC prefix of generated guest addresses (QEMU/KVM's OUI, libvirt's default macPrefix). */
export const GENERATED_MAC_PREFIX: readonly [number, number, number] = [0x52, 0x54, 0x00]

export function isVirtioModel(model: string | undefined): boolean {
  return model !== undefined && (VIRTIO_MODELS as readonly string[]).includes(model)
}

export function isGeneratedTargetName(dev: string): boolean {
  return GENERATED_TARGET_PREFIXES.some((p) => dev.startsWith(p))
}

/** `<target dev managed>`: the host-side device (tap or macvtap) and whether libvirt creates it. */
export interface InterfaceTarget {
  readonly dev?: string
  readonly managed?: boolean
}

/** What every interface type has. */
export interface DomainInterfaceCommon {
  /** Always present: the parser generates a 52:54:00 address when the XML has none. */
  readonly mac: MacAddr
  readonly macType?: MacType
  /** `<mac check>`: whether libvirt checks the address of a generated MAC (tristate, undefined = not given). */
  readonly macCheck?: boolean
  readonly trustGuestRxFilters?: boolean
  readonly vlan?: Vlan
  /** Only types network, bridge, direct and hostdev may have one (see VIRTUALPORT_TYPES). */
  readonly virtualPort?: VirtualPort
  /** `floor` only for type network. */
  readonly bandwidth?: Bandwidth
  readonly isolatedPort?: boolean
  readonly target?: InterfaceTarget
  /** `<model type>`: a libvirt model name or any other string of NET_MODEL_RE characters. */
  readonly model?: string
  readonly linkState?: NetLinkState
  /** Guest MTU in bytes; undefined (or 0) = not given. */
  readonly mtu?: number
  /** `<ip>`/`<route>` children of `<source>` (host-side addressing, type ethernet), kept verbatim. */
  readonly hostIp?: readonly ForeignXmlElement[]
  /** Device elements hostnet does not interpret, kept verbatim, in libvirt's element order. */
  readonly extras?: readonly ForeignXmlElement[]
}

export interface NetworkInterfaceData {
  readonly type: 'network'
  readonly network: string
  readonly portGroup?: string
  /** The network port's UUID (live/status XML only; ignored when parsing inactive XML). */
  readonly portId?: Uuid
  /** The allocated connection (status XML only). */
  readonly actual?: DomainInterfaceActual
}

export interface BridgeInterfaceData {
  readonly type: 'bridge'
  readonly bridge: string
}

export interface DirectInterfaceData {
  readonly type: 'direct'
  /** The host interface the macvtap device sits on. */
  readonly dev: string
  readonly mode: MacvlanMode
}

/** An SR-IOV VF given to the guest (PCI only). */
export interface HostdevInterfaceData {
  readonly type: 'hostdev'
  /** Let libvirt detach/reattach the device from its host driver (printed only when true). */
  readonly managed?: boolean
  readonly driver?: HostdevPciBackend
  readonly address: PciAddress
}

export interface EthernetInterfaceData {
  readonly type: 'ethernet'
}

export interface UserInterfaceData {
  readonly type: 'user'
  /** passt backend: the host interface to use. */
  readonly dev?: string
}

export interface VhostuserInterfaceData {
  readonly type: 'vhostuser'
  readonly path: string
  readonly mode: 'server' | 'client'
  /** `<reconnect>` child of `<source>`, verbatim. */
  readonly reconnect?: ForeignXmlElement
}

export interface SocketInterfaceData {
  readonly type: 'server' | 'client' | 'mcast' | 'udp'
  /** Required except for `server`. */
  readonly address?: string
  readonly port: number
  /** udp only (required there). */
  readonly local?: { readonly address: string; readonly port: number }
}

export interface InternalInterfaceData {
  readonly type: 'internal'
  readonly name: string
}

export interface VdpaInterfaceData {
  readonly type: 'vdpa'
  readonly dev: string
}

export interface VdsInterfaceData {
  readonly type: 'vds'
  readonly switchId: Uuid
  /** Decimal integers (libvirt's long long), canonical text. */
  readonly portId: string
  readonly portGroupId: string
  readonly connectionId: string
}

export interface NullInterfaceData {
  readonly type: 'null'
}

export type DomainInterfaceData =
  | NetworkInterfaceData
  | BridgeInterfaceData
  | DirectInterfaceData
  | HostdevInterfaceData
  | EthernetInterfaceData
  | UserInterfaceData
  | VhostuserInterfaceData
  | SocketInterfaceData
  | InternalInterfaceData
  | VdpaInterfaceData
  | VdsInterfaceData
  | NullInterfaceData

export type DomainInterfaceDef = DomainInterfaceCommon & DomainInterfaceData

/** Interface types that may carry a `<virtualport>` (any other type rejects one). */
export const VIRTUALPORT_TYPES: readonly DomainNetType[] = ['network', 'bridge', 'direct', 'hostdev']

/** `interface '52:54:00:…'` (or by type when the MAC is unknown), the object name used in messages. */
export function domainInterfaceObject(mac: string | undefined, type: string): string {
  return mac === undefined ? `interface of type '${type}'` : `interface '${mac}'`
}

// The `<actual>` connection of a domain interface of type network (libvirt's virDomainActualNetDef): what the
// network driver allocated for it — a tap on the network's bridge (`network`), on a host bridge (`bridge`), a
// macvtap device (`direct`) or a VF (`hostdev`) — with the virtualport, bandwidth, vlan and isolation that
// resulted from merging interface, portgroup and network. It lives only in status XML; libvirt's getters that
// read through it are in ./domain-interface-actual.ts.

/** Types an `<actual>` may have. */
export const ACTUAL_TYPES = ['network', 'bridge', 'direct', 'hostdev'] as const
export type ActualType = (typeof ACTUAL_TYPES)[number]

interface ActualCommon {
  /** 802.1Qbg/Qbh/openvswitch/midonet, complete (types bridge, direct and hostdev only). */
  readonly virtualPort?: VirtualPort
  /** `floor` only for type network. */
  readonly bandwidth?: Bandwidth
  readonly vlan?: Vlan
  readonly isolatedPort?: boolean
  /**
   * Parsed from `<actual trustGuestRxFilters>`. Note that libvirt formats that attribute from the interface's own
   * value, so this one is read by the getter but never written.
   */
  readonly trustGuestRxFilters?: boolean
}

export interface ActualBridge extends ActualCommon {
  readonly type: 'network' | 'bridge'
  readonly bridge?: string
  readonly macTableManager?: MacTableManager
  /** tc class id of the port's floor on the network bridge (status only). */
  readonly classId?: number
}

export interface ActualDirect extends ActualCommon {
  readonly type: 'direct'
  readonly dev?: string
  readonly mode: MacvlanMode
}

export interface ActualHostdev extends ActualCommon {
  readonly type: 'hostdev'
  readonly managed?: boolean
  readonly driver?: HostdevPciBackend
  readonly address: PciAddress
}

export type DomainInterfaceActual = ActualBridge | ActualDirect | ActualHostdev
