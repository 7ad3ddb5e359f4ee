/**
 * Readers for the value types (interface names, MACs, IP addresses, prefixes), built on model/values and
 * returning canonical text.
 * @module
 */
import { userIfNameProblem } from '../../model/values/ifname.js'
import { cut } from '../../errors.js'
import { parseMac } from '../../model/values/mac.js'
import { formatIp, isMulticastIp, maxPrefix, networkAddress, parseIpAddr, tryParseIpv4 } from '../../model/values/ip.js'
import type { IpAddr, IpFamily } from '../../model/values/ip.js'
import { fail, readInt, readString, wrap } from './fields.js'
import type { Ctx } from './fields.js'

/** MTU bounds: IPv4's minimum (ETH_MIN_MTU) and the largest any Linux device accepts (IP6_MAX_MTU, vrf). */
export const MTU_MIN = 68
export const MTU_MAX = 65575

export function readIfName(v: unknown, ctx: Ctx): string {
  const s = readString(v, ctx)
  const problem = userIfNameProblem(s)
  if (problem !== undefined) fail(ctx, `invalid ${ctx.field} '${cut(s)}': ${problem}`, v)
  return s
}

export function readMac(v: unknown, ctx: Ctx): string {
  const s = readString(v, ctx)
  return wrap(ctx, () => parseMac(s, ctx.field))
}

export function readMtu(v: unknown, ctx: Ctx): number {
  return readInt(v, ctx, MTU_MIN, MTU_MAX)
}

/** An IP address of `family` (either when undefined), parsed and returned as an IpAddr. */
export function readIpAddr(v: unknown, ctx: Ctx, family?: IpFamily): IpAddr {
  const s = readString(v, ctx)
  const a = wrap(ctx, () => parseIpAddr(s, ctx.field))
  if (family !== undefined && a.family !== family) fail(ctx, `${ctx.field} '${s}' is not an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address`, v)
  return a
}

/** Canonical text of an IP address (IPv6 compressed as inet_ntop prints it). */
export function readIp(v: unknown, ctx: Ctx, family?: IpFamily): string {
  return formatIp(readIpAddr(v, ctx, family))
}

export function readUnicastIp(v: unknown, ctx: Ctx, family?: IpFamily): string {
  const a = readIpAddr(v, ctx, family)
  if (isMulticastIp(a)) fail(ctx, `${ctx.field} '${formatIp(a)}' is a multicast address`, v)
  return formatIp(a)
}

export function readMulticastIp(v: unknown, ctx: Ctx): string {
  const a = readIpAddr(v, ctx)
  if (!isMulticastIp(a)) fail(ctx, `${ctx.field} '${formatIp(a)}' is not a multicast address`, v)
  return formatIp(a)
}

/** Family of canonical address or CIDR text. */
export function familyOf(ipOrCidr: string): IpFamily {
  return tryParseIpv4(ipOrCidr.split('/')[0] ?? '') !== undefined ? 'ipv4' : 'ipv6'
}

/** A route destination `NET/PREFIX` with no host bits set; returned canonical. */
export function readDestination(v: unknown, ctx: Ctx): string {
  const s = readString(v, ctx)
  const slash = s.indexOf('/')
  if (slash < 0) fail(ctx, `invalid ${ctx.field} '${s}': expected NETWORK/PREFIX`, v)
  const addr = readIpAddr(s.slice(0, slash), ctx)
  const p = s.slice(slash + 1)
  const prefix = /^[0-9]{1,3}$/.test(p) ? Number(p) : NaN
  if (!(prefix >= 0 && prefix <= maxPrefix(addr.family))) fail(ctx, `invalid prefix '${p}' in ${ctx.field} '${s}'`, v)
  const net = networkAddress(addr, prefix)
  if (net.value !== addr.value) fail(ctx, `${ctx.field} '${s}' has host bits set (the network is ${formatIp(net)}/${prefix})`, v)
  return `${formatIp(addr)}/${prefix}`
}

export function readPrefixLength(v: unknown, ctx: Ctx, family: IpFamily): number {
  return readInt(v, ctx, 0, maxPrefix(family))
}
