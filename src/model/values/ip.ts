/**
 * IPv4 and IPv6 addresses and prefixes. IPv4 values are unsigned 32-bit numbers, IPv6 values bigints.
 * Formatting follows inet_ntop (RFC 5952 compression for IPv6), which is what libvirt prints.
 * @module
 */
import { ValidationError } from '../../errors.js'

export type IpFamily = 'ipv4' | 'ipv6'

export interface Ipv4Addr {
  readonly family: 'ipv4'
  readonly value: number
}
export interface Ipv6Addr {
  readonly family: 'ipv6'
  readonly value: bigint
}
export type IpAddr = Ipv4Addr | Ipv6Addr

/** An address with a prefix length, e.g. 192.168.122.1/24. */
export interface IpCidr {
  readonly addr: IpAddr
  readonly prefix: number
}

const V4_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/
const IPV6_ALL = (1n << 128n) - 1n

export function tryParseIpv4(s: string): number | undefined {
  const m = V4_RE.exec(s)
  if (!m) return undefined
  let v = 0
  for (let i = 1; i <= 4; i++) {
    const part = m[i]!
    const n = Number(part)
    if (n > 255) return undefined
    v = v * 256 + n
  }
  return v
}

export function tryParseIpv6(s: string): bigint | undefined {
  if (s.length < 2 || s.length > 45 || !/^[0-9A-Fa-f:.]+$/.test(s)) return undefined
  let str = s
  const tail: number[] = []
  if (str.indexOf('.') >= 0) {
    const lc = str.lastIndexOf(':')
    const v4 = tryParseIpv4(str.slice(lc + 1))
    if (lc < 0 || v4 === undefined) return undefined
    tail.push(v4 >>> 16, v4 & 0xffff)
    str = str.slice(0, lc + 1)
    if (!str.endsWith('::')) str = str.slice(0, -1)
  }
  const want = 8 - tail.length
  const parseGroups = (part: string): number[] | undefined => {
    if (part === '') return []
    const out: number[] = []
    for (const g of part.split(':')) {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return undefined
      out.push(parseInt(g, 16))
    }
    return out
  }
  let groups: number[]
  const dbl = str.indexOf('::')
  if (dbl >= 0) {
    if (str.indexOf('::', dbl + 1) >= 0) return undefined
    const head = parseGroups(str.slice(0, dbl))
    const rest = parseGroups(str.slice(dbl + 2))
    if (!head || !rest || head.length + rest.length > want - 1) return undefined
    groups = [...head, ...new Array<number>(want - head.length - rest.length).fill(0), ...rest]
  } else {
    const g = parseGroups(str)
    if (!g || g.length !== want) return undefined
    groups = g
  }
  let v = 0n
  for (const g of [...groups, ...tail]) v = (v << 16n) | BigInt(g)
  return v
}

export function parseIpAddr(s: string, what = 'IP address', path?: string): IpAddr {
  const v4 = tryParseIpv4(s)
  if (v4 !== undefined) return { family: 'ipv4', value: v4 }
  const v6 = tryParseIpv6(s)
  if (v6 !== undefined) return { family: 'ipv6', value: v6 }
  throw new ValidationError(`invalid ${what} '${s}'`, { value: s, ...(path ? { path } : {}) })
}

export function formatIpv4(v: number): string {
  return `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`
}

/** RFC 5952 text form, as glibc's inet_ntop prints it (including `::ffff:a.b.c.d` for v4-mapped). */
export function formatIpv6(v: bigint): string {
  const groups: number[] = []
  for (let i = 7; i >= 0; i--) groups.push(Number((v >> BigInt(i * 16)) & 0xffffn))
  // IPv4-mapped and IPv4-compatible forms as glibc prints them
  if (groups[0] === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0 && groups[4] === 0) {
    const low32 = Number(v & 0xffffffffn)
    if (groups[5] === 0xffff) return `::ffff:${formatIpv4(low32)}`
    if (groups[5] === 0 && groups[6] !== 0) return `::${formatIpv4(low32)}`
  }
  let bestStart = -1
  let bestLen = 0
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLen) {
      bestStart = i
      bestLen = j - i
    }
    i = j
  }
  const hex = groups.map((g) => g.toString(16))
  if (bestLen < 2) return hex.join(':')
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`
}

export function formatIp(a: IpAddr): string {
  return a.family === 'ipv4' ? formatIpv4(a.value) : formatIpv6(a.value)
}

export function maxPrefix(family: IpFamily): number {
  return family === 'ipv4' ? 32 : 128
}

/** Prefix length of a contiguous IPv4 netmask, or undefined if the mask is not contiguous. */
export function netmaskToPrefix(mask: number): number | undefined {
  const inv = ~mask >>> 0
  if ((inv & (inv + 1)) !== 0) return undefined
  return 32 - Math.log2(inv + 1)
}

export function prefixToNetmask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0
}

/** Classful default prefix for an IPv4 address without netmask/prefix (libvirt: A=8, B=16, C=24, 0.0.0.0=0). */
export function classfulPrefix(v: number): number | undefined {
  if (v === 0) return 0
  const top = v >>> 24
  if (top < 128) return 8
  if (top < 192) return 16
  if (top < 224) return 24
  return undefined
}

function maskOf(family: IpFamily, prefix: number): bigint {
  const bits = family === 'ipv4' ? 32n : 128n
  const all = family === 'ipv4' ? 0xffffffffn : IPV6_ALL
  return prefix === 0 ? 0n : (all << (bits - BigInt(prefix))) & all
}

function big(a: IpAddr): bigint {
  return typeof a.value === 'bigint' ? a.value : BigInt(a.value)
}

function fromBig(family: IpFamily, v: bigint): IpAddr {
  return family === 'ipv4' ? { family, value: Number(v) } : { family, value: v }
}

/** The network address of `addr/prefix`. */
export function networkAddress(addr: IpAddr, prefix: number): IpAddr {
  return fromBig(addr.family, big(addr) & maskOf(addr.family, prefix))
}

/** The last address of `addr/prefix` (the broadcast address for IPv4). */
export function lastAddress(addr: IpAddr, prefix: number): IpAddr {
  const all = addr.family === 'ipv4' ? 0xffffffffn : IPV6_ALL
  return fromBig(addr.family, (big(addr) & maskOf(addr.family, prefix)) | (~maskOf(addr.family, prefix) & all))
}

/** Whether `a` lies in the subnet `net/prefix` (families must match). */
export function inSubnet(a: IpAddr, net: IpAddr, prefix: number): boolean {
  if (a.family !== net.family) return false
  const m = maskOf(a.family, prefix)
  return (big(a) & m) === (big(net) & m)
}

/** Whether two subnets overlap. */
export function subnetsOverlap(a: IpAddr, aPrefix: number, b: IpAddr, bPrefix: number): boolean {
  if (a.family !== b.family) return false
  const p = Math.min(aPrefix, bPrefix)
  return inSubnet(a, b, p)
}

export function ipEquals(a: IpAddr, b: IpAddr): boolean {
  return a.family === b.family && a.value === b.value
}

export function compareIp(a: IpAddr, b: IpAddr): number {
  const x = big(a)
  const y = big(b)
  return x < y ? -1 : x > y ? 1 : 0
}

/** Number of addresses from `start` to `end` inclusive (as a bigint, IPv6 ranges can be huge). */
export function rangeSize(start: IpAddr, end: IpAddr): bigint {
  return big(end) - big(start) + 1n
}

export function isMulticastIp(a: IpAddr): boolean {
  return a.family === 'ipv4' ? a.value >>> 28 === 0xe : a.value >> 120n === 0xffn
}

/** Parse `addr/prefix`; prefix required. */
export function parseCidr(s: string, what = 'address', path?: string): IpCidr {
  const slash = s.indexOf('/')
  if (slash < 0) throw new ValidationError(`invalid ${what} '${s}': expected ADDRESS/PREFIX`, { value: s, ...(path ? { path } : {}) })
  const addr = parseIpAddr(s.slice(0, slash), what, path)
  const p = s.slice(slash + 1)
  const prefix = /^[0-9]{1,3}$/.test(p) ? Number(p) : NaN
  if (!(prefix >= 0 && prefix <= maxPrefix(addr.family))) {
    throw new ValidationError(`invalid prefix '${p}' in ${what} '${s}'`, { value: s, ...(path ? { path } : {}) })
  }
  return { addr, prefix }
}

export function formatCidr(c: IpCidr): string {
  return `${formatIp(c.addr)}/${c.prefix}`
}

/** IPv6 link-local (fe80::/10): kernel-managed, never part of a desired address list. */
export function isLinkLocalIpv6(a: IpAddr): boolean {
  return a.family === 'ipv6' && a.value >> 118n === 0x3fan
}
