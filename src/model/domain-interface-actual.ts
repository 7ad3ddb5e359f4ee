/**
 * The `<actual>` connection of a domain interface of type network (libvirt's virDomainActualNetDef): what the
 * network driver allocated for it — a tap on the network's bridge (`network`), on a host bridge (`bridge`), a
 * macvtap device (`direct`) or a VF (`hostdev`) — with the virtualport, bandwidth, vlan and isolation that
 * resulted from merging interface, portgroup and network. It lives only in status XML.
 *
 * The getters are libvirt's virDomainNetGetActual*: for a type network interface with an `<actual>`, the
 * connection's values replace the configuration's.
 * @module
 */
import type { Bandwidth } from './netdev/bandwidth.js'
import type { PciAddress } from './netdev/pci-address.js'
import type { VirtualPort } from './netdev/virtualport.js'
import type { Vlan } from './netdev/vlan.js'
import { vlanIsSet } from './netdev/vlan.js'
import type { MacTableManager } from './network/network-def.js'
import type { MacvlanMode } from './networkport.js'
import type { DomainInterfaceDef, DomainNetType, HostdevPciBackend } from './domain-interface.js'

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

function actualOf(def: DomainInterfaceDef): DomainInterfaceActual | undefined {
  return def.type === 'network' ? def.actual : undefined
}

/** virDomainNetGetActualType. */
export function actualType(def: DomainInterfaceDef): DomainNetType {
  return actualOf(def)?.type ?? def.type
}

/** virDomainNetGetActualVlan: undefined when the effective vlan has no tag. */
export function actualVlan(def: DomainInterfaceDef): Vlan | undefined {
  const a = actualOf(def)
  const vlan = a !== undefined ? a.vlan : def.vlan
  return vlanIsSet(vlan) ? vlan : undefined
}

/** virDomainNetGetActualVirtPortProfile: only bridge, direct and hostdev connections have one. */
export function actualVirtualPort(def: DomainInterfaceDef): VirtualPort | undefined {
  switch (def.type) {
    case 'bridge':
    case 'direct':
    case 'hostdev':
      return def.virtualPort
    case 'network':
      return def.actual === undefined || def.actual.type === 'network' ? undefined : def.actual.virtualPort
    default:
      return undefined
  }
}

/** virDomainNetGetActualBandwidth. */
export function actualBandwidth(def: DomainInterfaceDef): Bandwidth | undefined {
  const a = actualOf(def)
  return a !== undefined ? a.bandwidth : def.bandwidth
}

/** virDomainNetGetActualPortOptionsIsolated. */
export function actualIsolatedPort(def: DomainInterfaceDef): boolean | undefined {
  const a = actualOf(def)
  return a !== undefined ? a.isolatedPort : def.isolatedPort
}

/** virDomainNetGetActualTrustGuestRxFilters: the connection's value for type network, else the interface's. */
export function actualTrustGuestRxFilters(def: DomainInterfaceDef): boolean | undefined {
  const a = actualOf(def)
  return a !== undefined ? a.trustGuestRxFilters : def.trustGuestRxFilters
}

/** virDomainNetGetActualBridgeName: the bridge a tap is (to be) attached to. */
export function actualBridgeName(def: DomainInterfaceDef): string | undefined {
  if (def.type === 'bridge') return def.bridge
  const a = actualOf(def)
  return a !== undefined && (a.type === 'bridge' || a.type === 'network') ? a.bridge : undefined
}
