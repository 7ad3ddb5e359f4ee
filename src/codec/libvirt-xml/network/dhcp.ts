/**
 * `<dhcp>` inside a network `<ip>`: ranges, static hosts (each with an optional `<lease>`) and `<bootp>`.
 * @module
 */
import type { XmlElement } from '../../xml/dom.js'
import { el } from '../../xml/write.js'
import type { OutElement } from '../../xml/write.js'
import { formatIp } from '../../../model/values/ip.js'
import type { IpAddr } from '../../../model/values/ip.js'
import { isMulticastMac, tryParseMac } from '../../../model/values/mac.js'
import { LEASE_UNITS, networkIpPrefix } from '../../../model/network/ip.js'
import type { DhcpBootp, DhcpHost, DhcpLease, DhcpRange, NetworkIp } from '../../../model/network/ip.js'
import { childCtx, elements, fail, firstElement, parseCUnsigned, prop, propEnum } from '../netdev/props.js'
import type { ParseContext } from '../netdev/props.js'
import { checkRange, tryParseAddr } from './addr.js'

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/** The `<ip>` being parsed, as far as DHCP parsing needs it. */
export type IpHead = Pick<NetworkIp, 'address' | 'netmask' | 'prefix'>

export interface ParsedDhcp {
  ranges: DhcpRange[]
  hosts: DhcpHost[]
  bootp: DhcpBootp | undefined
}

function parseLease(parent: XmlElement, ctx: ParseContext): DhcpLease | undefined {
  const node = firstElement(parent, 'lease')
  if (node === undefined) return undefined
  const lctx = childCtx(ctx, 'lease')
  const text = prop(node, 'expiry')
  if (text === undefined) return undefined // libvirt ignores a <lease> without expiry
  const expiry = parseCUnsigned(text, 0, Number.MAX_SAFE_INTEGER)
  if (expiry === undefined) {
    fail(lctx, `Invalid value for attribute 'expiry' in element 'lease': '${text}'. Expected non-negative integer value`, {
      attr: 'expiry',
      value: text,
    })
  }
  const unit = propEnum(node, 'unit', LEASE_UNITS, lctx) ?? 'minutes'
  if (expiry > 0 && ((unit === 'seconds' && expiry < 120) || (unit === 'minutes' && expiry < 2))) {
    fail(lctx, `The minimum lease time should be greater than 2 minutes (got ${expiry} ${unit})`, {
      attr: 'expiry',
      value: text,
    })
  }
  return { expiry, unit }
}

/** One `<range>` of `ip` (libvirt's virNetworkDHCPRangeDefParseXML): inside the subnet, with an optional lease. */
export function parseRange(node: XmlElement, ip: IpHead, net: string, ctx: ParseContext): DhcpRange {
  const addr = (attr: 'start' | 'end'): IpAddr => {
    const text = prop(node, attr)
    if (text === undefined) fail(ctx, `Missing '${attr}' attribute in dhcp range for network '${net}'`, { attr })
    const a = tryParseAddr(text)
    if (a === undefined) {
      fail(ctx, `Invalid dhcp range ${attr} address '${text}' in network '${net}'`, { attr, value: text })
    }
    return a
  }
  const start = addr('start')
  const end = addr('end')
  checkRange(start, end, { address: ip.address, prefix: networkIpPrefix({ ...ip, dhcpRanges: [], dhcpHosts: [] }) }, ctx)
  const lease = parseLease(node, ctx)
  return lease === undefined ? { start, end } : { start, end, lease }
}

/**
 * One static `<host>` of `ip` (libvirt's virNetworkDHCPHostDefParseXML). `partial` (net-update's delete): a pattern
 * to match, which needs only one of mac, name and ip.
 */
export function parseHost(node: XmlElement, ip: IpHead, net: string, ctx: ParseContext, opts: { partial?: boolean } = {}): DhcpHost {
  const v6 = ip.address.family === 'ipv6'
  const host: Mutable<DhcpHost> = {}
  const mac = prop(node, 'mac')
  if (mac !== undefined) {
    if (v6) {
      fail(ctx, `Invalid to specify MAC address '${mac}' in network '${net}' IPv6 static host definition`, {
        attr: 'mac',
        value: mac,
      })
    }
    const parsed = tryParseMac(mac)
    if (parsed === undefined) {
      fail(ctx, `Cannot parse MAC address '${mac}' in network '${net}'`, { attr: 'mac', value: mac })
    }
    if (isMulticastMac(parsed)) {
      fail(ctx, `expected unicast mac address, found multicast '${mac}' in network '${net}'`, {
        attr: 'mac',
        value: mac,
      })
    }
    host.mac = mac
  }
  const id = prop(node, 'id')
  if (id !== undefined) {
    const bad = /[^0-9a-fA-F:]/.exec(id)
    if (bad) fail(ctx, `Invalid character '${bad[0]}' in id '${id}' of network '${net}'`, { attr: 'id', value: id })
    host.id = id
  }
  const name = prop(node, 'name')
  if (name !== undefined) {
    if (!/^[A-Za-z0-9]/.test(name)) {
      fail(ctx, `Cannot use host name '${name}' in network '${net}'`, { attr: 'name', value: name })
    }
    host.name = name
  }
  const ipText = prop(node, 'ip')
  if (ipText !== undefined) {
    const a = tryParseAddr(ipText)
    if (a === undefined) {
      fail(ctx, `Invalid IP address '${ipText}' in static host definition for network '${net}'`, {
        attr: 'ip',
        value: ipText,
      })
    }
    host.ip = a
  }
  if (opts.partial === true) {
    if (host.mac === undefined && host.name === undefined && host.ip === undefined) {
      fail(ctx, `At least one of name, mac, or ip attribute must be specified for static host definition in network '${net}'`)
    }
  } else {
    if (v6 && host.id === undefined && host.name === undefined) {
      fail(ctx, `Static host definition in IPv6 network '${net}' must have id or name attribute`)
    }
    if (!v6 && host.mac === undefined && host.name === undefined) {
      fail(ctx, `Static host definition in IPv4 network '${net}' must have mac or name attribute`)
    }
    if (host.ip === undefined) {
      fail(ctx, `Missing IP address in static host definition for network '${net}'`, { attr: 'ip' })
    }
  }
  const lease = parseLease(node, ctx)
  if (lease !== undefined) host.lease = lease
  return host
}

function parseBootp(node: XmlElement, ctx: ParseContext): DhcpBootp {
  const file = prop(node, 'file')
  if (file === undefined) fail(ctx, "Missing required attribute 'file' in element 'bootp'", { attr: 'file' })
  const server = prop(node, 'server')
  if (server === undefined) return { file }
  const a = tryParseAddr(server)
  if (a === undefined) fail(ctx, `Invalid bootp server address '${server}'`, { attr: 'server', value: server })
  return { file, server: a }
}

/** Parse the first `<dhcp>` of an `<ip>` (`node`); `net` is the network name for messages. */
export function parseDhcp(node: XmlElement, ip: IpHead, net: string, ctx: ParseContext): ParsedDhcp {
  const ranges = elements(node, 'range').map((r, i) => parseRange(r, ip, net, childCtx(ctx, 'range', i + 1)))
  const hosts = elements(node, 'host').map((h, i) => parseHost(h, ip, net, childCtx(ctx, 'host', i + 1)))
  const bootpNode = firstElement(node, 'bootp')
  // libvirt ignores <bootp> inside an IPv6 <ip>
  const bootp =
    bootpNode !== undefined && ip.address.family === 'ipv4' ? parseBootp(bootpNode, childCtx(ctx, 'bootp')) : undefined
  return { ranges, hosts, bootp }
}

function formatLease(lease: DhcpLease | undefined): OutElement | undefined {
  if (lease === undefined) return undefined
  return lease.expiry === 0 ? el('lease', [['expiry', 0]]) : el('lease', [['expiry', lease.expiry], ['unit', lease.unit]])
}

/** `<dhcp>` with ranges, hosts, bootp; undefined when there are neither ranges nor hosts (as libvirt). */
export function formatDhcp(ip: NetworkIp): OutElement | undefined {
  if (ip.dhcpRanges.length === 0 && ip.dhcpHosts.length === 0) return undefined
  return el('dhcp', [], [
    ...ip.dhcpRanges.map((r) =>
      el('range', [['start', formatIp(r.start)], ['end', formatIp(r.end)]], [formatLease(r.lease)]),
    ),
    ...ip.dhcpHosts.map((h) =>
      el('host', [['mac', h.mac], ['id', h.id], ['name', h.name], ['ip', h.ip && formatIp(h.ip)]], [formatLease(h.lease)]),
    ),
    ip.bootp && el('bootp', [['file', ip.bootp.file], ['server', ip.bootp.server && formatIp(ip.bootp.server)]]),
  ])
}
