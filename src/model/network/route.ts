/**
 * Static `<route>`s of a libvirt network: routes the host adds via a guest on the network's bridge.
 * @module
 */
import type { IpAddr, IpFamily, Ipv4Addr } from '../values/ip.js'
import { netmaskToPrefix } from '../values/ip.js'

export interface NetworkRoute {
  /** As written; printed only when given. */
  readonly family?: IpFamily
  /** A network address (host bits zero). */
  readonly address: IpAddr
  readonly netmask?: Ipv4Addr
  /** Printed whenever given, even 0. */
  readonly prefix?: number
  readonly gateway: IpAddr
  /** > 0 */
  readonly metric?: number
}

/** The route's prefix length: prefix, else the netmask's, else 0. */
export function routePrefix(r: NetworkRoute): number {
  if (r.prefix !== undefined) return r.prefix
  if (r.netmask !== undefined) return netmaskToPrefix(r.netmask.value) ?? 0
  return 0
}
