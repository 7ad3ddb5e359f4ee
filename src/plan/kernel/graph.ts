/**
 * Small helpers shared by the planner, the verifier and the simulator: address keys and families, multimaps.
 * (Relations between interfaces, read through the type descriptors, are in model/host/relations.ts.)
 * @module
 */
import type { IpAddress } from '../../model/host/iface.js'
import type { IpFamily } from '../../model/values/ip.js'

/** Family of canonical address or CIDR text (IPv6 text always has a ':', IPv4 text never). */
export function familyOfIp(ip: string): IpFamily {
  return ip.includes(':') ? 'ipv6' : 'ipv4'
}

export function addrKey(a: IpAddress): string {
  return `${a.ip}/${a.prefixLength}`
}

/** Push `v` onto the list at `m[k]`. */
export function pushTo<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k)
  if (l === undefined) m.set(k, [v])
  else l.push(v)
}
