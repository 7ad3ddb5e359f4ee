/**
 * A small, strict, non-validating XML parser for libvirt documents. No DTDs, no external entities
 * (a DOCTYPE is rejected), the five predefined entities plus numeric character references. Errors are
 * ValidationErrors naming the line.
 * @module
 */
import { cut, ValidationError } from '../../errors.js'
import { checkDocumentSize, MAX_XML_DEPTH } from '../limits.js'
import type { XmlElement, XmlNode } from './dom.js'

/** XML name start characters as accepted here: ASCII letters, '_', ':' and everything from U+00C0 up. */
function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a || (c >= 0xc0 && c <= 0xffff)
}

/** Name characters: start characters plus digits, '.', '-' and U+00B7. */
function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d || c === 0xb7
}

/** Shared by every element without attributes or children (the tree is read-only). */
const NO_ATTRS: ReadonlyArray<readonly [string, string]> = Object.freeze([])
const NO_CHILDREN: readonly XmlNode[] = Object.freeze([])

/** Attributes compared one by one for duplicates; an element with more gets a set. */
const ATTRS_SCANNED = 8

/** Characters XML 1.0 does not allow anywhere in a document (control characters other than tab, LF, CR). */
// eslint-disable-next-line no-control-regex
const ILLEGAL_CHAR = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/

/** XML 1.0 `Char`: what a character reference may denote. */
function isXmlChar(code: number): boolean {
  if (code < 0x20) return code === 0x09 || code === 0x0a || code === 0x0d
  if (code >= 0xd800 && code <= 0xdfff) return false
  return code !== 0xfffe && code !== 0xffff && code <= 0x10ffff
}

/** Whether raw attribute text needs decoding (entities, '<', or white space to normalise). */
function attrNeedsDecode(raw: string): boolean {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i)
    if (c === 0x26 || c === 0x3c || c === 0x0a || c === 0x09 || c === 0x0d) return true
  }
  return false
}

/** Names up to this long are shared through a small cache (element and attribute names). */
const NAME_CACHE_MAX_LEN = 24
const NAME_CACHE_SIZE = 256

class Parser {
  private readonly names: Array<string | undefined> = new Array<string | undefined>(NAME_CACHE_SIZE)
  private readonly scratchAttrs: Array<readonly [string, string]> = []
  /** Children being collected, per nesting depth. */
  private readonly scratchKids: XmlNode[][] = []
  private pos = 0
  private line = 1
  private lineStart = 0

  constructor(private readonly src: string) {}

  fail(msg: string): never {
    const col = this.pos - this.lineStart + 1
    throw new ValidationError(`XML error: malformed document at line ${this.line}, column ${col}: ${msg}`, {
      path: `line ${this.line}:${col}`,
    })
  }

  /** Advance over src[from..to), counting newlines. */
  private advanceTo(to: number): void {
    const s = this.src
    for (let i = this.pos; i < to; i++) {
      if (s.charCodeAt(i) === 10) {
        this.line++
        this.lineStart = i + 1
      }
    }
    this.pos = to
  }

  private skipSpace(): void {
    const s = this.src
    let i = this.pos
    while (i < s.length) {
      const c = s.charCodeAt(i)
      if (c === 0x20 || c === 0x09 || c === 0x0d) i++
      else if (c === 0x0a) {
        i++
        this.line++
        this.lineStart = i
      } else break
    }
    this.pos = i
  }

  private readName(): string {
    const s = this.src
    const start = this.pos
    if (start >= s.length || !isNameStart(s.charCodeAt(start))) this.fail('expected a name')
    let i = start + 1
    while (i < s.length && isNameChar(s.charCodeAt(i))) i++
    this.pos = i
    return this.shared(start, i)
  }

  /**
   * src[start..end): documents repeat a few names and values many times, so short ones are reused from a small
   * cache (fewer allocations, one string shared by the tree).
   */
  private shared(start: number, end: number): string {
    const s = this.src
    const len = end - start
    if (len > NAME_CACHE_MAX_LEN || len === 0) return s.slice(start, end)
    const slot = (s.charCodeAt(start) * 31 + s.charCodeAt(end - 1) * 7 + len) & (NAME_CACHE_SIZE - 1)
    const hit = this.names[slot]
    if (hit !== undefined && hit.length === len && s.startsWith(hit, start)) return hit
    const text = s.slice(start, end)
    this.names[slot] = text
    return text
  }

  private decode(raw: string, inAttr: boolean): string {
    if (inAttr ? !attrNeedsDecode(raw) : raw.indexOf('&') < 0) return raw
    let out = ''
    let i = 0
    while (i < raw.length) {
      const c = raw[i]!
      if (c === '&') {
        const semi = raw.indexOf(';', i)
        if (semi < 0) this.fail('unterminated entity reference')
        const ent = raw.slice(i + 1, semi)
        out += this.entity(ent)
        i = semi + 1
      } else if (c === '<') {
        this.fail("'<' not allowed here")
      } else if (inAttr && (c === '\n' || c === '\t' || c === '\r')) {
        out += ' ' // attribute value normalization (XML 1.0 §3.3.3)
        i++
      } else {
        out += c
        i++
      }
    }
    return out
  }

  private entity(ent: string): string {
    switch (ent) {
      case 'lt':
        return '<'
      case 'gt':
        return '>'
      case 'amp':
        return '&'
      case 'apos':
        return "'"
      case 'quot':
        return '"'
    }
    let code: number
    if (/^#x[0-9A-Fa-f]{1,6}$/.test(ent)) code = parseInt(ent.slice(2), 16)
    else if (/^#[0-9]{1,7}$/.test(ent)) code = parseInt(ent.slice(1), 10)
    else this.fail(`unknown entity '&${cut(ent)};'`)
    if (!isXmlChar(code)) this.fail(`invalid character reference '&${cut(ent)};'`)
    return String.fromCodePoint(code)
  }

  /** Skip prolog: XML declaration, comments, processing instructions, whitespace. */
  private skipMisc(allowDecl: boolean): void {
    const s = this.src
    for (;;) {
      this.skipSpace()
      if (s.startsWith('<?', this.pos)) {
        const end = s.indexOf('?>', this.pos + 2)
        if (end < 0) this.fail('unterminated processing instruction')
        const target = s.slice(this.pos + 2, this.pos + 5)
        if (target.toLowerCase() === 'xml' && !allowDecl) this.fail('XML declaration not at the start')
        this.advanceTo(end + 2)
        allowDecl = false
      } else if (s.startsWith('<!--', this.pos)) {
        const end = s.indexOf('-->', this.pos + 4)
        if (end < 0) this.fail('unterminated comment')
        this.advanceTo(end + 3)
      } else if (s.startsWith('<!DOCTYPE', this.pos) || s.startsWith('<!doctype', this.pos)) {
        this.fail('DOCTYPE declarations are not accepted')
      } else return
    }
  }

  parseDocument(): XmlElement {
    const bad = ILLEGAL_CHAR.exec(this.src)
    if (bad !== null) {
      this.advanceTo(bad.index)
      this.fail(`invalid character U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`)
    }
    if (this.src.charCodeAt(0) === 0xfeff) this.pos = 1
    this.skipMisc(true)
    if (this.src[this.pos] !== '<') this.fail('expected the root element')
    const root = this.parseElement(0)
    this.skipMisc(false)
    if (this.pos < this.src.length) this.fail('extra content after the root element')
    return root
  }

  private parseElement(depth: number): XmlElement {
    if (depth >= MAX_XML_DEPTH) this.fail(`elements nested deeper than ${MAX_XML_DEPTH}`)
    const s = this.src
    const line = this.line
    this.pos++ // '<'
    const name = this.readName()
    // attributes and children are collected in arrays reused across elements, then copied at their exact size:
    // a fresh array that grows by push reserves room for 17 entries, most of it wasted on small elements
    const attrs = this.scratchAttrs
    attrs.length = 0
    let seen: Set<string> | undefined
    for (;;) {
      const before = this.pos
      this.skipSpace()
      const c = s[this.pos]
      if (c === '/') {
        if (s[this.pos + 1] !== '>') this.fail("expected '/>'")
        this.pos += 2
        return { type: 'element', name, attrs: attrs.length === 0 ? NO_ATTRS : attrs.slice(), children: NO_CHILDREN, line }
      }
      if (c === '>') {
        this.pos++
        break
      }
      if (c === undefined) this.fail(`unterminated start tag <${cut(name)}>`)
      if (before === this.pos) this.fail('expected whitespace before an attribute')
      const an = this.readName()
      this.skipSpace()
      if (s[this.pos] !== '=') this.fail(`expected '=' after attribute '${cut(an)}'`)
      this.pos++
      this.skipSpace()
      const q = s[this.pos]
      if (q !== '"' && q !== "'") this.fail(`attribute '${cut(an)}' value must be quoted`)
      const end = s.indexOf(q, this.pos + 1)
      if (end < 0) this.fail(`unterminated value of attribute '${cut(an)}'`)
      const raw = this.shared(this.pos + 1, end)
      this.advanceTo(end + 1)
      if (seen !== undefined) {
        if (seen.has(an)) this.fail(`duplicate attribute '${cut(an)}' on <${cut(name)}>`)
        seen.add(an)
      } else {
        for (const a of attrs) if (a[0] === an) this.fail(`duplicate attribute '${cut(an)}' on <${cut(name)}>`)
        // a few attributes are compared in place; past that a set keeps the check linear
        if (attrs.length === ATTRS_SCANNED) seen = new Set(attrs.map((a) => a[0]).concat(an))
      }
      attrs.push([an, this.decode(raw, true)])
    }
    const attrList = attrs.length === 0 ? NO_ATTRS : attrs.slice()
    const children = (this.scratchKids[depth] ??= [])
    children.length = 0
    for (;;) {
      const lt = s.indexOf('<', this.pos)
      if (lt < 0) this.fail(`missing end tag </${cut(name)}>`)
      if (lt > this.pos) {
        const raw = s.slice(this.pos, lt)
        if (raw.indexOf(']]>') >= 0) this.fail("']]>' not allowed in text")
        const text = this.decode(raw, false)
        this.advanceTo(lt)
        pushText(children, text)
      }
      if (s.startsWith('</', lt)) {
        this.pos = lt + 2
        const endName = this.readName()
        this.skipSpace()
        if (s[this.pos] !== '>') this.fail(`malformed end tag </${cut(endName)}>`)
        this.pos++
        if (endName !== name) this.fail(`end tag </${cut(endName)}> does not match <${cut(name)}>`)
        return { type: 'element', name, attrs: attrList, children: children.length === 0 ? NO_CHILDREN : children.slice(), line }
      } else if (s.startsWith('<!--', lt)) {
        const end = s.indexOf('-->', lt + 4)
        if (end < 0) this.fail('unterminated comment')
        children.push({ type: 'comment', text: s.slice(lt + 4, end) })
        this.advanceTo(end + 3)
      } else if (s.startsWith('<![CDATA[', lt)) {
        const end = s.indexOf(']]>', lt + 9)
        if (end < 0) this.fail('unterminated CDATA section')
        pushText(children, s.slice(lt + 9, end))
        this.advanceTo(end + 3)
      } else if (s.startsWith('<?', lt)) {
        const end = s.indexOf('?>', lt + 2)
        if (end < 0) this.fail('unterminated processing instruction')
        this.advanceTo(end + 2)
      } else if (s.startsWith('<!', lt)) {
        this.fail('unexpected markup declaration')
      } else {
        children.push(this.parseElement(depth + 1))
      }
    }
  }
}

function pushText(children: XmlNode[], text: string): void {
  const last = children[children.length - 1]
  if (last !== undefined && last.type === 'text') children[children.length - 1] = { type: 'text', text: last.text + text }
  else children.push({ type: 'text', text })
}

/** Parse a complete XML document and return its root element. Throws ValidationError on malformed input. */
export function parseXml(src: string): XmlElement {
  if (typeof src !== 'string') throw new ValidationError('XML error: document is not a string')
  checkDocumentSize(src, 'XML document')
  if (src.trim() === '') throw new ValidationError('XML error: empty document')
  return new Parser(src).parseDocument()
}
