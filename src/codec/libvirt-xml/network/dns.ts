/**
 * Network `<dns enable? forwardPlainNames?>` with forwarders, TXT, SRV and host records (libvirt's
 * virNetworkDNSDefParseXML / virNetworkDNSDefFormat).
 * @module
 */
import type { XmlElement } from '../../xml/dom.js'
import { el, textEl } from '../../xml/write.js'
import type { OutElement } from '../../xml/write.js'
import { formatIp, type IpAddr } from '../../../model/values/ip.js'
import { dnsIsSet } from '../../../model/network/dns.js'
import type { DnsForwarder, DnsHost, DnsSrv, DnsTxt, NetworkDns } from '../../../model/network/dns.js'
import {
  childCtx,
  elements,
  fail,
  parseCUnsigned,
  prop,
  propYesNo,
  stringValue,
  utf8Length,
  xpathProp,
  yesNo,
} from '../netdev/props.js'
import type { ParseContext } from '../netdev/props.js'
import { tryParseAddr } from './addr.js'

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/** libvirt's DNS_RECORD_LENGTH_SRV (the service name limit). */
const DNS_RECORD_LENGTH_SRV = 512 - 30
const SERVICE_RE = /^[A-Za-z0-9_\-+/*]*$/
const PROTOCOL_RE = /^[A-Za-z0-9\-+/]*$/

function parseForwarder(node: XmlElement, net: string, ctx: ParseContext): DnsForwarder {
  const f: Mutable<DnsForwarder> = {}
  const addr = prop(node, 'addr')
  if (addr !== undefined) {
    const a = tryParseAddr(addr)
    if (a === undefined) {
      fail(ctx, `Invalid forwarder IP address '${addr}' in network '${net}'`, { attr: 'addr', value: addr })
    }
    f.addr = a
  }
  const domain = prop(node, 'domain')
  if (domain !== undefined) f.domain = domain
  if (addr === undefined && domain === undefined) {
    fail(ctx, `Invalid forwarder element, must contain at least one of addr or domain in network '${net}'`)
  }
  return f
}

/** A DNS host record, or with `partial` (net-update's delete) a pattern: an address, hostnames, or both. */
export interface DnsHostPattern {
  readonly ip?: IpAddr
  readonly hostnames: readonly string[]
}

/** `<host ip><hostname>…` (libvirt's virNetworkDNSHostDefParseXML; `partial`: either part may be missing). */
export function parseDnsHost(node: XmlElement, net: string, ctx: ParseContext, opts: { partial?: boolean } = {}): DnsHostPattern {
  const partial = opts.partial === true
  const names = elements(node, 'hostname').map((h, i) => {
    const s = stringValue(h)
    if (s === '') fail(childCtx(ctx, 'hostname', i + 1), `Missing hostname in network '${net}' DNS HOST record`)
    return s
  })
  if (names.length === 0 && !partial) fail(ctx, `Missing hostname in network '${net}' DNS HOST record`)
  const ipText = prop(node, 'ip')
  if (ipText === undefined) {
    if (!partial) fail(ctx, `Missing IP address in network '${net}' DNS HOST record`, { attr: 'ip' })
    if (names.length === 0) fail(ctx, `Missing ip and hostname in network '${net}' DNS HOST record`)
    return { hostnames: names }
  }
  const ip = tryParseAddr(ipText)
  if (ip === undefined) {
    fail(ctx, `Invalid IP address '${ipText}' in network '${net}' DNS HOST record`, { attr: 'ip', value: ipText })
  }
  return { ip, hostnames: names }
}

function parseHost(node: XmlElement, net: string, ctx: ParseContext): DnsHost {
  return parseDnsHost(node, net, ctx) as DnsHost
}

function checkLineBreaks(value: string | undefined, record: string, field: string, ctx: ParseContext): void {
  if (value !== undefined && /[\r\n]/.test(value)) {
    fail(ctx, `invalid line break in DNS ${record} record ${field} attribute`, { attr: field })
  }
}

function srvNumber(
  node: XmlElement,
  name: 'port' | 'priority' | 'weight',
  srv: Mutable<DnsSrvPattern>,
  net: string,
  ctx: ParseContext,
): void {
  const text = xpathProp(node, name)
  if (text === undefined) return
  const n = parseCUnsigned(text, 10, 0xffffffff)
  if (n !== undefined && srv.target === undefined) {
    fail(ctx, `DNS SRV ${name} attribute not permitted without target for service '${srv.service ?? '(null)'}' in network '${net}'`, {
      attr: name,
    })
  }
  if (n === undefined || n > 65535 || (name === 'port' && n < 1)) {
    fail(ctx, `Invalid DNS SRV ${name} attribute '${text}' for service '${srv.service ?? '(null)'}' in network '${net}'`, {
      attr: name,
      value: text,
    })
  }
  srv[name] = n
}

/** A DNS SRV record, or with `partial` (net-update's delete) a pattern whose service and protocol may be missing. */
export type DnsSrvPattern = Omit<DnsSrv, 'service' | 'protocol'> & { readonly service?: string; readonly protocol?: string }

/** `<srv>` (libvirt's virNetworkDNSSrvDefParseXML; `partial`: service and protocol may be missing). */
export function parseDnsSrv(node: XmlElement, net: string, ctx: ParseContext, opts: { partial?: boolean } = {}): DnsSrvPattern {
  const partial = opts.partial === true
  const service = prop(node, 'service')
  if (service === undefined) {
    if (!partial) fail(ctx, `missing required service attribute in DNS SRV record of network '${net}'`, { attr: 'service' })
  } else checkService(service, net, ctx)
  const protocol = prop(node, 'protocol')
  if (protocol === undefined) {
    if (!partial) fail(ctx, `missing required protocol attribute in DNS SRV record '${service ?? '(null)'}' of network '${net}'`, { attr: 'protocol' })
  } else if (!PROTOCOL_RE.test(protocol)) {
    fail(ctx, `invalid character in protocol attribute '${protocol}' in DNS SRV record of network '${net}'`, {
      attr: 'protocol',
      value: protocol,
    })
  }
  const srv: Mutable<DnsSrvPattern> = {}
  if (service !== undefined) srv.service = service
  if (protocol !== undefined) srv.protocol = protocol
  const domain = prop(node, 'domain')
  const target = prop(node, 'target')
  checkLineBreaks(domain, 'SRV', 'domain', ctx)
  checkLineBreaks(target, 'SRV', 'target', ctx)
  if (domain !== undefined) srv.domain = domain
  if (target !== undefined) srv.target = target
  srvNumber(node, 'port', srv, net, ctx)
  srvNumber(node, 'priority', srv, net, ctx)
  srvNumber(node, 'weight', srv, net, ctx)
  return srv
}

function checkService(service: string, net: string, ctx: ParseContext): void {
  if (utf8Length(service) > DNS_RECORD_LENGTH_SRV) {
    fail(ctx, `service attribute '${service}' in network '${net}' is too long, limit is ${DNS_RECORD_LENGTH_SRV} bytes`, {
      attr: 'service',
    })
  }
  if (!SERVICE_RE.test(service)) {
    fail(ctx, `invalid character in service attribute '${service}' in DNS SRV record of network '${net}'`, {
      attr: 'service',
      value: service,
    })
  }
}

function parseSrv(node: XmlElement, net: string, ctx: ParseContext): DnsSrv {
  return parseDnsSrv(node, net, ctx) as DnsSrv
}

/** A DNS TXT record, or with `partial` (net-update's delete) a pattern whose value may be missing. */
export type DnsTxtPattern = Omit<DnsTxt, 'value'> & { readonly value?: string }

function parseTxt(node: XmlElement, net: string, ctx: ParseContext): DnsTxt {
  return parseDnsTxt(node, net, ctx) as DnsTxt
}

/** `<txt name value>` (libvirt's virNetworkDNSTxtDefParseXML; `partial`: the value may be missing). */
export function parseDnsTxt(node: XmlElement, net: string, ctx: ParseContext, opts: { partial?: boolean } = {}): DnsTxtPattern {
  const name = prop(node, 'name')
  if (name === undefined) {
    fail(ctx, `missing required name attribute in DNS TXT record of network '${net}'`, { attr: 'name' })
  }
  if (/[ ,]/.test(name)) {
    fail(ctx, `prohibited character in DNS TXT record name '${name}' of network '${net}'`, {
      attr: 'name',
      value: name,
    })
  }
  const value = prop(node, 'value')
  if (value === undefined) {
    if (opts.partial === true) return { name }
    fail(ctx, `missing required value attribute in DNS TXT record named '${name}' of network '${net}'`, {
      attr: 'value',
    })
  }
  checkLineBreaks(value, 'TXT', 'value', ctx)
  return { name, value }
}

export function parseDns(node: XmlElement, net: string, ctx: ParseContext): NetworkDns {
  const dns: Mutable<NetworkDns> = { forwarders: [], txts: [], srvs: [], hosts: [] }
  const enable = propYesNo(node, 'enable', ctx)
  if (enable !== undefined) dns.enable = enable
  const fpn = propYesNo(node, 'forwardPlainNames', ctx)
  if (fpn !== undefined) dns.forwardPlainNames = fpn
  dns.forwarders = elements(node, 'forwarder').map((n, i) => parseForwarder(n, net, childCtx(ctx, 'forwarder', i + 1)))
  dns.hosts = elements(node, 'host').map((n, i) => parseHost(n, net, childCtx(ctx, 'host', i + 1)))
  dns.srvs = elements(node, 'srv').map((n, i) => parseSrv(n, net, childCtx(ctx, 'srv', i + 1)))
  dns.txts = elements(node, 'txt').map((n, i) => parseTxt(n, net, childCtx(ctx, 'txt', i + 1)))
  if (enable === false && dns.forwarders.length + dns.hosts.length + dns.srvs.length + dns.txts.length > 0) {
    fail(ctx, `Extra data in disabled network '${net}': <dns enable='no'> may not contain forwarders or records`, {
      attr: 'enable',
    })
  }
  return dns
}

export function formatDns(dns: NetworkDns | undefined): OutElement | undefined {
  if (!dnsIsSet(dns)) return undefined
  return el(
    'dns',
    [
      ['enable', yesNo(dns.enable)],
      ['forwardPlainNames', yesNo(dns.forwardPlainNames)],
    ],
    [
      ...dns.forwarders.map((f) => el('forwarder', [['domain', f.domain], ['addr', f.addr && formatIp(f.addr)]])),
      ...dns.txts.map((t) => el('txt', [['name', t.name], ['value', t.value]])),
      ...dns.srvs.map((s) =>
        el('srv', [
          ['service', s.service],
          ['protocol', s.protocol],
          ['domain', s.domain],
          ['target', s.target],
          ['port', s.port || undefined],
          ['priority', s.priority || undefined],
          ['weight', s.weight || undefined],
        ]),
      ),
      ...dns.hosts.map((h) => el('host', [['ip', formatIp(h.ip)]], h.hostnames.map((n) => textEl('hostname', n)))),
    ],
  )
}
