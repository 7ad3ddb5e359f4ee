/**
 * Domain `<interface>` element → DomainInterfaceDef, following libvirt's virDomainNetDefParseXML (v9.9.0) for
 * everything hostnet interprets. Parse forms: status (the default: `portid`, `<actual>`, generated target names
 * and private data are kept) and inactive (VIR_DOMAIN_DEF_PARSE_INACTIVE: they are ignored, as when a domain is
 * defined). A missing MAC and missing virtualport ids are generated, as libvirt does; the generators are
 * injectable.
 * @module
 */
import type { XmlElement } from '../xml/dom.js'
import { isMulticastMac, tryParseMac } from '../../model/values/mac.js'
import type { MacAddr } from '../../model/values/mac.js'
import type { Uuid } from '../../model/values/uuid.js'
import {
  DOMAIN_NET_TYPES,
  domainInterfaceObject,
  isGeneratedTargetName,
  isVirtioModel,
  MAC_TYPES,
  NET_LINK_STATES,
  NET_MODEL_RE,
  VIRTUALPORT_TYPES,
} from '../../model/domain-interface.js'
import type {
  DomainInterfaceCommon,
  DomainInterfaceDef,
  DomainNetType,
  InterfaceTarget,
  NetLinkState,
  NetworkInterfaceData,
} from '../../model/domain-interface.js'
import { parseActual } from './domain-interface-actual.js'
import { randomGuestMac } from './domain-interface-defaults.js'
import { collectExtras, isUserAlias } from './domain-interface-extras.js'
import { parseHostIp, parseInterfaceData } from './domain-interface-source.js'
import { parseBandwidth } from './netdev/bandwidth.js'
import { parsePortIsolated } from './netdev/port-isolated.js'
import { childCtx, fail, firstElement, parseCUnsigned, prop, propEnum, propYesNo, xpathProp } from './netdev/props.js'
import type { ParseContext } from './netdev/props.js'
import { parseVirtualPort } from './netdev/virtualport.js'
import type { VirtualPortParseOptions } from './netdev/virtualport.js'
import { parseVlan } from './netdev/vlan.js'
import { randomUuid } from './network/random-uuid.js'

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

export interface DomainInterfaceParseOptions {
  /** VIR_DOMAIN_DEF_PARSE_INACTIVE: ignore `portid`, `<actual>` and private data, drop generated target names. */
  inactive?: boolean
  /** UUID source for missing virtualport instanceid/interfaceid (default: random). */
  newUuid?: () => Uuid
  /** MAC source when `<mac>` is missing or all zero (default: random 52:54:00:xx:xx:xx). */
  newMac?: () => MacAddr
}

/** §7: what a `<virtualport>` must look like for each interface type (undefined: not allowed). */
function virtualPortFlags(type: DomainNetType, newUuid: () => Uuid): VirtualPortParseOptions | undefined {
  if (!VIRTUALPORT_TYPES.includes(type)) return undefined
  if (type === 'network') return { generateUuid: newUuid }
  return { requireType: true, requireAll: true, generateUuid: newUuid }
}

function parseMac(
  node: XmlElement,
  def: Mutable<DomainInterfaceCommon>,
  ctx: ParseContext,
  newMac: () => MacAddr,
): void {
  const macNode = firstElement(node, 'mac')
  const mctx = childCtx(ctx, 'mac')
  const text = prop(macNode, 'address')
  let mac: MacAddr | undefined
  if (text !== undefined) {
    mac = tryParseMac(text)
    if (mac === undefined) fail(mctx, `unable to parse mac address '${text}'`, { attr: 'address', value: text })
    if (isMulticastMac(mac)) {
      fail(mctx, `expected unicast mac address, found multicast '${text}'`, { attr: 'address', value: text })
    }
  }
  // libvirt generates an address when there is none, or when it is all zero
  def.mac = mac === undefined || mac === '00:00:00:00:00:00' ? newMac() : mac
  if (macNode === undefined) return
  const macType = propEnum(macNode, 'type', MAC_TYPES, mctx)
  if (macType !== undefined) def.macType = macType
  const check = propYesNo(macNode, 'check', mctx)
  if (check !== undefined) def.macCheck = check
}

function parseTarget(node: XmlElement | undefined, ctx: ParseContext, inactive: boolean): InterfaceTarget | undefined {
  if (node === undefined) return undefined
  const target: Mutable<InterfaceTarget> = {}
  const managed = propYesNo(node, 'managed', ctx)
  if (managed !== undefined) target.managed = managed
  const dev = prop(node, 'dev')
  // a name libvirt generated (vnetN, macvtapN, macvlanN) is not part of the inactive configuration
  if (dev !== undefined && !(inactive && managed !== false && isGeneratedTargetName(dev))) target.dev = dev
  return target.dev === undefined && target.managed === undefined ? undefined : target
}

function parseDeviceSettings(node: XmlElement, def: Mutable<DomainInterfaceCommon>, ctx: ParseContext): void {
  const model = xpathProp(firstElement(node, 'model'), 'type')
  if (model !== undefined) {
    if (!NET_MODEL_RE.test(model)) {
      fail(childCtx(ctx, 'model'), `Model name contains invalid characters: '${model}'`, { attr: 'type', value: model })
    }
    def.model = model
  }
  const link = xpathProp(firstElement(node, 'link'), 'state')
  if (link !== undefined) {
    if (!(NET_LINK_STATES as readonly string[]).includes(link)) {
      fail(childCtx(ctx, 'link'), `unknown interface link state '${link}'`, { attr: 'state', value: link })
    }
    def.linkState = link as NetLinkState
  }
  const mtuText = xpathProp(firstElement(node, 'mtu'), 'size')
  if (mtuText !== undefined) {
    const mtu = parseCUnsigned(mtuText, 10, 0xffffffff)
    if (mtu === undefined) {
      fail(childCtx(ctx, 'mtu'), `malformed mtu size '${mtuText}'`, { attr: 'size', value: mtuText })
    }
    if (mtu) def.mtu = mtu
  }
  const isolated = parsePortIsolated(node, ctx)
  if (isolated !== undefined) def.isolatedPort = isolated
}

function parseNetdev(
  node: XmlElement,
  type: DomainNetType,
  def: Mutable<DomainInterfaceCommon>,
  ctx: ParseContext,
  newUuid: () => Uuid,
): void {
  const vp = firstElement(node, 'virtualport')
  if (vp !== undefined) {
    const flags = virtualPortFlags(type, newUuid)
    if (flags === undefined) {
      fail(childCtx(ctx, 'virtualport'), `<virtualport> element unsupported for <interface type='${type}'>`)
    }
    def.virtualPort = parseVirtualPort(vp, flags, childCtx(ctx, 'virtualport'))
  }
  const bw = firstElement(node, 'bandwidth')
  // floor only makes sense where the network driver accounts for it
  const bandwidth = bw && parseBandwidth(bw, { allowFloor: type === 'network' }, childCtx(ctx, 'bandwidth')).bandwidth
  if (bandwidth !== undefined) def.bandwidth = bandwidth
  const vlan = firstElement(node, 'vlan')
  if (vlan !== undefined) def.vlan = parseVlan(vlan, childCtx(ctx, 'vlan'))
}

function keepExtra(type: DomainNetType, model: string | undefined, inactive: boolean): (n: XmlElement) => boolean {
  return (n) => {
    switch (n.name) {
      case 'filterref':
        return type === 'network' || type === 'bridge' || type === 'ethernet'
      case 'driver':
        // a hostdev's <driver> is its PCI backend; otherwise libvirt keeps <driver> for virtio models only
        return type !== 'hostdev' && isVirtioModel(model)
      case 'alias':
        // inactive XML keeps only user aliases
        return !inactive || isUserAlias(n)
      case 'privateData':
        return !inactive
      default:
        return true
    }
  }
}

function identify(node: XmlElement): { type: DomainNetType; ctx: ParseContext } {
  if (node.name !== 'interface') {
    fail({ path: `/${node.name}` }, `unexpected root element <${node.name}>, expecting <interface>`)
  }
  const rawType = prop(node, 'type')
  const macText = prop(firstElement(node, 'mac'), 'address')
  const mac = macText === undefined ? undefined : tryParseMac(macText)
  const ctx: ParseContext = { path: '/interface', object: domainInterfaceObject(mac, rawType ?? 'user') }
  return { type: propEnum(node, 'type', DOMAIN_NET_TYPES, ctx) ?? 'user', ctx }
}

/** Parse an already parsed `<interface>` element. */
export function parseDomainInterfaceElement(
  node: XmlElement,
  opts: DomainInterfaceParseOptions = {},
): DomainInterfaceDef {
  const inactive = opts.inactive ?? false
  const { type, ctx } = identify(node)
  const passt = prop(firstElement(node, 'backend'), 'type') === 'passt'
  const data = parseInterfaceData(node, type, ctx, { inactive, passt })
  const def: Mutable<DomainInterfaceCommon> & typeof data = { ...data, mac: '' as MacAddr }
  if (def.type === 'network' && !inactive) {
    const actual = firstElement(node, 'actual')
    if (actual !== undefined) {
      ;(def as Mutable<NetworkInterfaceData>).actual = parseActual(actual, childCtx(ctx, 'actual'))
    }
  }
  const trust = propYesNo(node, 'trustGuestRxFilters', ctx)
  if (trust !== undefined) def.trustGuestRxFilters = trust
  parseDeviceSettings(node, def, ctx)
  parseNetdev(node, type, def, ctx, opts.newUuid ?? randomUuid)
  parseMac(node, def, ctx, opts.newMac ?? randomGuestMac)
  const target = parseTarget(firstElement(node, 'target'), childCtx(ctx, 'target'), inactive)
  if (target !== undefined) def.target = target
  const hostIp = type === 'hostdev' ? [] : parseHostIp(node)
  if (hostIp.length > 0) def.hostIp = hostIp
  const extras = collectExtras(node, { keep: keepExtra(type, def.model, inactive) })
  if (extras.length > 0) def.extras = extras
  return def as DomainInterfaceDef
}
