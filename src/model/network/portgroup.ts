/**
 * `<portgroup>`s: named sets of port settings (virtualport, bandwidth, vlan, trustGuestRxFilters) that a domain
 * interface selects with `<source portgroup='…'>`.
 * @module
 */
import type { Bandwidth } from '../netdev/bandwidth.js'
import type { VirtualPort } from '../netdev/virtualport.js'
import type { Vlan } from '../netdev/vlan.js'

export interface PortGroup {
  readonly name: string
  /** Used when an interface names no portgroup; at most one per network (define-time rule). */
  readonly isDefault?: boolean
  readonly trustGuestRxFilters?: boolean
  /** Type optional here. */
  readonly virtualPort?: VirtualPort
  /** No floor allowed. */
  readonly bandwidth?: Bandwidth
  readonly vlan?: Vlan
}

/**
 * libvirt's portgroup selection (virPortGroupFindByName): the named portgroup, or, when no name is given, the
 * default one. A name that does not exist silently selects nothing (not the default).
 */
export function selectPortGroup(portGroups: readonly PortGroup[], name: string | undefined): PortGroup | undefined {
  if (name !== undefined) return portGroups.find((pg) => pg.name === name)
  return portGroups.find((pg) => pg.isDefault === true)
}
