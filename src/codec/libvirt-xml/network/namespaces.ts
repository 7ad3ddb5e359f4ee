/**
 * The two namespaced parts of a network: `<metadata>` (foreign XML kept verbatim, sanitised as libvirt's
 * virXMLNodeSanitizeNamespaces does) and `<dnsmasq:options>` (libvirt's dnsmasq XML namespace, matched by
 * namespace URI whatever the prefix).
 * @module
 */
import type { XmlElement } from '../../xml/dom.js'
import { el, foreign } from '../../xml/write.js'
import type { OutElement, OutForeign } from '../../xml/write.js'
import type { ForeignXmlElement } from '../../../model/network/metadata.js'
import { childCtx, fail, prop } from '../netdev/props.js'
import type { ParseContext } from '../netdev/props.js'

export const DNSMASQ_NS = 'http://libvirt.org/schemas/network/dnsmasq/1.0'

function prefixOf(qname: string): string {
  const i = qname.indexOf(':')
  return i < 0 ? '' : qname.slice(0, i)
}

function localName(qname: string): string {
  const i = qname.indexOf(':')
  return i < 0 ? qname : qname.slice(i + 1)
}

function declName(prefix: string): string {
  return prefix === '' ? 'xmlns' : `xmlns:${prefix}`
}

/** Namespace URI of `node`'s name, looking in `node` and then in `scopes` (nearest first). */
function namespaceOf(node: XmlElement, scopes: readonly XmlElement[]): string | undefined {
  const decl = declName(prefixOf(node.name))
  for (const s of [node, ...scopes]) {
    const v = prop(s, decl)
    if (v !== undefined) return v === '' ? undefined : v
  }
  return undefined
}

/** Prefixes used in `node`'s subtree (element and attribute names) that the subtree itself does not declare. */
function freePrefixes(node: XmlElement, bound: ReadonlySet<string>, out: string[]): void {
  const here = new Set(bound)
  for (const [k] of node.attrs) {
    if (k === 'xmlns') here.add('')
    else if (k.startsWith('xmlns:')) here.add(k.slice(6))
  }
  const use = (p: string): void => {
    if (p !== 'xml' && p !== 'xmlns' && !here.has(p) && !out.includes(p)) out.push(p)
  }
  const p = prefixOf(node.name)
  if (p !== '' || !here.has('')) use(p)
  for (const [k] of node.attrs) if (k.includes(':') && !k.startsWith('xmlns:')) use(prefixOf(k))
  for (const c of node.children) if (c.type === 'element') freePrefixes(c, here, out)
}

/**
 * `<metadata>` as libvirt keeps it: only if it has an element child; children without a namespace are dropped,
 * and of several children in the same namespace only the first is kept. Namespace declarations the children
 * take from `<network>` are copied onto the metadata element (as libxml2's node copy does).
 */
export function parseMetadata(node: XmlElement, root: XmlElement): ForeignXmlElement | undefined {
  const kids = node.children.filter((c): c is XmlElement => c.type === 'element')
  if (kids.length === 0) return undefined
  const attrs: Array<readonly [string, string]> = [...node.attrs]
  const own = new Set<string>()
  for (const [k] of attrs) {
    if (k === 'xmlns') own.add('')
    else if (k.startsWith('xmlns:')) own.add(k.slice(6))
  }
  const free: string[] = []
  for (const k of kids) freePrefixes(k, own, free)
  for (const p of free) {
    const uri = prop(root, declName(p))
    if (uri !== undefined && uri !== '') attrs.push([declName(p), uri])
  }
  const seen = new Set<string>()
  const children: XmlElement[] = []
  for (const k of kids) {
    const ns = namespaceOf(k, [node, root])
    if (ns === undefined || seen.has(ns)) continue
    seen.add(ns)
    children.push(k)
  }
  return { type: 'element', name: node.name, attrs, children, line: node.line }
}

export function formatMetadata(meta: ForeignXmlElement | undefined): OutForeign | undefined {
  return meta === undefined ? undefined : foreign(meta)
}

/** Values of `<dnsmasq:options><dnsmasq:option value=…/>…` (any prefix bound to the dnsmasq namespace). */
export function parseDnsmasqOptions(root: XmlElement, ctx: ParseContext): string[] | undefined {
  const values: string[] = []
  let n = 0
  for (const c of root.children) {
    if (c.type !== 'element' || localName(c.name) !== 'options' || namespaceOf(c, [root]) !== DNSMASQ_NS) continue
    n++
    const octx = childCtx(ctx, c.name, n)
    let i = 0
    for (const o of c.children) {
      if (o.type !== 'element' || localName(o.name) !== 'option' || namespaceOf(o, [c, root]) !== DNSMASQ_NS) continue
      i++
      const v = prop(o, 'value')
      if (v === undefined) fail(childCtx(octx, o.name, i), 'No dnsmasq options value specified', { attr: 'value' })
      values.push(v)
    }
  }
  return values.length > 0 ? values : undefined
}

export function formatDnsmasqOptions(options: readonly string[] | undefined): OutElement | undefined {
  if (options === undefined || options.length === 0) return undefined
  return el('dnsmasq:options', [], options.map((v) => el('dnsmasq:option', [['value', v]])))
}
