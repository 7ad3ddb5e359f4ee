/**
 * libvirt's virDomainNetGetActual* getters: for a type network interface with an `<actual>` connection (its type
 * is in ./domain-interface.ts), the connection's values replace the configuration's.
 * @module
 */
import type { Bandwidth } from './netdev/bandwidth.js'
import type { VirtualPort } from './netdev/virtualport.js'
import type { Vlan } from './netdev/vlan.js'
import { vlanIsSet } from './netdev/vlan.js'
import type { DomainInterfaceActual, DomainInterfaceDef, DomainNetType } from './domain-interface.js'

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
