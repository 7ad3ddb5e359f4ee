/**
 * The type-specific data of a domain `<interface>` — mostly its `<source>` — parsed as libvirt's
 * virDomainNetDefParseXML type switch does, and formatted as virDomainNetDefFormat does (the non-"public
 * actual" branch). The PCI hostdev part (`managed`, `<driver name>`, `<source><address type='pci'/>`) is shared
 * with `<actual type='hostdev'>`.
 * @module
 */
import type { XmlElement } from '../xml/dom.js'
import { el } from '../xml/write.js'
import type { OutElement, OutNode } from '../xml/write.js'
import { assertNever } from '../../errors.js'
import { tryParseUuid } from '../../model/values/uuid.js'
import type { Uuid } from '../../model/values/uuid.js'
import { HOSTDEV_PCI_BACKENDS } from '../../model/domain-interface.js'
import type {
  DomainInterfaceData,
  DomainInterfaceDef,
  DomainNetType,
  HostdevInterfaceData,
  HostdevPciBackend,
  SocketInterfaceData,
} from '../../model/domain-interface.js'
import { MACVLAN_MODES } from '../../model/networkport.js'
import type { MacvlanMode } from '../../model/networkport.js'
import { opaqueElement } from './domain-interface-extras.js'
import { formatPciAddress, parsePciAddress } from './netdev/pci-address.js'
import { childCtx, elements, fail, firstElement, prop, propEnum, propYesNo, xpathProp } from './netdev/props.js'
import type { ParseContext } from './netdev/props.js'

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/** libvirt's virXMLPropStringRequired. */
export function requiredAttr(node: XmlElement, name: string, ctx: ParseContext): string {
  const v = prop(node, name)
  if (v === undefined) fail(ctx, `Missing required attribute '${name}' in element '${node.name}'`, { attr: name })
  return v
}

/** A signed decimal integer attribute (libvirt's virXMLPropInt / virXMLPropLongLong, base 10). */
function requiredInt(node: XmlElement, name: string, ctx: ParseContext, max: bigint): bigint {
  const v = requiredAttr(node, name, ctx)
  const m = /^\s*([+-]?[0-9]+)$/.exec(v)
  const n = m === null ? undefined : BigInt(m[1]!)
  if (n === undefined || n > max || n < -max - 1n) {
    fail(ctx, `Invalid value for attribute '${name}' in element '${node.name}': '${v}'. Expected integer value`, {
      attr: name,
      value: v,
    })
  }
  return n
}

const INT_MAX = 0x7fffffffn
const LLONG_MAX = 0x7fffffffffffffffn

export function macvlanMode(node: XmlElement, ctx: ParseContext): MacvlanMode | undefined {
  return propEnum(node, 'mode', MACVLAN_MODES, ctx)
}

/**
 * A PCI hostdev (virDomainHostdevDefParseXMLSubsys for type pci): `managed` on `node`, `<driver name>` and
 * `<source><address type='pci' …/></source>` among its children.
 */
export function parseHostdevPci(node: XmlElement, ctx: ParseContext): Omit<HostdevInterfaceData, 'type'> {
  const source = firstElement(node, 'source')
  const addrNode = source && firstElement(source, 'address')
  const addrType = xpathProp(addrNode, 'type')
  if (addrType === undefined && source !== undefined && firstElement(source, 'vendor') !== undefined) {
    fail(childCtx(ctx, 'source'), `unsupported host device type 'usb' for a network interface (PCI only)`)
  }
  if (addrType === undefined) {
    fail(childCtx(ctx, 'source'), 'missing host device source address type (expected <address type=\'pci\' …/>)')
  }
  if (addrType !== 'pci') {
    fail(
      childCtx(ctx, 'source'),
      `unsupported host device source address type '${addrType}' for a network interface (PCI only)`,
      { value: addrType },
    )
  }
  const out: Mutable<Omit<HostdevInterfaceData, 'type'>> = { address: { domain: 0, bus: 0, slot: 0, function: 0 } }
  const managed = propYesNo(node, 'managed', ctx)
  if (managed) out.managed = true
  const driverNode = firstElement(node, 'driver')
  const names = ['default', ...HOSTDEV_PCI_BACKENDS] as const
  const driver = driverNode && propEnum(driverNode, 'name', names, childCtx(ctx, 'driver'))
  if (driver !== undefined && driver !== 'default') out.driver = driver
  if (addrNode !== undefined) out.address = parsePciAddress(addrNode, childCtx(childCtx(ctx, 'source'), 'address'))
  return out
}

/** `[<driver name/>] <source><address type='pci' …/></source>` (virDomainHostdevDefFormatSubsysPCI). */
export function formatHostdevPci(
  h: { driver?: HostdevPciBackend | undefined; address: HostdevInterfaceData['address'] },
): OutElement[] {
  const out: OutElement[] = []
  if (h.driver !== undefined) out.push(el('driver', [['name', h.driver]]))
  out.push(el('source', [], [formatPciAddress(h.address, { withType: true })]))
  return out
}

function parseSocket(type: SocketInterfaceData['type'], src: XmlElement, ctx: ParseContext): SocketInterfaceData {
  const out: Mutable<SocketInterfaceData> = { type, port: Number(requiredInt(src, 'port', ctx, INT_MAX)) }
  const address = type === 'server' ? prop(src, 'address') : requiredAttr(src, 'address', ctx)
  if (address !== undefined) out.address = address
  if (type === 'udp') {
    const local = firstElement(src, 'local')
    const lctx = childCtx(ctx, 'local')
    if (local === undefined) fail(ctx, "'<local>' element missing for 'udp' socket interface")
    const localPort = Number(requiredInt(local, 'port', lctx, INT_MAX))
    out.local = { address: requiredAttr(local, 'address', lctx), port: localPort }
  }
  return out
}

function parseVhostuser(src: XmlElement, ctx: ParseContext): DomainInterfaceData {
  const kind = requiredAttr(src, 'type', ctx)
  if (kind !== 'unix') {
    fail(ctx, `Type='${kind}' unsupported for <interface type='vhostuser'>`, { attr: 'type', value: kind })
  }
  const path = requiredAttr(src, 'path', ctx)
  const mode = propEnum(src, 'mode', ['server', 'client'] as const, ctx)
  if (mode === undefined) fail(ctx, "Missing required attribute 'mode' in element 'source'", { attr: 'mode' })
  const reconnect = firstElement(src, 'reconnect')
  return reconnect === undefined ? { type: 'vhostuser', path, mode } : { type: 'vhostuser', path, mode, reconnect }
}

function parseVds(src: XmlElement, ctx: ParseContext): DomainInterfaceData {
  const sw = requiredAttr(src, 'switchid', ctx)
  const switchId: Uuid | undefined = tryParseUuid(sw)
  if (switchId === undefined) {
    fail(ctx, `Invalid value for attribute 'switchid' in element 'source': '${sw}'`, { attr: 'switchid', value: sw })
  }
  return {
    type: 'vds',
    switchId,
    portId: String(requiredInt(src, 'portid', ctx, LLONG_MAX)),
    portGroupId: requiredAttr(src, 'portgroupid', ctx),
    connectionId: String(requiredInt(src, 'connectionid', ctx, LLONG_MAX)),
  }
}

export interface SourceParseOptions {
  /** VIR_DOMAIN_DEF_PARSE_INACTIVE: `portid` is not read. */
  inactive: boolean
  /** Whether a `<backend type='passt'>` is present (the only case in which a user interface keeps `source dev`). */
  passt: boolean
}

function parseNetwork(src: XmlElement, ctx: ParseContext, opts: SourceParseOptions): DomainInterfaceData {
  const network = requiredAttr(src, 'network', ctx)
  const out: Mutable<DomainInterfaceData & { type: 'network' }> = { type: 'network', network }
  const portGroup = prop(src, 'portgroup')
  if (portGroup !== undefined) out.portGroup = portGroup
  const portId = opts.inactive ? undefined : prop(src, 'portid')
  if (portId !== undefined) {
    const u = tryParseUuid(portId)
    if (u === undefined) {
      fail(ctx, `Invalid value for attribute 'portid' in element 'source': '${portId}'`, {
        attr: 'portid',
        value: portId,
      })
    }
    out.portId = u
  }
  return out
}

/** The type switch of virDomainNetDefParseXML (without `<actual>`, parsed by the caller). */
export function parseInterfaceData(
  iface: XmlElement,
  type: DomainNetType,
  ctx: ParseContext,
  opts: SourceParseOptions,
): DomainInterfaceData {
  const source = firstElement(iface, 'source')
  const sctx = childCtx(ctx, 'source')
  const src = (): XmlElement => {
    if (source === undefined) fail(ctx, `interface type='${type}' requires a 'source' element`)
    return source
  }
  switch (type) {
    case 'network':
      return parseNetwork(src(), sctx, opts)
    case 'bridge':
      return { type, bridge: requiredAttr(src(), 'bridge', sctx) }
    case 'direct':
      return { type, dev: requiredAttr(src(), 'dev', sctx), mode: macvlanMode(src(), sctx) ?? 'vepa' }
    case 'hostdev':
      return { type, ...parseHostdevPci(iface, ctx) }
    case 'vhostuser':
      return parseVhostuser(src(), sctx)
    case 'server':
    case 'client':
    case 'mcast':
    case 'udp':
      return parseSocket(type, src(), sctx)
    case 'internal':
      return { type, name: requiredAttr(src(), 'name', sctx) }
    case 'vdpa':
      return { type, dev: requiredAttr(src(), 'dev', sctx) }
    case 'vds':
      return parseVds(src(), sctx)
    case 'user': {
      const dev = opts.passt ? prop(source, 'dev') : undefined
      return dev === undefined ? { type } : { type, dev }
    }
    case 'ethernet':
    case 'null':
      return { type }
    default:
      return assertNever(type, 'interface type')
  }
}

/** `<ip>` then `<route>` children of `<source>` (virDomainNetIPInfoParseXML on the source node). */
export function parseHostIp(iface: XmlElement): XmlElement[] {
  const source = firstElement(iface, 'source')
  return source === undefined ? [] : [...elements(source, 'ip'), ...elements(source, 'route')]
}

function sourceAttrs(
  def: DomainInterfaceDef,
  inactive: boolean,
): Array<readonly [string, string | number | undefined]> {
  switch (def.type) {
    case 'network':
      return [['network', def.network], ['portgroup', def.portGroup], ['portid', inactive ? undefined : def.portId]]
    case 'bridge':
      return [['bridge', def.bridge]]
    case 'direct':
      return [['dev', def.dev], ['mode', def.mode]]
    case 'vhostuser':
      return [['type', 'unix'], ['path', def.path], ['mode', def.mode]]
    case 'server':
    case 'client':
    case 'mcast':
    case 'udp':
      return [['address', def.address], ['port', def.port]]
    case 'internal':
      return [['name', def.name]]
    case 'vdpa':
      return [['dev', def.dev]]
    case 'vds':
      return [
        ['switchid', def.switchId],
        ['portid', def.portId],
        ['portgroupid', def.portGroupId],
        ['connectionid', def.connectionId],
      ]
    case 'user':
      return [['dev', def.dev]]
    case 'hostdev':
    case 'ethernet':
    case 'null':
      return []
    default:
      return assertNever(def, 'interface')
  }
}

/** The configured source as libvirt writes it (hostdev: driver and PCI source; others: one `<source>`). */
export function formatInterfaceSource(def: DomainInterfaceDef, inactive: boolean): OutElement[] {
  if (def.type === 'hostdev') return formatHostdevPci(def)
  const attrs = sourceAttrs(def, inactive).filter(([, v]) => v !== undefined)
  const kids: OutNode[] = []
  if (def.type === 'vhostuser' && def.reconnect !== undefined) kids.push(opaqueElement(def.reconnect))
  if (def.type === 'udp' && def.local !== undefined) {
    kids.push(el('local', [['address', def.local.address], ['port', def.local.port]]))
  }
  for (const h of def.hostIp ?? []) kids.push(opaqueElement(h))
  if (attrs.length === 0 && kids.length === 0) return []
  return [el('source', attrs, kids)]
}
