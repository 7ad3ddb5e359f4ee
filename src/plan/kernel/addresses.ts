/**
 * Address list changes, with the kernel's quirks: IPv6 addresses are keyed by address alone (a new prefix length
 * means delete + add), and deleting an IPv4 primary address deletes the secondaries of its subnet
 * (promote_secondaries=0), which must then be added back if wanted.
 * @module
 */
import type { IpAddress } from '../../model/host/iface.js'
import { inSubnet, parseIpAddr } from '../../model/values/ip.js'
import { addrKey, familyOfIp } from './graph.js'

export interface AddressChange {
  /** In the order to delete them (secondaries before primaries). */
  dels: IpAddress[]
  adds: IpAddress[]
  /** The interface had IPv4 addresses and has none in between: the kernel flushes its IPv4 routes. */
  ipv4Emptied: boolean
}

function sameSubnet(a: IpAddress, b: IpAddress): boolean {
  return a.prefixLength === b.prefixLength && inSubnet(parseIpAddr(a.ip), parseIpAddr(b.ip), a.prefixLength)
}

/** `list` after deleting `del` from it, as the kernel does it. */
export function afterDelete(list: readonly IpAddress[], del: IpAddress): IpAddress[] {
  const at = list.findIndex((x) => addrKey(x) === addrKey(del))
  if (at < 0) return [...list]
  const primary = familyOfIp(del.ip) === 'ipv4' && !list.slice(0, at).some((x) => sameSubnet(x, del))
  return list.filter((x, i) => i !== at && !(primary && i > at && sameSubnet(x, del)))
}

/** Changes turning `pre` (both families, kernel order) into `target`. */
export function diffAddresses(pre: readonly IpAddress[], target: readonly IpAddress[]): AddressChange {
  const want = new Set(target.map(addrKey))
  const dels = pre.filter((a) => !want.has(addrKey(a))).reverse()
  let left: IpAddress[] = [...pre]
  for (const d of dels) left = afterDelete(left, d)
  const have = new Set(left.map(addrKey))
  const adds = target.filter((a) => !have.has(addrKey(a)))
  const v4 = (l: readonly IpAddress[]): boolean => l.some((a) => familyOfIp(a.ip) === 'ipv4')
  return { dels, adds, ipv4Emptied: v4(pre) && !v4(left) }
}
