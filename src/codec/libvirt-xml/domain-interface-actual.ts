/**
 * `<actual>` of a domain interface of type network (libvirt's virDomainActualNetDefParseXML /
 * virDomainActualNetDefFormat and virDomainActualNetDefContentsFormat). Status XML keeps it as a subelement;
 * libvirt's public live XML instead shows its contents in place of the configured source ("publicActual").
 * @module
 */
import type { XmlElement } from '../xml/dom.js'
import { el } from '../xml/write.js'
import type { OutElement, OutNode } from '../xml/write.js'
import { assertNever } from '../../errors.js'
import { actualBandwidth, actualIsolatedPort, actualVirtualPort, actualVlan } from '../../model/domain-interface-actual.js'
import { ACTUAL_TYPES, DOMAIN_NET_TYPES } from '../../model/domain-interface.js'
import type { DomainInterfaceActual, DomainInterfaceDef, NetworkInterfaceData } from '../../model/domain-interface.js'
import { MAC_TABLE_MANAGERS } from '../../model/network/network-def.js'
import { formatHostdevPci, macvlanMode, parseHostdevPci } from './domain-interface-source.js'
import { formatBandwidth, parseBandwidth } from './netdev/bandwidth.js'
import { formatPortIsolated, parsePortIsolated } from './netdev/port-isolated.js'
import {
  childCtx,
  fail,
  firstElement,
  parseCUnsigned,
  prop,
  propEnum,
  propYesNo,
  xpathProp,
  yesNo,
} from './netdev/props.js'
import type { ParseContext } from './netdev/props.js'
import { formatVirtualPort, parseVirtualPort } from './netdev/virtualport.js'
import { formatVlan, parseVlan } from './netdev/vlan.js'

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

function parseBridgeActual(node: XmlElement, type: 'network' | 'bridge', ctx: ParseContext): DomainInterfaceActual {
  const out: Mutable<DomainInterfaceActual & { type: 'network' | 'bridge' }> = { type }
  const classText = xpathProp(firstElement(node, 'class'), 'id')
  if (classText !== undefined) {
    const id = parseCUnsigned(classText, 10, 0xffffffff)
    if (id === undefined) {
      fail(childCtx(ctx, 'class'), `Unable to parse class id '${classText}'`, { attr: 'id', value: classText })
    }
    if (id) out.classId = id
  }
  const source = firstElement(node, 'source')
  if (source !== undefined) {
    const sctx = childCtx(ctx, 'source')
    const bridge = prop(source, 'bridge')
    if (bridge === undefined && type === 'bridge') {
      fail(sctx, "Missing <source> element with bridge name in interface's <actual> element", { attr: 'bridge' })
    }
    if (bridge !== undefined) out.bridge = bridge
    const mgr = prop(source, 'macTableManager')
    if (mgr !== undefined) {
      if (!(MAC_TABLE_MANAGERS as readonly string[]).includes(mgr)) {
        fail(sctx, `Invalid macTableManager setting '${mgr}' in domain interface's <actual> element`, {
          attr: 'macTableManager',
          value: mgr,
        })
      }
      out.macTableManager = mgr as (typeof MAC_TABLE_MANAGERS)[number]
    }
  }
  return out
}

function parseActualData(
  node: XmlElement,
  type: DomainInterfaceActual['type'],
  ctx: ParseContext,
): Mutable<DomainInterfaceActual> {
  switch (type) {
    case 'network':
    case 'bridge':
      return parseBridgeActual(node, type, ctx)
    case 'direct': {
      const source = firstElement(node, 'source')
      const dev = prop(source, 'dev')
      const mode = (source && macvlanMode(source, childCtx(ctx, 'source'))) ?? 'vepa'
      return dev === undefined ? { type, mode } : { type, dev, mode }
    }
    case 'hostdev':
      return { type, ...parseHostdevPci(node, ctx) }
    default:
      return assertNever(type, 'actual type')
  }
}

/** Parse `<actual>`: what the network driver allocated for a type network interface (status XML). */
export function parseActual(node: XmlElement, ctx: ParseContext): DomainInterfaceActual {
  const type = propEnum(node, 'type', DOMAIN_NET_TYPES, ctx)
  if (type === undefined) fail(ctx, "Missing required attribute 'type' in element 'actual'", { attr: 'type' })
  if (!(ACTUAL_TYPES as readonly string[]).includes(type)) {
    fail(ctx, `unsupported type '${type}' in interface's <actual> element`, { attr: 'type', value: type })
  }
  const atype = type as DomainInterfaceActual['type']
  const out = parseActualData(node, atype, ctx)
  const trust = propYesNo(node, 'trustGuestRxFilters', ctx)
  if (trust !== undefined) out.trustGuestRxFilters = trust
  const vp = firstElement(node, 'virtualport')
  if (vp !== undefined) {
    // the <actual> profile was completed at allocation: nothing is generated here
    if (atype === 'network') {
      fail(
        childCtx(ctx, 'virtualport'),
        "<virtualport> element unsupported for type='network' in interface's <actual> element",
      )
    }
    out.virtualPort = parseVirtualPort(vp, { requireType: true, requireAll: true }, childCtx(ctx, 'virtualport'))
  }
  const bw = firstElement(node, 'bandwidth')
  const bandwidth = bw && parseBandwidth(bw, { allowFloor: atype === 'network' }, childCtx(ctx, 'bandwidth')).bandwidth
  if (bandwidth !== undefined) out.bandwidth = bandwidth
  const vlan = firstElement(node, 'vlan')
  if (vlan !== undefined) out.vlan = parseVlan(vlan, childCtx(ctx, 'vlan'))
  const isolated = parsePortIsolated(node, ctx)
  if (isolated !== undefined) out.isolatedPort = isolated
  return out
}

export interface ActualContentsOptions {
  /** Inside `<actual>` (status) rather than in place of the configured source (public live XML). */
  inSubelement: boolean
  /** VIR_DOMAIN_DEF_FORMAT_STATUS: print `<class id>`. */
  status: boolean
}

/** The source line of the actual connection (virDomainActualNetDefContentsFormat's `<source …/>`). */
function actualSource(def: NetworkInterfaceData, actual: DomainInterfaceActual, inSubelement: boolean): OutElement[] {
  if (actual.type === 'hostdev') return formatHostdevPci(actual)
  const attrs: Array<readonly [string, string | undefined]> = []
  // in place of the configured source, the network, portgroup and port id must be shown too
  if (!inSubelement) attrs.push(['network', def.network], ['portgroup', def.portGroup], ['portid', def.portId])
  switch (actual.type) {
    case 'network':
    case 'bridge':
      attrs.push(['bridge', actual.bridge], ['macTableManager', actual.macTableManager])
      break
    case 'direct':
      attrs.push(['dev', actual.dev], ['mode', actual.mode])
      break
    default:
      return assertNever(actual, 'actual')
  }
  return [el('source', attrs)]
}

/** The children shared by `<actual>` and the public live form, with libvirt's getters. */
export function formatActualContents(
  def: DomainInterfaceDef & NetworkInterfaceData,
  actual: DomainInterfaceActual,
  opts: ActualContentsOptions,
): OutNode[] {
  const out: Array<OutNode | undefined | false> = [...actualSource(def, actual, opts.inSubelement)]
  if (opts.status && actual.type !== 'hostdev' && actual.type !== 'direct' && actual.classId) {
    out.push(el('class', [['id', actual.classId]]))
  }
  out.push(formatVlan(actualVlan(def)), formatVirtualPort(actualVirtualPort(def)))
  out.push(formatBandwidth(actualBandwidth(def)), formatPortIsolated(actualIsolatedPort(def)))
  return out.filter((x): x is OutNode => !!x)
}

/** `<actual type [managed] [trustGuestRxFilters]>…</actual>` (status XML). */
export function formatActual(
  def: DomainInterfaceDef & NetworkInterfaceData,
  actual: DomainInterfaceActual,
): OutElement {
  const attrs: Array<readonly [string, string | undefined]> = [
    ['type', actual.type],
    ['managed', actual.type === 'hostdev' && actual.managed ? 'yes' : undefined],
    // libvirt writes the interface's own value here, not the one parsed from <actual>
    ['trustGuestRxFilters', yesNo(def.trustGuestRxFilters)],
  ]
  return el('actual', attrs, formatActualContents(def, actual, { inSubelement: true, status: true }))
}
