/**
 * libvirt-style XML output: two-space indentation, single-quoted attributes, `/>` for empty elements, a
 * trailing newline, and libvirt's escaping (`<>&'"` as entities; control characters other than tab, newline
 * and carriage return dropped). Codecs build a tree of OutNodes with `el()`, then call `writeXml()`.
 * @module
 */
import { isBlank } from './dom.js'
import type { XmlElement, XmlNode } from './dom.js'

/** An attribute; `undefined` or `null` values are omitted, numbers are printed in decimal. */
export type OutAttr = readonly [string, string | number | bigint | undefined | null]

export interface OutElement {
  readonly kind: 'el'
  readonly name: string
  readonly attrs: readonly OutAttr[]
  readonly children: readonly OutNode[]
  /** Text content; printed inline as `<name>text</name>`. */
  readonly text?: string
  /** Print `<name ...>\n</name>` instead of `<name .../>` when there are no children (libvirt's `<ip>`). */
  readonly neverSelfClose?: boolean
}

/** Foreign XML copied verbatim (metadata), printed in libxml2's style. */
export interface OutForeign {
  readonly kind: 'foreign'
  readonly node: XmlElement
}

export type OutNode = OutElement | OutForeign

export interface ElOptions {
  text?: string | undefined
  neverSelfClose?: boolean
}

/** Build an output element. Children that are `undefined`/`null`/`false` are skipped. */
export function el(
  name: string,
  attrs: readonly OutAttr[] = [],
  children: ReadonlyArray<OutNode | undefined | null | false> = [],
  opts: ElOptions = {},
): OutElement {
  const kids: OutNode[] = []
  for (const c of children) if (c) kids.push(c)
  const out: { -readonly [K in keyof OutElement]: OutElement[K] } = { kind: 'el', name, attrs, children: kids }
  if (opts.text !== undefined) out.text = opts.text
  if (opts.neverSelfClose) out.neverSelfClose = true
  return out
}

/** An element whose only content is text: `<name>text</name>`; omitted (undefined) when text is undefined. */
export function textEl(name: string, text: string | undefined, attrs: readonly OutAttr[] = []): OutElement | undefined {
  if (text === undefined) return undefined
  return el(name, attrs, [], { text })
}

export function foreign(node: XmlElement): OutForeign {
  return { kind: 'foreign', node }
}

/** libvirt's virBufferEscapeString rules. */
export function escapeXml(s: string): string {
  let needs = false
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c === 0x3c || c === 0x3e || c === 0x26 || c === 0x22 || c === 0x27 || (c < 0x20 && c !== 9 && c !== 10 && c !== 13)) {
      needs = true
      break
    }
  }
  if (!needs) return s
  let out = ''
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!
    switch (ch) {
      case '<':
        out += '&lt;'
        break
      case '>':
        out += '&gt;'
        break
      case '&':
        out += '&amp;'
        break
      case '"':
        out += '&quot;'
        break
      case "'":
        out += '&apos;'
        break
      default: {
        const c = ch.charCodeAt(0)
        if (c >= 0x20 || c === 9 || c === 10 || c === 13) out += ch
      }
    }
  }
  return out
}

function attrString(attrs: readonly OutAttr[]): string {
  let s = ''
  for (const [k, v] of attrs) {
    if (v === undefined || v === null) continue
    s += ` ${k}='${escapeXml(typeof v === 'string' ? v : String(v))}'`
  }
  return s
}

function writeNode(node: OutNode, indent: string, out: string[]): void {
  if (node.kind === 'foreign') {
    writeForeign(node.node, indent, out)
    return
  }
  const open = `${indent}<${node.name}${attrString(node.attrs)}`
  if (node.text !== undefined) {
    out.push(`${open}>${escapeXml(node.text)}</${node.name}>\n`)
  } else if (node.children.length === 0) {
    out.push(node.neverSelfClose ? `${open}>\n${indent}</${node.name}>\n` : `${open}/>\n`)
  } else {
    out.push(`${open}>\n`)
    const inner = indent + '  '
    for (const c of node.children) writeNode(c, inner, out)
    out.push(`${indent}</${node.name}>\n`)
  }
}

/** Serialise a document rooted at `root`, libvirt style, with a trailing newline. */
export function writeXml(root: OutNode, indentLevel = 0): string {
  const out: string[] = []
  writeNode(root, '  '.repeat(indentLevel), out)
  return out.join('')
}

// ---- foreign XML (libxml2 xmlNodeDump with format=1 style) ----

function escapeForeignAttr(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;')
}

function escapeForeignText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;')
}

function foreignAttrs(node: XmlElement): string {
  let s = ''
  for (const [k, v] of node.attrs) s += ` ${k}="${escapeForeignAttr(v)}"`
  return s
}

function writeForeignInline(node: XmlNode): string {
  if (node.type === 'text') return escapeForeignText(node.text)
  if (node.type === 'comment') return `<!--${node.text}-->`
  if (node.children.length === 0) return `<${node.name}${foreignAttrs(node)}/>`
  return `<${node.name}${foreignAttrs(node)}>${node.children.map(writeForeignInline).join('')}</${node.name}>`
}

function writeForeign(node: XmlElement, indent: string, out: string[]): void {
  const kids = node.children.filter((c) => !(c.type === 'text' && isBlank(c.text)))
  const open = `${indent}<${node.name}${foreignAttrs(node)}`
  if (kids.length === 0) {
    out.push(`${open}/>\n`)
    return
  }
  // libxml2 indents only when no child is a text node; otherwise the content is written inline.
  if (kids.some((c) => c.type === 'text')) {
    out.push(`${open}>${node.children.map(writeForeignInline).join('')}</${node.name}>\n`)
    return
  }
  out.push(`${open}>\n`)
  for (const c of kids) {
    if (c.type === 'element') writeForeign(c, indent + '  ', out)
    else if (c.type === 'comment') out.push(`${indent}  <!--${c.text}-->\n`)
  }
  out.push(`${indent}</${node.name}>\n`)
}
