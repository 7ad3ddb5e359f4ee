/**
 * Network `<route family? address netmask|prefix gateway metric?/>` (libvirt's virNetDevIPRouteParseXML /
 * virNetDevIPRouteFormat) and the network-level check that every gateway is reachable: inside the subnet of an
 * `<ip>` of the same family.
 * @module
 */
import type { XmlElement } from '../../xml/dom.js'
import { el } from '../../xml/write.js'
import type { OutElement } from '../../xml/write.js'
import { formatIp, inSubnet, networkAddress } from '../../../model/values/ip.js'
import type { IpAddr, Ipv4Addr } from '../../../model/values/ip.js'
import { networkIpPrefix } from '../../../model/network/ip.js'
import type { NetworkIp } from '../../../model/network/ip.js'
import type { NetworkRoute } from '../../../model/network/route.js'
import { fail, parseCUnsigned, xpathProp } from '../netdev/props.js'
import type { ParseContext } from '../netdev/props.js'
import { tryParseAddr } from './addr.js'

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

function routeNumber(node: XmlElement, name: 'prefix' | 'metric', net: string, ctx: ParseContext): number | undefined {
  const text = xpathProp(node, name)
  if (text === undefined) return undefined
  const n = parseCUnsigned(text, 10, Number.MAX_SAFE_INTEGER)
  if (n === undefined) {
    fail(ctx, `${net}: Invalid ${name} '${text}' specified in route definition`, { attr: name, value: text })
  }
  return n
}

function parseAddr(node: XmlElement, attr: 'address' | 'gateway', net: string, ctx: ParseContext): IpAddr {
  const text = xpathProp(node, attr)
  if (text === undefined) fail(ctx, `${net}: Missing required ${attr} attribute in route definition`, { attr })
  const a = tryParseAddr(text)
  const what = attr === 'address' ? 'network address' : 'gateway address'
  if (a === undefined) fail(ctx, `${net}: Bad ${what} '${text}' in route definition`, { attr, value: text })
  return a
}

function checkFamily(r: Mutable<NetworkRoute>, netmaskText: string | undefined, net: string, ctx: ParseContext): void {
  const addr = formatIp(r.address)
  if (r.family !== 'ipv6') {
    const fam = r.family === undefined ? 'No family specified' : 'IPv4 family specified'
    if (r.address.family !== 'ipv4') {
      fail(ctx, `${net}: ${fam} for non-IPv4 address '${addr}' in route definition`, { attr: 'address' })
    }
    if (r.gateway.family !== 'ipv4') {
      fail(ctx, `${net}: ${fam} for non-IPv4 gateway '${formatIp(r.gateway)}' in route definition`, { attr: 'gateway' })
    }
    if (netmaskText !== undefined) {
      const mask = tryParseAddr(netmaskText)
      if (mask === undefined) {
        fail(ctx, `${net}: Bad netmask address '${netmaskText}' in route definition`, {
          attr: 'netmask',
          value: netmaskText,
        })
      }
      if (mask.family !== 'ipv4') {
        fail(ctx, `${net}: Invalid netmask '${netmaskText}' for address '${addr}' (both must be IPv4)`, {
          attr: 'netmask',
          value: netmaskText,
        })
      }
      if (r.prefix !== undefined) {
        fail(ctx, `${net}: Route definition cannot have both a prefix and a netmask`, { attr: 'prefix' })
      }
      r.netmask = mask as Ipv4Addr
    }
    if ((r.prefix ?? 0) > 32) {
      fail(ctx, `${net}: Invalid prefix ${r.prefix} specified in route definition, must be 0 - 32`, { attr: 'prefix' })
    }
    return
  }
  if (r.address.family !== 'ipv6') {
    fail(ctx, `${net}: ipv6 family specified for non-IPv6 address '${addr}' in route definition`, { attr: 'address' })
  }
  if (netmaskText !== undefined) {
    fail(ctx, `${net}: Specifying netmask invalid for IPv6 address '${addr}' in route definition`, { attr: 'netmask' })
  }
  if (r.gateway.family !== 'ipv6') {
    fail(ctx, `${net}: ipv6 specified for non-IPv6 gateway address '${formatIp(r.gateway)}' in route definition`, {
      attr: 'gateway',
    })
  }
  if ((r.prefix ?? 0) > 128) {
    fail(ctx, `${net}: Invalid prefix ${r.prefix} specified in route definition, must be 0 - 128`, { attr: 'prefix' })
  }
}

/** Parse one `<route>`; `net` is the network name (libvirt prefixes route errors with it). */
export function parseRoute(node: XmlElement, net: string, ctx: ParseContext): NetworkRoute {
  const family = xpathProp(node, 'family')
  const prefix = routeNumber(node, 'prefix', net, ctx)
  const metric = routeNumber(node, 'metric', net, ctx)
  if (metric === 0) fail(ctx, `${net}: Invalid metric value, must be > 0 in route definition`, { attr: 'metric' })
  const address = parseAddr(node, 'address', net, ctx)
  const gateway = parseAddr(node, 'gateway', net, ctx)
  if (family !== undefined && family !== 'ipv4' && family !== 'ipv6') {
    fail(ctx, `${net}: Unrecognized family '${family}' in route definition`, { attr: 'family', value: family })
  }
  const r: Mutable<NetworkRoute> = { address, gateway }
  if (family !== undefined) r.family = family
  if (prefix !== undefined) r.prefix = prefix
  if (metric !== undefined) r.metric = metric
  checkFamily(r, xpathProp(node, 'netmask'), net, ctx)
  if (!isNetworkAddress(address, r)) {
    fail(ctx, `${net}: Address '${formatIp(address)}' in route definition is not a network address`, {
      attr: 'address',
    })
  }
  return r
}

function isNetworkAddress(address: IpAddr, r: NetworkRoute): boolean {
  if (r.netmask !== undefined && address.family === 'ipv4') {
    return (address.value & r.netmask.value) >>> 0 === address.value
  }
  return networkAddress(address, r.prefix ?? 0).value === address.value
}

/** libvirt: a static route's gateway must lie in the subnet of one of the network's `<ip>`s of its family. */
export function checkRouteGateway(r: NetworkRoute, ips: readonly NetworkIp[], net: string, ctx: ParseContext): void {
  for (const ip of ips) {
    if (ip.address.family !== r.gateway.family) continue
    const prefix = networkIpPrefix(ip)
    if (prefix !== undefined && inSubnet(r.gateway, ip.address, prefix)) return
  }
  fail(ctx, `unreachable static route gateway '${formatIp(r.gateway)}' specified for network '${net}': it is in no <ip> subnet of the network`, {
    attr: 'gateway',
  })
}

export function formatRoute(r: NetworkRoute): OutElement {
  return el('route', [
    ['family', r.family],
    ['address', formatIp(r.address)],
    ['netmask', r.netmask && formatIp(r.netmask)],
    ['prefix', r.prefix],
    ['gateway', formatIp(r.gateway)],
    ['metric', r.metric || undefined],
  ])
}
