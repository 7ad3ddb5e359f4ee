/**
 * `<protocol family='ipv4|ipv6'>` of a host-interface document (libvirt's virInterfaceDefParseIfAdressing /
 * virInterfaceProtocolDefFormat): `<autoconf/>` (ipv6), `<dhcp [peerdns]/>`, `<ip address [prefix]/>`*,
 * `<route gateway/>`. Unlike libvirt, which keeps addresses as strings, addresses are parsed (and must belong
 * to the protocol's family) and prefixes are range-checked; output uses the canonical address text.
 * @module
 */
import type { XmlElement } from '../xml/dom.js'
import { el } from '../xml/write.js'
import type { OutElement } from '../xml/write.js'
import { formatIp, maxPrefix, tryParseIpv4, tryParseIpv6 } from '../../model/values/ip.js'
import type { IpAddr } from '../../model/values/ip.js'
import type {
  InterfaceProtocol,
  ProtocolAddress,
  ProtocolDhcp,
  ProtocolFamily,
} from '../../model/iface-xml/interface-def.js'
import { childCtx, elements, fail, firstElement, parseCUnsigned, prop, propYesNo, xpathProp } from './netdev/props.js'
import type { ParseContext } from './netdev/props.js'

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

const FAMILY_NAME: Readonly<Record<ProtocolFamily, string>> = { ipv4: 'IPv4', ipv6: 'IPv6' }

/** An address of the protocol's family, or a ValidationError naming the attribute. */
function familyAddress(text: string, family: ProtocolFamily, what: string, ctx: ParseContext, attr: string): IpAddr {
  if (family === 'ipv4') {
    const v4 = tryParseIpv4(text)
    if (v4 !== undefined) return { family, value: v4 }
  } else {
    const v6 = tryParseIpv6(text)
    if (v6 !== undefined) return { family, value: v6 }
  }
  return fail(ctx, `invalid ${FAMILY_NAME[family]} ${what} '${text}'`, { attr, value: text })
}

function parseProtocolIp(node: XmlElement, family: ProtocolFamily, ctx: ParseContext): ProtocolAddress | undefined {
  const text = prop(node, 'address')
  // libvirt keeps an <ip> without address but never prints it: drop it here
  if (text === undefined) return undefined
  const address = familyAddress(text, family, 'address', ctx, 'address')
  const prefixText = prop(node, 'prefix')
  if (prefixText === undefined) return { address }
  // libvirt reads the prefix as an int with base 0 (decimal, 0x hex, leading-0 octal)
  const prefix = parseCUnsigned(prefixText, 0, 0xffffffff)
  if (prefix === undefined || prefix > maxPrefix(family)) {
    fail(ctx, `invalid prefix '${prefixText}' for ${FAMILY_NAME[family]} address '${text}'`, {
      attr: 'prefix',
      value: prefixText,
    })
  }
  // a prefix of 0 is "not given" for libvirt (it is not printed)
  return prefix === 0 ? { address } : { address, prefix }
}

function parseDhcp(node: XmlElement | undefined, ctx: ParseContext): ProtocolDhcp | undefined {
  if (node === undefined) return undefined
  const peerDns = propYesNo(node, 'peerdns', ctx)
  return peerDns === undefined ? {} : { peerDns }
}

export function parseInterfaceProtocol(node: XmlElement, ctx: ParseContext): InterfaceProtocol {
  const family = prop(node, 'family')
  if (family === undefined) fail(ctx, 'protocol misses the family attribute', { attr: 'family' })
  if (family !== 'ipv4' && family !== 'ipv6') {
    fail(ctx, `unsupported protocol family '${family}'`, { attr: 'family', value: family })
  }
  const out: Mutable<InterfaceProtocol> = { family, addresses: [] }
  // libvirt: string(./route[1]/@gateway), an empty value counting as absent
  const route = firstElement(node, 'route')
  const gatewayText = xpathProp(route, 'gateway')
  if (gatewayText !== undefined) {
    out.gateway = familyAddress(gatewayText, family, 'gateway', childCtx(ctx, 'route'), 'gateway')
  }
  // <autoconf/> is read for ipv6 only; libvirt ignores it in an ipv4 protocol
  if (family === 'ipv6' && firstElement(node, 'autoconf') !== undefined) out.autoconf = true
  const dhcp = parseDhcp(firstElement(node, 'dhcp'), childCtx(ctx, 'dhcp'))
  if (dhcp !== undefined) out.dhcp = dhcp
  const addresses: ProtocolAddress[] = []
  elements(node, 'ip').forEach((ip, i) => {
    const a = parseProtocolIp(ip, family, childCtx(ctx, 'ip', i + 1))
    if (a !== undefined) addresses.push(a)
  })
  out.addresses = addresses
  return out
}

/** All `<protocol>` children of the top interface; at most one per family. */
export function parseInterfaceProtocols(node: XmlElement, ctx: ParseContext): InterfaceProtocol[] {
  const seen = new Set<string>()
  return elements(node, 'protocol').map((p, i) => {
    const pctx = childCtx(ctx, 'protocol', i + 1)
    const proto = parseInterfaceProtocol(p, pctx)
    if (seen.has(proto.family)) {
      fail(pctx, `duplicate protocol family '${proto.family}'`, { attr: 'family', value: proto.family })
    }
    seen.add(proto.family)
    return proto
  })
}

function formatDhcp(dhcp: ProtocolDhcp | undefined): OutElement | undefined {
  if (dhcp === undefined) return undefined
  return el('dhcp', [['peerdns', dhcp.peerDns === undefined ? undefined : dhcp.peerDns ? 'yes' : 'no']])
}

/** libvirt's order: autoconf, dhcp, ip*, route; the element is never self-closed. */
export function formatInterfaceProtocol(p: InterfaceProtocol): OutElement {
  return el(
    'protocol',
    [['family', p.family]],
    [
      p.autoconf === true && el('autoconf'),
      formatDhcp(p.dhcp),
      ...p.addresses.map((a) => el('ip', [['address', formatIp(a.address)], ['prefix', a.prefix || undefined]])),
      p.gateway !== undefined && el('route', [['gateway', formatIp(p.gateway)]]),
    ],
    { neverSelfClose: true },
  )
}
