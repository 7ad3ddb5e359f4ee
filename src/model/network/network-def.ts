/**
 * A libvirt virtual network definition (libvirt's virNetworkDef): everything the `<network>` XML can say.
 * The codec (codec/libvirt-xml/network) parses and formats it byte-for-byte as libvirt does; define-time rules
 * are in ./validate.ts, the per-mode capability table in ./capabilities.ts.
 * @module
 */
import type { Bandwidth } from '../netdev/bandwidth.js'
import type { VirtualPort } from '../netdev/virtualport.js'
import type { Vlan } from '../netdev/vlan.js'
import type { MacAddr } from '../values/mac.js'
import type { Uuid } from '../values/uuid.js'
import type { NetworkDns } from './dns.js'
import type { NetworkForward } from './forward.js'
import type { NetworkIp } from './ip.js'
import type { PortGroup } from './portgroup.js'
import type { NetworkRoute } from './route.js'
import type { ForeignXmlElement } from './metadata.js'

export const MAC_TABLE_MANAGERS = ['kernel', 'libvirt'] as const
export type MacTableManager = (typeof MAC_TABLE_MANAGERS)[number]

export interface NetworkBridge {
  /** Device name; may be a template such as `virbr%d` until the driver assigns one. */
  readonly name?: string
  /** firewalld zone (L3 modes only). */
  readonly zone?: string
  /** Spanning tree; undefined = not given (on). Only L3 modes may give it. */
  readonly stp?: boolean
  /** STP forward delay in seconds; undefined = not given (0). Only L3 modes may give it. */
  readonly delaySec?: number
  readonly macTableManager?: MacTableManager
}

export interface NetworkDomain {
  readonly name: string
  /** Answer queries for this domain locally only (dnsmasq `local=/name/`). */
  readonly localOnly?: boolean
  /** [newer] register the domain with systemd-resolved; requires localOnly. */
  readonly register?: boolean
}

export interface NetworkDef {
  readonly name: string
  /** Always present: the parser generates one when the XML has none. */
  readonly uuid: Uuid
  readonly title?: string
  readonly description?: string
  /**
   * `<metadata>`: foreign XML kept verbatim (namespaces sanitised: one child per namespace, children without a
   * namespace dropped). The element itself (named `metadata`), formatted in libxml2's style.
   */
  readonly metadata?: ForeignXmlElement
  /** Live state, output only (omitted with the inactive flag, and when 0); never parsed. */
  readonly connections?: number
  /** `ipv6='yes'`: guest-to-guest IPv6 without an IPv6 gateway address. */
  readonly ipv6?: boolean
  readonly trustGuestRxFilters?: boolean
  readonly forward: NetworkForward
  readonly bridge?: NetworkBridge
  /** Bridge MTU (nat/route/open/isolated only). */
  readonly mtu?: number
  /** Bridge MAC address (unicast). */
  readonly mac?: MacAddr
  readonly domain?: NetworkDomain
  readonly dns?: NetworkDns
  readonly ips: readonly NetworkIp[]
  readonly routes: readonly NetworkRoute[]
  /** Type required at network level. */
  readonly virtualPort?: VirtualPort
  readonly portGroups: readonly PortGroup[]
  /** Network-wide QoS (no floor). */
  readonly bandwidth?: Bandwidth
  readonly vlan?: Vlan
  /** `<port isolated>`: default for the network's ports. */
  readonly isolatedPort?: boolean
  /** `<dnsmasq:options>`: raw dnsmasq configuration lines. */
  readonly dnsmasqOptions?: readonly string[]
}

/** `network 'NAME'`, the way messages name a network. */
export function networkObject(name: string): string {
  return `network '${name}'`
}
