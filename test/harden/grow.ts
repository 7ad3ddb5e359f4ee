/**
 * Grows XML documents for the parser fuzz tests: every element of a seed document, in turn, repeated until the
 * document reaches a size; one element's attributes multiplied; elements nested deeper and deeper. The repeated
 * copies keep their content but get distinct attribute values where the schema wants unique ones (a counter is
 * spliced into every attribute value that ends in a digit), so the parser's duplicate checks run over all of them.
 * @module
 */
import { parseXml } from '../../src/codec/xml/parse.js'
import type { XmlElement, XmlNode } from '../../src/codec/xml/dom.js'

/** Serialise a parsed tree back to text (double quotes, entities escaped). */
export function serialize(node: XmlNode): string {
  if (node.type === 'text') return escapeText(node.text)
  if (node.type === 'comment') return `<!--${node.text}-->`
  const attrs = node.attrs.map(([k, v]) => ` ${k}="${escapeAttr(v)}"`).join('')
  if (node.children.length === 0) return `<${node.name}${attrs}/>`
  return `<${node.name}${attrs}>${node.children.map(serialize).join('')}</${node.name}>`
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;')
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')
}

/** Paths (child indexes from the root) of every element below the root. */
export function elementPaths(root: XmlElement): number[][] {
  const out: number[][] = []
  const walk = (el: XmlElement, path: number[]): void => {
    el.children.forEach((c, i) => {
      if (c.type !== 'element') return
      out.push([...path, i])
      walk(c, [...path, i])
    })
  }
  walk(root, [])
  return out
}

function at(root: XmlElement, path: readonly number[]): XmlElement {
  let el = root
  for (const i of path) el = el.children[i] as XmlElement
  return el
}

/** A copy of `el` with the counter `n` spliced into every attribute value and text that ends in a digit. */
function variant(el: XmlElement, n: number): string {
  return serialize(el).replace(/(="[^"]*?)(\d+)(")/g, (_m, a: string, d: string, q: string) => `${a}${d}${n}${q}`)
}

/**
 * The seed with the element at `path` repeated until the document has about `bytes` characters. Returns the
 * document and the number of copies.
 */
export function repeatElement(seed: string, path: readonly number[], bytes: number): { doc: string; copies: number } {
  const root = parseXml(seed)
  const el = at(root, path)
  const text = serialize(root)
  const one = serialize(el)
  const idx = text.indexOf(one)
  if (idx < 0) throw new Error('element not found in its serialisation')
  const copies = Math.max(1, Math.floor((bytes - text.length) / (one.length + 2)))
  const parts: string[] = []
  for (let n = 0; n < copies; n++) parts.push(variant(el, n))
  return { doc: text.slice(0, idx) + parts.join('\n') + text.slice(idx + one.length), copies }
}

/** `<name>` with `count` distinct attributes `a0='v'`, `a1='v'`, ... */
export function manyAttributes(name: string, count: number): string {
  const parts: string[] = []
  for (let i = 0; i < count; i++) parts.push(` a${i}='v'`)
  return `<${name}${parts.join('')}/>`
}

/** `depth` nested elements named `name`. */
export function nested(name: string, depth: number): string {
  return `<${name}>`.repeat(depth) + `</${name}>`.repeat(depth)
}

/** A describable label for an element path: the element names from the root. */
export function pathLabel(seed: string, path: readonly number[]): string {
  const root = parseXml(seed)
  const names: string[] = [root.name]
  let el = root
  for (const i of path) {
    el = el.children[i] as XmlElement
    names.push(el.name)
  }
  return names.join('/')
}
