/**
 * Reverse-DNS (PTR) zone of a subnet, as libvirt's virSocketAddrPTRDomain builds it for `<ip localPtr='yes'>`:
 * the prefix's octets (IPv4, prefix a multiple of 8) or nibbles (IPv6, a multiple of 4), lowest first, then
 * `in-addr.arpa` / `ip6.arpa`.
 * @module
 */
import type { IpAddr } from '../../model/values/ip.js'

/** The PTR zone, or undefined when the prefix cannot form one (0, the full length, or not on a boundary). */
export function ptrDomain(addr: IpAddr, prefix: number): string | undefined {
  if (addr.family === 'ipv4') {
    if (prefix <= 0 || prefix >= 32 || prefix % 8 !== 0) return undefined
    const labels: string[] = []
    for (let i = prefix / 8 - 1; i >= 0; i--) labels.push(String((addr.value >>> (24 - 8 * i)) & 0xff))
    return `${labels.join('.')}.in-addr.arpa`
  }
  if (prefix <= 0 || prefix >= 128 || prefix % 4 !== 0) return undefined
  const labels: string[] = []
  for (let i = prefix / 4 - 1; i >= 0; i--) labels.push(((addr.value >> BigInt(124 - 4 * i)) & 0xfn).toString(16))
  return `${labels.join('.')}.ip6.arpa`
}
