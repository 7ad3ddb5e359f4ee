/**
 * DomainInterfaceDef → `<interface>`, byte-identical to libvirt's virDomainNetDefFormat (v9.9.0) for what the
 * model holds. Element order: mac, source (hostdev: driver, source), vlan, virtualport, bandwidth, port,
 * actual (status), ip*, route*, portForward*, script, downscript, backenddomain, target, guest, model, driver,
 * backend, filterref, tune, teaming, link, mtu, coalesce, boot, alias, rom, acpi, address, privateData (status).
 *
 * Three forms, as libvirt's format flags:
 * - status (default; VIR_DOMAIN_DEF_FORMAT_STATUS | ACTUAL_NET): the configuration plus an `<actual>`
 *   subelement, `portid`, `<class id>` and private data — what libvirt keeps in its status files;
 * - inactive (VIR_DOMAIN_DEF_FORMAT_INACTIVE): the configuration only, without `portid` and generated target
 *   names;
 * - live (flags 0, `virsh dumpxml`): for a type network interface with an `<actual>`, the actual connection
 *   replaces the configured type and source ("publicActual").
 * @module
 */
import { el } from '../xml/write.js'
import type { OutAttr, OutElement, OutNode } from '../xml/write.js'
import { isGeneratedTargetName, isVirtioModel } from '../../model/domain-interface.js'
import type { DomainInterfaceActual, DomainInterfaceDef, InterfaceTarget, NetworkInterfaceData } from '../../model/domain-interface.js'
import { formatActual, formatActualContents } from './domain-interface-actual.js'
import {
  EXTRAS_AFTER_ACTUAL,
  EXTRAS_AFTER_MODEL,
  EXTRAS_AFTER_MTU,
  EXTRAS_AFTER_TARGET,
  extrasOf,
  isUserAlias,
} from './domain-interface-extras.js'
import { formatInterfaceSource } from './domain-interface-source.js'
import { formatBandwidth } from './netdev/bandwidth.js'
import { formatPortIsolated } from './netdev/port-isolated.js'
import { yesNo } from './netdev/props.js'
import { formatVirtualPort } from './netdev/virtualport.js'
import { formatVlan } from './netdev/vlan.js'

export interface DomainInterfaceFormatOptions {
  /** VIR_DOMAIN_DEF_FORMAT_INACTIVE: configuration only (wins over `live`). */
  inactive?: boolean
  /** libvirt's public live XML: the `<actual>` connection in place of the configured source. */
  live?: boolean
  /** Indentation of the `<interface>` element in 2-space steps (2 inside `<domain><devices>`). */
  indentLevel?: number
}

type Form = 'status' | 'inactive' | 'live'

function formOf(opts: DomainInterfaceFormatOptions): Form {
  return opts.inactive ? 'inactive' : opts.live ? 'live' : 'status'
}

function formatMac(def: DomainInterfaceDef): OutElement {
  return el('mac', [['address', def.mac], ['type', def.macType], ['check', yesNo(def.macCheck)]])
}

function formatTarget(target: InterfaceTarget | undefined, form: Form): OutElement | undefined {
  if (target === undefined) return undefined
  let dev = target.dev
  // generated names are skipped in inactive XML, unless the tap is unmanaged (then the name is the user's)
  if (dev !== undefined && form === 'inactive' && target.managed !== false && isGeneratedTargetName(dev)) {
    dev = undefined
  }
  const attrs: OutAttr[] = [['dev', dev], ['managed', yesNo(target.managed)]]
  return attrs.some(([, v]) => v !== undefined) ? el('target', attrs) : undefined
}

/** The configured source and netdev settings (plus `<actual>` in status form). */
function formatConfigured(def: DomainInterfaceDef, form: Form): OutNode[] {
  const out: Array<OutNode | undefined> = [...formatInterfaceSource(def, form === 'inactive')]
  out.push(formatVlan(def.vlan), formatVirtualPort(def.virtualPort), formatBandwidth(def.bandwidth))
  out.push(formatPortIsolated(def.isolatedPort))
  if (def.type === 'network' && def.actual !== undefined && form === 'status') out.push(formatActual(def, def.actual))
  return out.filter((x): x is OutNode => x !== undefined)
}

function formatDevice(def: DomainInterfaceDef, form: Form): OutNode[] {
  const extras = def.extras
  const virtioDriver = def.type !== 'hostdev' && isVirtioModel(def.model)
  const afterModel = EXTRAS_AFTER_MODEL.filter((n) => n !== 'driver' || virtioDriver)
  const afterMtu = EXTRAS_AFTER_MTU.filter((n) => n !== 'privateData' || form === 'status')
  const out: Array<OutNode | undefined | false> = [
    ...extrasOf(extras, EXTRAS_AFTER_ACTUAL),
    formatTarget(def.target, form),
    ...extrasOf(extras, EXTRAS_AFTER_TARGET),
    def.model !== undefined && el('model', [['type', def.model]]),
    ...extrasOf(extras, afterModel),
    def.linkState !== undefined && el('link', [['state', def.linkState]]),
    !!def.mtu && el('mtu', [['size', def.mtu]]),
    // like the inactive parse, inactive output keeps user aliases only (libvirt assigns the others at start)
    ...extrasOf(extras, afterMtu, (e) => e.name !== 'alias' || form !== 'inactive' || isUserAlias(e)),
  ]
  return out.filter((x): x is OutNode => !!x)
}

/** The `<interface>` element of `def` in the requested form (for embedding in a domain document). */
export function domainInterfaceElement(def: DomainInterfaceDef, opts: DomainInterfaceFormatOptions = {}): OutElement {
  const form = formOf(opts)
  const actual: DomainInterfaceActual | undefined = def.type === 'network' && form === 'live' ? def.actual : undefined
  const type = actual?.type ?? def.type
  const managed =
    actual !== undefined ? actual.type === 'hostdev' && actual.managed : def.type === 'hostdev' && def.managed
  const attrs: OutAttr[] = [
    ['type', type],
    ['managed', managed ? 'yes' : undefined],
    ['trustGuestRxFilters', yesNo(def.trustGuestRxFilters)],
  ]
  const live = { inSubelement: false, status: false }
  const body =
    actual !== undefined
      ? formatActualContents(def as DomainInterfaceDef & NetworkInterfaceData, actual, live)
      : formatConfigured(def, form)
  return el('interface', attrs, [formatMac(def), ...body, ...formatDevice(def, form)])
}
