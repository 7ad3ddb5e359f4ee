/**
 * Device elements of a domain `<interface>` that hostnet does not interpret (guest addresses, port forwards,
 * scripts, the virtio `<driver>`, `<backend>`, `<filterref>`, `<tune>`, `<teaming>`, `<coalesce>`, `<boot>`,
 * `<alias>`, `<rom>`, `<acpi>`, `<address>`, …). They are kept as opaque subtrees and written back libvirt
 * style (single quotes, empty elements self-closed, whitespace between elements dropped) in the place
 * libvirt's virDomainNetDefFormat writes them. Like libvirt, only the first of a singleton element is kept and
 * elements libvirt does not know are dropped.
 * @module
 */
import type { XmlElement } from '../xml/dom.js'
import { isBlank } from '../xml/dom.js'
import { el } from '../xml/write.js'
import type { OutElement } from '../xml/write.js'
import type { ForeignXmlElement } from '../../model/network/metadata.js'

/** Opaque elements by position in libvirt's output; each group is written at one point of the format. */
export const EXTRAS_AFTER_ACTUAL = ['ip', 'route', 'portForward', 'script', 'downscript', 'backenddomain'] as const
export const EXTRAS_AFTER_TARGET = ['guest'] as const
export const EXTRAS_AFTER_MODEL = ['driver', 'backend', 'filterref', 'tune', 'teaming'] as const
export const EXTRAS_AFTER_MTU = ['coalesce', 'boot', 'alias', 'rom', 'acpi', 'address', 'privateData'] as const

export const EXTRA_ORDER: readonly string[] = [
  ...EXTRAS_AFTER_ACTUAL,
  ...EXTRAS_AFTER_TARGET,
  ...EXTRAS_AFTER_MODEL,
  ...EXTRAS_AFTER_MTU,
]

/** Elements libvirt reads as lists; every other extra is read once (the first occurrence). */
const LIST_EXTRAS = new Set(['ip', 'route', 'portForward'])

export interface ExtrasFilter {
  /** Whether element `name` is kept for this interface (type, model and parse form decide). */
  keep: (node: XmlElement) => boolean
}

/** The interpretable-by-libvirt but opaque-to-us children of `<interface>`, in libvirt's order. */
export function collectExtras(iface: XmlElement, filter: ExtrasFilter): ForeignXmlElement[] {
  const out: ForeignXmlElement[] = []
  for (const name of EXTRA_ORDER) {
    for (const c of iface.children) {
      if (c.type !== 'element' || c.name !== name || !filter.keep(c)) continue
      out.push(c)
      if (!LIST_EXTRAS.has(name)) break
    }
  }
  return out
}

/** An opaque element as libvirt's serializer writes it. */
export function opaqueElement(node: ForeignXmlElement): OutElement {
  const kids = node.children.filter((c): c is ForeignXmlElement => c.type === 'element')
  if (kids.length > 0) return el(node.name, node.attrs, kids.map(opaqueElement))
  let text = ''
  for (const c of node.children) if (c.type === 'text') text += c.text
  return el(node.name, node.attrs, [], { text: isBlank(text) ? undefined : text })
}

/** The extras of `group`, in libvirt's order (whatever the order of the list). */
export function extrasOf(
  extras: readonly ForeignXmlElement[] | undefined,
  group: readonly string[],
  keep: (e: ForeignXmlElement) => boolean = () => true,
): OutElement[] {
  if (extras === undefined) return []
  const out: OutElement[] = []
  for (const name of group) for (const e of extras) if (e.name === name && keep(e)) out.push(opaqueElement(e))
  return out
}

/** Whether an `<alias>` is a user alias (`ua-` prefix): the only kind inactive XML keeps. */
export function isUserAlias(e: ForeignXmlElement): boolean {
  for (const [k, v] of e.attrs) if (k === 'name') return v.startsWith('ua-')
  return false
}
