/**
 * Socket address parsing the way the network codec needs it (libvirt's virSocketAddrParse with AF_UNSPEC or a
 * fixed family), and the range check virSocketAddrGetRange.
 * @module
 */
import {
  formatIp,
  inSubnet,
  lastAddress,
  networkAddress,
  prefixToNetmask,
  tryParseIpv4,
  tryParseIpv6,
} from '../../../model/values/ip.js'
import type { IpAddr, Ipv4Addr } from '../../../model/values/ip.js'
import { fail } from '../netdev/props.js'
import type { ParseContext } from '../netdev/props.js'

/**
 * Octets with a leading zero: glibc (and so libvirt) reads them as octal (`010` is 8), model/values/ip as decimal.
 * Rather than silently giving such an address another meaning, the codec refuses it.
 */
const OCTAL_LOOKING_OCTET = /(^|\.)0[0-9]/

/** A numeric IPv4 or IPv6 address, or undefined. */
export function tryParseAddr(s: string): IpAddr | undefined {
  if (OCTAL_LOOKING_OCTET.test(s) && s.indexOf(':') < 0) return undefined
  const v4 = tryParseIpv4(s)
  if (v4 !== undefined) return { family: 'ipv4', value: v4 }
  const v6 = tryParseIpv6(s)
  if (v6 !== undefined) return { family: 'ipv6', value: v6 }
  return undefined
}

export function tryParseAddrV4(s: string): Ipv4Addr | undefined {
  if (OCTAL_LOOKING_OCTET.test(s)) return undefined
  const v4 = tryParseIpv4(s)
  return v4 === undefined ? undefined : { family: 'ipv4', value: v4 }
}

/** Parse an address or fail with `message` (which should name the value and the network). */
export function parseAddrOrFail(s: string, ctx: ParseContext, attr: string, message: string): IpAddr {
  const a = tryParseAddr(s)
  if (a === undefined) fail(ctx, message, { attr, value: s })
  return a
}

/**
 * libvirt's virSocketAddrGetRange with a network: same family, both ends inside `net/prefix`, for IPv4 not the
 * network or broadcast address and at most 65536 addresses (first two octets equal), for IPv6 only the last
 * 16 bits may differ; not reversed. Returns the number of addresses.
 */
export function checkRange(
  start: IpAddr,
  end: IpAddr,
  net: { address: IpAddr; prefix: number | undefined } | undefined,
  ctx: ParseContext,
): number {
  const s = formatIp(start)
  const e = formatIp(end)
  if (start.family !== end.family) fail(ctx, `mismatch of address family in range ${s} - ${e}`)
  if (net !== undefined) {
    const n = formatIp(net.address)
    if (start.family !== net.address.family) fail(ctx, `mismatch of address family in range ${s} - ${e} for network ${n}`)
    const p = net.prefix
    const max = net.address.family === 'ipv4' ? 32 : 128
    if (p === undefined || p < 0 || p > max) {
      fail(ctx, `bad prefix ${p ?? -1} for network ${n} when checking range ${s} - ${e}`)
    }
    if (!inSubnet(start, net.address, p) || !inSubnet(end, net.address, p)) {
      fail(ctx, `range ${s} - ${e} is not entirely within network ${n}/${p}`)
    }
    if (start.family === 'ipv4') {
      if (start.value === networkAddress(net.address, p).value) {
        fail(ctx, `start of range ${s} - ${e} in network ${n}/${p} is the network address`)
      }
      if (end.value === lastAddress(net.address, p).value) {
        fail(ctx, `end of range ${s} - ${e} in network ${n}/${p} is the broadcast address`)
      }
    }
  }
  return rangeLength(start, end, s, e, ctx)
}

function rangeLength(start: IpAddr, end: IpAddr, s: string, e: string, ctx: ParseContext): number {
  if (start.family === 'ipv4' && end.family === 'ipv4') {
    if (start.value >>> 16 !== end.value >>> 16) fail(ctx, `range ${s} - ${e} is too large (> 65535)`)
    const n = (end.value & 0xffff) - (start.value & 0xffff)
    if (n < 0) fail(ctx, `range ${s} - ${e} is reversed`)
    return n + 1
  }
  const a = BigInt(start.value)
  const b = BigInt(end.value)
  if (a >> 16n !== b >> 16n) fail(ctx, `range ${s} - ${e} is too large (> 65535)`)
  const n = Number(b & 0xffffn) - Number(a & 0xffffn)
  if (n < 0) fail(ctx, `range ${s} - ${e} start larger than end`)
  return n + 1
}

/** The IPv4 netmask address of a prefix. */
export function netmaskOf(prefix: number): Ipv4Addr {
  return { family: 'ipv4', value: prefixToNetmask(prefix) }
}
