/**
 * Network `<ip family? address netmask|prefix localPtr?>` with `<tftp>` and `<dhcp>` (libvirt's
 * virNetworkIPDefParseXML / virNetworkIPDefFormat of v9.9.0: `<ip>` is never self-closed).
 * @module
 */
import type { XmlElement } from '../../xml/dom.js'
import { el } from '../../xml/write.js'
import type { OutElement } from '../../xml/write.js'
import { formatIp } from '../../../model/values/ip.js'
import type { IpFamily, Ipv4Addr } from '../../../model/values/ip.js'
import type { NetworkIp } from '../../../model/network/ip.js'
import { childCtx, fail, firstElement, propUnsigned, propYesNo, xpathProp, yesNo } from '../netdev/props.js'
import type { ParseContext } from '../netdev/props.js'
import { tryParseAddr } from './addr.js'
import { formatDhcp, parseDhcp } from './dhcp.js'

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

function parseFamily(node: XmlElement, net: string, ctx: ParseContext): IpFamily | undefined {
  const family = xpathProp(node, 'family')
  if (family === undefined || family === 'ipv4' || family === 'ipv6') return family
  return fail(ctx, `Unrecognized family '${family}' in network '${net}'`, { attr: 'family', value: family })
}

function checkFamily(
  ip: Mutable<NetworkIp>,
  text: { address: string; netmask: string | undefined },
  net: string,
  ctx: ParseContext,
): void {
  const { address, netmask } = text
  if (ip.family !== 'ipv6') {
    if (ip.address.family !== 'ipv4') {
      fail(ctx, `${ip.family === undefined ? 'no' : 'ipv4'} family specified for non-IPv4 address '${address}' in network '${net}'`, {
        attr: 'address',
        value: address,
      })
    }
    if (netmask !== undefined) {
      if (ip.netmask === undefined) {
        fail(ctx, `Invalid netmask '${netmask}' for address '${address}' in network '${net}' (both must be IPv4)`, {
          attr: 'netmask',
          value: netmask,
        })
      }
      if (ip.prefix !== undefined) {
        fail(ctx, `Network '${net}' IP address cannot have both a prefix and a netmask`, { attr: 'prefix' })
      }
    } else if (ip.prefix !== undefined && ip.prefix > 32) {
      fail(ctx, `Invalid prefix '${ip.prefix}' for IPv4 address '${address}' in network '${net}'`, {
        attr: 'prefix',
        value: ip.prefix,
      })
    }
    return
  }
  if (ip.address.family !== 'ipv6') {
    fail(ctx, `Family 'ipv6' specified for non-IPv6 address '${address}' in network '${net}'`, {
      attr: 'address',
      value: address,
    })
  }
  if (netmask !== undefined) {
    fail(ctx, `netmask not allowed for IPv6 address '${address}' in network '${net}'`, {
      attr: 'netmask',
      value: netmask,
    })
  }
  if (ip.prefix !== undefined && ip.prefix > 128) {
    fail(ctx, `Invalid prefix '${ip.prefix}' for IPv6 address '${address}' in network '${net}'`, {
      attr: 'prefix',
      value: ip.prefix,
    })
  }
}

/** Parse one `<ip>` of network `net`. */
export function parseNetworkIp(node: XmlElement, net: string, ctx: ParseContext): NetworkIp {
  const family = parseFamily(node, net, ctx)
  const addressText = xpathProp(node, 'address')
  if (addressText === undefined) {
    fail(ctx, `Missing required address attribute in network '${net}'`, { attr: 'address' })
  }
  const address = tryParseAddr(addressText)
  if (address === undefined) {
    fail(ctx, `Invalid address '${addressText}' in network '${net}'`, { attr: 'address', value: addressText })
  }
  const ip: Mutable<NetworkIp> = { address, dhcpRanges: [], dhcpHosts: [] }
  if (family !== undefined) ip.family = family
  const netmaskText = xpathProp(node, 'netmask')
  if (netmaskText !== undefined) {
    const mask = tryParseAddr(netmaskText)
    if (mask === undefined) {
      fail(ctx, `Invalid netmask '${netmaskText}' in network '${net}'`, { attr: 'netmask', value: netmaskText })
    }
    if (mask.family === 'ipv4') ip.netmask = mask as Ipv4Addr
  }
  const prefix = propUnsigned(node, 'prefix', ctx)
  if (prefix !== undefined && prefix > 0) ip.prefix = prefix
  const localPtr = propYesNo(node, 'localPtr', ctx)
  if (localPtr !== undefined) ip.localPtr = localPtr
  checkFamily(ip, { address: addressText, netmask: netmaskText }, net, ctx)
  const dhcp = firstElement(node, 'dhcp')
  if (dhcp !== undefined) {
    const d = parseDhcp(dhcp, ip, net, childCtx(ctx, 'dhcp'))
    ip.dhcpRanges = d.ranges
    ip.dhcpHosts = d.hosts
    if (d.bootp !== undefined) ip.bootp = d.bootp
  }
  const tftp = firstElement(node, 'tftp')
  if (tftp !== undefined) {
    if (ip.address.family !== 'ipv4') {
      fail(childCtx(ctx, 'tftp'), `Unsupported <tftp> element in an IPv6 element in network '${net}'`)
    }
    const root = xpathProp(tftp, 'root')
    if (root !== undefined) ip.tftpRoot = root
  }
  return ip
}

export function formatNetworkIp(ip: NetworkIp): OutElement {
  return el(
    'ip',
    [
      ['family', ip.family],
      ['address', formatIp(ip.address)],
      ['netmask', ip.netmask && formatIp(ip.netmask)],
      ['prefix', ip.prefix || undefined],
      ['localPtr', yesNo(ip.localPtr)],
    ],
    [ip.tftpRoot !== undefined && el('tftp', [['root', ip.tftpRoot]]), formatDhcp(ip)],
    { neverSelfClose: true },
  )
}
