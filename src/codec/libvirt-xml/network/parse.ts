/**
 * `<network>` element → NetworkDef, following libvirt's virNetworkDefParseXML (v9.9.0) rule by rule. Every
 * failure is a ValidationError naming the element or attribute and the network, with an XPath-like `path`.
 * No define-time validation here (model/network/validate does that).
 * @module
 */
import type { XmlElement } from '../../xml/dom.js'
import { tryParseUuid } from '../../../model/values/uuid.js'
import type { Uuid } from '../../../model/values/uuid.js'
import { NO_FORWARD } from '../../../model/network/forward.js'
import { networkObject } from '../../../model/network/network-def.js'
import type { NetworkDef } from '../../../model/network/network-def.js'
import type { NetworkRoute } from '../../../model/network/route.js'
import { parseBandwidth } from '../netdev/bandwidth.js'
import { childCtx, elements, fail, firstElement, propYesNo, xpathProp, xpathText } from '../netdev/props.js'
import type { ParseContext } from '../netdev/props.js'
import { parsePortIsolated } from '../netdev/port-isolated.js'
import { parseVirtualPort } from '../netdev/virtualport.js'
import { parseVlan } from '../netdev/vlan.js'
import { checkForwardModeRules, parseBridge, parseBridgeMac, parseDomain, parseMtu } from './bridge.js'
import { parseDns } from './dns.js'
import { parseForward } from './forward.js'
import { parseNetworkIp } from './ip.js'
import { parseDnsmasqOptions, parseMetadata } from './namespaces.js'
import { parsePortGroup } from './portgroup.js'
import { checkRouteGateway, parseRoute } from './route.js'

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

export interface NetworkParseOptions {
  /** Source of the UUID given to a network without `<uuid>` (libvirt generates a random one). */
  newUuid: () => Uuid
}

function parseIdentity(root: XmlElement, opts: NetworkParseOptions): { name: string; uuid: Uuid; ctx: ParseContext } {
  const rootCtx: ParseContext = { path: '/network' }
  if (root.name !== 'network') {
    fail({ path: `/${root.name}` }, `unexpected root element <${root.name}>, expecting <network>`)
  }
  const name = xpathText(root, 'name')
  if (name === undefined) {
    fail(childCtx(rootCtx, 'name'), 'missing name information: a <network> needs a non-empty <name>')
  }
  const ctx: ParseContext = { path: '/network', object: networkObject(name) }
  if (name.includes('/')) {
    fail(childCtx(ctx, 'name'), `invalid char in name: / (network name '${name}')`, { value: name })
  }
  const uuidText = xpathText(root, 'uuid')
  let uuid: Uuid
  if (uuidText === undefined) uuid = opts.newUuid()
  else {
    const u = tryParseUuid(uuidText)
    if (u === undefined) fail(childCtx(ctx, 'uuid'), `malformed uuid element '${uuidText}'`, { value: uuidText })
    uuid = u
  }
  return { name, uuid, ctx }
}

function parseHeader(root: XmlElement, def: Mutable<NetworkDef>, ctx: ParseContext): void {
  const net = def.name
  const title = xpathText(root, 'title')
  if (title !== undefined) {
    if (title.includes('\n')) fail(childCtx(ctx, 'title'), `Network title can't contain newlines (network '${net}')`)
    def.title = title
  }
  const description = xpathText(root, 'description')
  if (description !== undefined) def.description = description
  const ipv6 = xpathProp(root, 'ipv6')
  if (ipv6 !== undefined) {
    if (ipv6 !== 'yes' && ipv6 !== 'no') {
      fail(ctx, `Invalid ipv6 setting '${ipv6}' in network '${net}'`, { attr: 'ipv6', value: ipv6 })
    }
    if (ipv6 === 'yes') def.ipv6 = true
  }
  const trust = propYesNo(root, 'trustGuestRxFilters', ctx)
  if (trust !== undefined) def.trustGuestRxFilters = trust
  const domainNode = firstElement(root, 'domain')
  const domain = domainNode && parseDomain(domainNode, net, childCtx(ctx, 'domain'))
  if (domain !== undefined) def.domain = domain
}

function parseQos(root: XmlElement, def: Mutable<NetworkDef>, ctx: ParseContext): void {
  const bw = firstElement(root, 'bandwidth')
  const bandwidth = bw && parseBandwidth(bw, {}, childCtx(ctx, 'bandwidth')).bandwidth
  if (bandwidth !== undefined) def.bandwidth = bandwidth
  const vlan = firstElement(root, 'vlan')
  if (vlan !== undefined) def.vlan = parseVlan(vlan, childCtx(ctx, 'vlan'))
  const isolated = parsePortIsolated(root, ctx)
  if (isolated !== undefined) def.isolatedPort = isolated
}

function parseLink(root: XmlElement, def: Mutable<NetworkDef>, ctx: ParseContext): void {
  const net = def.name
  const bridge = firstElement(root, 'bridge')
  if (bridge !== undefined) def.bridge = parseBridge(bridge, net, childCtx(ctx, 'bridge'))
  const macNode = firstElement(root, 'mac')
  const mac = macNode && parseBridgeMac(macNode, net, childCtx(ctx, 'mac'))
  if (mac !== undefined) def.mac = mac
  const mtu = parseMtu(root, net, ctx)
  if (mtu !== undefined) def.mtu = mtu
  const dns = firstElement(root, 'dns')
  if (dns !== undefined) def.dns = parseDns(dns, net, childCtx(ctx, 'dns'))
  const vp = firstElement(root, 'virtualport')
  if (vp !== undefined) def.virtualPort = parseVirtualPort(vp, { requireType: true }, childCtx(ctx, 'virtualport'))
  def.portGroups = elements(root, 'portgroup').map((n, i) => parsePortGroup(n, childCtx(ctx, 'portgroup', i + 1)))
}

function parseAddressing(root: XmlElement, def: Mutable<NetworkDef>, ctx: ParseContext): void {
  const net = def.name
  def.ips = elements(root, 'ip').map((n, i) => parseNetworkIp(n, net, childCtx(ctx, 'ip', i + 1)))
  const routeNodes = elements(root, 'route')
  const routes: NetworkRoute[] = routeNodes.map((n, i) => parseRoute(n, net, childCtx(ctx, 'route', i + 1)))
  routes.forEach((r, i) => checkRouteGateway(r, def.ips, net, childCtx(ctx, 'route', i + 1)))
  def.routes = routes
}

/** Parse a `<network>` element (libvirt's xml2xml parse: no define-time validation). */
export function parseNetworkElement(root: XmlElement, opts: NetworkParseOptions): NetworkDef {
  const { name, uuid, ctx } = parseIdentity(root, opts)
  const def: Mutable<NetworkDef> = { name, uuid, forward: NO_FORWARD, ips: [], routes: [], portGroups: [] }
  parseHeader(root, def, ctx)
  parseQos(root, def, ctx)
  parseLink(root, def, ctx)
  parseAddressing(root, def, ctx)
  const fwd = firstElement(root, 'forward')
  if (fwd !== undefined) def.forward = parseForward(fwd, name, childCtx(ctx, 'forward'))
  checkForwardModeRules({ net: name, forward: def.forward, bridge: def.bridge, ipCount: def.ips.length, mtu: def.mtu }, ctx)
  const metaNode = firstElement(root, 'metadata')
  const metadata = metaNode && parseMetadata(metaNode, root)
  if (metadata !== undefined) def.metadata = metadata
  const options = parseDnsmasqOptions(root, ctx)
  if (options !== undefined) def.dnsmasqOptions = options
  return def
}
