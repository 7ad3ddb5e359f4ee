/**
 * `<networkport>` XML codec (libvirt's virNetworkPortDefParseXML / virNetworkPortDefFormatBuf, v9.9.0).
 * `parseNetworkPortXml` follows libvirt rule by rule (virtualport parsed without type or completeness
 * requirements, bandwidth with `floor` and `classID` allowed), and additionally rejects a multicast MAC (the
 * schema's uniMacAddr). `formatNetworkPortXml` is byte-identical to libvirt: uuid, owner, group, mac,
 * virtualport, bandwidth, vlan, port, rxfilters, plug. Errors are ValidationErrors (kind invalid-argument)
 * naming the element or attribute and the port, with an XPath-like `path`.
 * @module
 */
import type { XmlElement } from '../xml/dom.js'
import { parseXml } from '../xml/parse.js'
import { el, textEl, writeXml } from '../xml/write.js'
import type { OutElement } from '../xml/write.js'
import { assertNever } from '../../errors.js'
import { isMulticastMac, tryParseMac } from '../../model/values/mac.js'
import type { MacAddr } from '../../model/values/mac.js'
import { tryParseUuid } from '../../model/values/uuid.js'
import type { Uuid } from '../../model/values/uuid.js'
import { FORWARD_DRIVER_NAMES } from '../../model/network/forward.js'
import { MAC_TABLE_MANAGERS } from '../../model/network/network-def.js'
import { MACVLAN_MODES, networkPortObject, PLUG_TYPES } from '../../model/networkport.js'
import type { NetworkPortDef, NetworkPortPlug } from '../../model/networkport.js'
import { formatBandwidth, parseBandwidth } from './netdev/bandwidth.js'
import { formatPciAddress, parsePciAddress } from './netdev/pci-address.js'
import { formatPortIsolated, parsePortIsolated } from './netdev/port-isolated.js'
import { childCtx, fail, firstElement, prop, propEnum, propYesNo, xpathProp, xpathText, yesNo } from './netdev/props.js'
import type { ParseContext } from './netdev/props.js'
import { formatVirtualPort, parseVirtualPort } from './netdev/virtualport.js'
import { formatVlan, parseVlan } from './netdev/vlan.js'

export type { NetworkPortDef }

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

function uuidText(text: string | undefined, ctx: ParseContext, missing: string): Uuid {
  if (text === undefined) fail(ctx, missing)
  const u = tryParseUuid(text)
  if (u === undefined) fail(ctx, `Unable to parse UUID '${text}'`, { value: text })
  return u
}

/** A unicast MAC from `<mac address>`. */
export function parsePortMac(node: XmlElement | undefined, ctx: ParseContext, missing: string): MacAddr {
  const text = xpathProp(node, 'address')
  if (text === undefined) fail(ctx, missing, { attr: 'address' })
  const mac = tryParseMac(text)
  if (mac === undefined) fail(ctx, `unable to parse MAC address '${text}'`, { attr: 'address', value: text })
  if (isMulticastMac(mac)) {
    fail(ctx, `expected unicast mac address, found multicast '${text}'`, { attr: 'address', value: text })
  }
  return mac
}

function requiredProp(node: XmlElement, name: string, ctx: ParseContext, message: string): string {
  const v = prop(node, name)
  if (v === undefined) fail(ctx, message, { attr: name })
  return v
}

function parsePlug(node: XmlElement, ctx: ParseContext): NetworkPortPlug | undefined {
  const type = propEnum(node, 'type', ['none', ...PLUG_TYPES] as const, ctx)
  switch (type) {
    case undefined:
    case 'none':
      return undefined
    case 'network':
    case 'bridge': {
      const bridge = requiredProp(node, 'bridge', ctx, 'Missing network port bridge name')
      const mgr = prop(node, 'macTableManager')
      if (mgr === undefined) return { type, bridge }
      if (!(MAC_TABLE_MANAGERS as readonly string[]).includes(mgr)) {
        fail(ctx, `Invalid macTableManager setting '${mgr}' in network port`, { attr: 'macTableManager', value: mgr })
      }
      return { type, bridge, macTableManager: mgr as (typeof MAC_TABLE_MANAGERS)[number] }
    }
    case 'direct': {
      const dev = requiredProp(node, 'dev', ctx, 'Missing network port link device name')
      const mode = prop(node, 'mode')
      if (mode !== undefined && !(MACVLAN_MODES as readonly string[]).includes(mode)) {
        fail(ctx, `Invalid mode setting '${mode}' in network port`, { attr: 'mode', value: mode })
      }
      return { type, dev, mode: (mode ?? 'vepa') as (typeof MACVLAN_MODES)[number] }
    }
    case 'hostdev-pci':
      return parseHostdevPlug(node, ctx)
    default:
      return assertNever(type, 'plug type')
  }
}

function parseHostdevPlug(node: XmlElement, ctx: ParseContext): NetworkPortPlug {
  const address = { domain: 0, bus: 0, slot: 0, function: 0 }
  const plug: Mutable<NetworkPortPlug & { type: 'hostdev-pci' }> = { type: 'hostdev-pci', address }
  const managed = propYesNo(node, 'managed', ctx)
  if (managed !== undefined) plug.managed = managed
  const driverNode = firstElement(node, 'driver')
  const driver = xpathProp(driverNode, 'name')
  if (driver !== undefined) {
    if (!(FORWARD_DRIVER_NAMES as readonly string[]).includes(driver)) {
      fail(childCtx(ctx, 'driver'), `Invalid network port driver name '${driver}'`, { attr: 'name', value: driver })
    }
    plug.driver = driver as (typeof FORWARD_DRIVER_NAMES)[number]
  }
  const addr = firstElement(node, 'address')
  if (addr === undefined) fail(ctx, 'Missing network port PCI address')
  plug.address = parsePciAddress(addr, childCtx(ctx, 'address'))
  return plug
}

function parseQos(root: XmlElement, def: Mutable<NetworkPortDef>, ctx: ParseContext): void {
  const vp = firstElement(root, 'virtualport')
  if (vp !== undefined) def.virtualPort = parseVirtualPort(vp, {}, childCtx(ctx, 'virtualport'))
  const bw = firstElement(root, 'bandwidth')
  if (bw !== undefined) {
    // the port may carry a floor and the class id; whether the floor fits is checked at allocation
    const opts = { allowFloor: true, allowClassId: true }
    const { bandwidth, classId } = parseBandwidth(bw, opts, childCtx(ctx, 'bandwidth'))
    if (bandwidth !== undefined) {
      def.bandwidth = bandwidth
      if (classId) def.classId = classId
    }
  }
  const vlan = firstElement(root, 'vlan')
  if (vlan !== undefined) def.vlan = parseVlan(vlan, childCtx(ctx, 'vlan'))
  const isolated = parsePortIsolated(root, ctx)
  if (isolated !== undefined) def.isolatedPort = isolated
  const trust = propYesNo(firstElement(root, 'rxfilters'), 'trustGuest', childCtx(ctx, 'rxfilters'))
  if (trust !== undefined) def.trustGuestRxFilters = trust
}

/** Parse an already parsed `<networkport>` root element. */
export function parseNetworkPortElement(root: XmlElement): NetworkPortDef {
  if (root.name !== 'networkport') {
    fail({ path: `/${root.name}` }, `unknown root element <${root.name}> for network port`)
  }
  const rootCtx: ParseContext = { path: '/networkport' }
  const uuid = uuidText(xpathText(root, 'uuid'), childCtx(rootCtx, 'uuid'), 'network port has no uuid')
  const ctx: ParseContext = { path: '/networkport', object: networkPortObject(uuid) }
  const owner = firstElement(root, 'owner')
  const ownerCtx = childCtx(ctx, 'owner')
  const ownerName = owner && xpathText(owner, 'name')
  if (ownerName === undefined) fail(ownerCtx, 'network port has no owner name')
  const ownerUuidText = owner && xpathText(owner, 'uuid')
  const ownerUuid = uuidText(ownerUuidText, childCtx(ownerCtx, 'uuid'), 'network port has no owner UUID')
  const mac = parsePortMac(firstElement(root, 'mac'), childCtx(ctx, 'mac'), 'network port has no mac')
  const def: Mutable<NetworkPortDef> = { uuid, owner: { name: ownerName, uuid: ownerUuid }, mac }
  const group = xpathText(root, 'group')
  if (group !== undefined) def.group = group
  parseQos(root, def, ctx)
  const plugNode = firstElement(root, 'plug')
  const plug = plugNode && parsePlug(plugNode, childCtx(ctx, 'plug'))
  if (plug !== undefined) def.plug = plug
  return def
}

/** Parse a `<networkport>` document. Throws ValidationError (kind invalid-argument) on any problem. */
export function parseNetworkPortXml(xml: string): NetworkPortDef {
  return parseNetworkPortElement(parseXml(xml))
}

function formatPlug(plug: NetworkPortPlug | undefined): OutElement | undefined {
  if (plug === undefined) return undefined
  switch (plug.type) {
    case 'network':
    case 'bridge':
      return el('plug', [['type', plug.type], ['bridge', plug.bridge], ['macTableManager', plug.macTableManager]])
    case 'direct':
      return el('plug', [['type', plug.type], ['dev', plug.dev], ['mode', plug.mode]])
    case 'hostdev-pci':
      return el('plug', [['type', plug.type], ['managed', yesNo(plug.managed)]], [
        plug.driver !== undefined && el('driver', [['name', plug.driver]]),
        formatPciAddress(plug.address),
      ])
    default:
      return assertNever(plug, 'plug')
  }
}

/** The `<networkport>` element (for embedding); `formatNetworkPortXml` writes it as text. */
export function networkPortElement(def: NetworkPortDef): OutElement {
  return el('networkport', [], [
    textEl('uuid', def.uuid),
    el('owner', [], [textEl('name', def.owner.name), textEl('uuid', def.owner.uuid)]),
    textEl('group', def.group),
    el('mac', [['address', def.mac]]),
    formatVirtualPort(def.virtualPort),
    formatBandwidth(def.bandwidth, { classId: def.classId }),
    formatVlan(def.vlan),
    formatPortIsolated(def.isolatedPort),
    def.trustGuestRxFilters !== undefined && el('rxfilters', [['trustGuest', yesNo(def.trustGuestRxFilters)]]),
    formatPlug(def.plug),
  ])
}

/** Format a network port as libvirt does. */
export function formatNetworkPortXml(def: NetworkPortDef): string {
  return writeXml(networkPortElement(def))
}
