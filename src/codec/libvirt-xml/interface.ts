/**
 * Host-interface XML codec (libvirt's virInterface "netcf" format, `interface.rng`): `parseInterfaceXml` follows
 * libvirt's virInterfaceDefParseXML rule by rule and adds the checks libvirt leaves to the schema or the backend
 * (addresses of the right family, prefix ranges, kernel interface names, VLAN ids, a bond needs slaves);
 * `formatInterfaceXml` is byte-identical to virInterfaceDefFormat for what it models. Errors are
 * ValidationErrors (kind invalid-argument) naming the element or attribute and the interface, with an
 * XPath-like `path` (`/interface/bridge/interface[2]/@name`).
 *
 * Canonical forms where libvirt copies text verbatim: MAC addresses lower-case, IP addresses in their
 * inet_ntop form, the bridge delay as a plain decimal.
 * @module
 */
import type { XmlElement } from '../xml/dom.js'
import { parseXml } from '../xml/parse.js'
import { el, writeXml } from '../xml/write.js'
import type { OutElement, OutNode } from '../xml/write.js'
import { assertNever } from '../../errors.js'
import { tryParseMac } from '../../model/values/mac.js'
import { IFACE_XML_MTU_MAX, IFACE_XML_TYPES, ifaceObject, LINK_STATES } from '../../model/iface-xml/interface-def.js'
import type {
  AnyInterface,
  BridgeMember,
  EthernetInterface,
  IfaceXmlType,
  InterfaceDef,
  InterfaceLink,
  TopLevelSettings,
} from '../../model/iface-xml/interface-def.js'
import {
  checkIfName,
  formatBondSettings,
  formatBridgeSettings,
  formatVlanSettings,
  parseBondSettings,
  parseBridgeSettings,
  parseVlanSettings,
} from './interface-members.js'
import { formatInterfaceProtocol, parseInterfaceProtocols } from './interface-protocol.js'
import {
  childCtx,
  fail,
  firstElement,
  parseCUnsigned,
  prop,
  propEnum,
  propUnsigned,
  xpathProp,
} from './netdev/props.js'
import type { ParseContext } from './netdev/props.js'

export type { InterfaceDef }

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/** Where an `<interface>` element sits: the document root, or a member of a bridge or a bond. */
type Position = 'top' | 'bridge' | 'bond'

/** libvirt's rule: bond members are ethernet; bridge members ethernet, bond or vlan; nothing else nests. */
function allowedAt(position: Position, type: IfaceXmlType): boolean {
  switch (position) {
    case 'top':
      return true
    case 'bond':
      return type === 'ethernet'
    case 'bridge':
      return type !== 'bridge'
    default:
      return assertNever(position, 'interface position')
  }
}

function parseLink(node: XmlElement | undefined, ctx: ParseContext): InterfaceLink | undefined {
  if (node === undefined) return undefined
  const link: Mutable<InterfaceLink> = {}
  const state = propEnum(node, 'state', LINK_STATES, ctx)
  if (state !== undefined) link.state = state
  const speed = propUnsigned(node, 'speed', ctx)
  if (speed) link.speedMbps = speed
  return link.state === undefined && link.speedMbps === undefined ? undefined : link
}

function parseMtu(node: XmlElement, ctx: ParseContext): number | undefined {
  const text = xpathProp(firstElement(node, 'mtu'), 'size')
  if (text === undefined) return undefined
  const mtu = parseCUnsigned(text, 10, Number.MAX_SAFE_INTEGER)
  if (mtu === undefined || mtu > IFACE_XML_MTU_MAX) {
    fail(childCtx(ctx, 'mtu'), `interface mtu value is improper: '${text}'`, { attr: 'size', value: text })
  }
  return mtu || undefined
}

function parseTopLevel(node: XmlElement, ctx: ParseContext): TopLevelSettings {
  const out: Mutable<TopLevelSettings> = { protocols: parseInterfaceProtocols(node, ctx) }
  const mode = xpathProp(firstElement(node, 'start'), 'mode')
  if (mode !== undefined) {
    if (mode !== 'onboot' && mode !== 'none' && mode !== 'hotplug') {
      fail(childCtx(ctx, 'start'), `unknown interface startmode '${mode}'`, { attr: 'mode', value: mode })
    }
    out.startMode = mode
  }
  const mtu = parseMtu(node, ctx)
  if (mtu !== undefined) out.mtu = mtu
  return out
}

function parseEthernet(
  node: XmlElement,
  base: { name: EthernetInterface['name']; link?: InterfaceLink },
  ctx: ParseContext,
): EthernetInterface {
  const out: Mutable<EthernetInterface> = { type: 'ethernet', ...base }
  const macText = xpathProp(firstElement(node, 'mac'), 'address')
  if (macText !== undefined) {
    // multicast addresses are accepted: libvirt's own test data uses one (ab:bb:cc:dd:ee:ff)
    const mac = tryParseMac(macText)
    if (mac === undefined) {
      fail(childCtx(ctx, 'mac'), `unable to parse MAC address '${macText}'`, { attr: 'address', value: macText })
    }
    out.mac = mac
  }
  return out
}

function parseTypeData(
  node: XmlElement,
  type: IfaceXmlType,
  name: EthernetInterface['name'],
  ctx: ParseContext,
): AnyInterface {
  // link status makes no sense for a bridge: libvirt neither reads nor writes it there
  const link = type === 'bridge' ? undefined : parseLink(firstElement(node, 'link'), childCtx(ctx, 'link'))
  const base = link === undefined ? { name } : { name, link }
  const sub = (what: string): XmlElement => {
    const n = firstElement(node, what)
    if (n === undefined) fail(ctx, `${type} interface misses the ${what} element`)
    return n
  }
  switch (type) {
    case 'ethernet':
      return parseEthernet(node, base, ctx)
    case 'bridge':
      return {
        type,
        name,
        bridge: parseBridgeSettings(sub('bridge'), (m, c) => parseMember(m, 'bridge', c), childCtx(ctx, 'bridge')),
      }
    case 'bond': {
      // parseMember only accepts ethernet interfaces inside a bond
      const slave = (m: XmlElement, c: ParseContext): EthernetInterface =>
        parseMember(m, 'bond', c) as EthernetInterface
      return { type, ...base, bond: parseBondSettings(sub('bond'), slave, childCtx(ctx, 'bond')) }
    }
    case 'vlan':
      return { type, ...base, vlan: parseVlanSettings(sub('vlan'), childCtx(ctx, 'vlan')) }
    default:
      return assertNever(type, 'interface type')
  }
}

/** Type and name of an `<interface>` element, checked for its position. */
function parseIdentity(
  node: XmlElement,
  position: Position,
  path: string,
): { type: IfaceXmlType; name: EthernetInterface['name']; ctx: ParseContext } {
  const rawName = prop(node, 'name')
  const ctx: ParseContext = { path, object: rawName === undefined ? undefined : ifaceObject(rawName) }
  const type = propEnum(node, 'type', IFACE_XML_TYPES, ctx)
  if (type === undefined) fail(ctx, "Missing required attribute 'type' in element 'interface'", { attr: 'type' })
  if (!allowedAt(position, type)) {
    fail(ctx, `interface has unsupported type '${type}' inside a ${position}`, { attr: 'type', value: type })
  }
  if (rawName === undefined) fail(ctx, 'interface has no name', { attr: 'name' })
  return { type, name: checkIfName(rawName, 'interface name', ctx, 'name'), ctx }
}

function parseMember(node: XmlElement, position: 'bridge' | 'bond', ctx: ParseContext): BridgeMember {
  const id = parseIdentity(node, position, ctx.path)
  return parseTypeData(node, id.type, id.name, id.ctx) as BridgeMember
}

/** Parse an already parsed `<interface>` root element. */
export function parseInterfaceElement(root: XmlElement): InterfaceDef {
  if (root.name !== 'interface') {
    fail({ path: `/${root.name}` }, `unexpected root element <${root.name}>, expecting <interface>`)
  }
  const { type, name, ctx } = parseIdentity(root, 'top', '/interface')
  const top = parseTopLevel(root, ctx)
  return { ...parseTypeData(root, type, name, ctx), ...top }
}

/** Parse a host-interface document. Throws ValidationError (kind invalid-argument) on any problem. */
export function parseInterfaceXml(xml: string): InterfaceDef {
  return parseInterfaceElement(parseXml(xml))
}

// ---- format ----

function formatLink(link: InterfaceLink | undefined): OutElement | undefined {
  if (link === undefined || (!link.speedMbps && link.state === undefined)) return undefined
  return el('link', [['speed', link.speedMbps || undefined], ['state', link.state]])
}

function present(nodes: ReadonlyArray<OutElement | undefined | false>): OutElement[] {
  return nodes.filter((x): x is OutElement => !!x)
}

function formatTypeData(def: AnyInterface): OutNode[] {
  switch (def.type) {
    case 'ethernet':
      return present([formatLink(def.link), def.mac !== undefined && el('mac', [['address', def.mac]])])
    case 'bridge':
      return [formatBridgeSettings(def.bridge, def.bridge.members.map((m) => formatIface(m, undefined)))]
    case 'bond': {
      const slaves = def.bond.slaves.map((s) => formatIface(s, undefined))
      return present([formatLink(def.link), formatBondSettings(def.bond, slaves)])
    }
    case 'vlan':
      return present([formatLink(def.link), formatVlanSettings(def.vlan)])
    default:
      return assertNever(def, 'interface')
  }
}

function formatIface(def: AnyInterface, top: TopLevelSettings | undefined): OutElement {
  const head: Array<OutNode | undefined | false> = []
  if (top !== undefined) {
    // start mode, MTU and addressing exist only on the top interface; members inherit them
    head.push(top.startMode !== undefined && el('start', [['mode', top.startMode]]))
    head.push(!!top.mtu && el('mtu', [['size', top.mtu]]))
    head.push(...top.protocols.map(formatInterfaceProtocol))
  }
  const attrs = [['type', def.type] as const, ['name', def.name] as const]
  return el('interface', attrs, [...head, ...formatTypeData(def)], { neverSelfClose: true })
}

/** The `<interface>` element of a document (for embedding); `formatInterfaceXml` writes it as text. */
export function interfaceElement(def: InterfaceDef): OutElement {
  return formatIface(def, def)
}

/** Format a host-interface document as libvirt does. */
export function formatInterfaceXml(def: InterfaceDef): string {
  return writeXml(interfaceElement(def))
}
