/**
 * A linear reader for the plain subset of YAML 1.2 that desired-state documents use: block mappings and
 * sequences (compact `- key: v` entries included), one-line flow collections (`{a: 1, b: [x, y]}`), plain,
 * single- and double-quoted one-line scalars, comments, a leading `---`. Scalars resolve by YAML 1.2's core schema,
 * exactly as the `yaml` library does (null, booleans, decimal/octal/hex integers, floats, .inf/.nan, else
 * strings). It reads a 2,100-interface document in a few milliseconds, where the library takes half a second.
 *
 * Anything outside the subset (anchors, aliases, tags, block scalars, multi-line scalars or flow collections,
 * explicit keys, several documents, tabs, non-string keys, duplicate keys, anything malformed) is not guessed at:
 * the reader answers `undefined` with the reason, and the caller hands the document to the library, which reads
 * the rest of YAML and words the errors. Nesting deeper than MAX_STATE_DEPTH is refused outright (the library
 * aborts the process on very deep documents).
 * @module
 */
import { ValidationError } from '../../errors.js'
import { MAX_STATE_DEPTH } from '../limits.js'

/** Why the reader gave up: the document may still be valid YAML (the library decides). */
export interface Unsupported {
  readonly unsupported: string
  readonly line: number
}

class Stop {
  constructor(
    readonly reason: string,
    readonly line: number,
  ) {}
}

// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff\ufffe\uffff]|\r(?!\n)|[\ud800-\udfff]/

const INT_DEC = /^[-+]?[0-9]+$/
const INT_OCT = /^0o[0-7]+$/
const INT_HEX = /^0x[0-9a-fA-F]+$/
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/
const INF = /^[-+]?\.(?:inf|Inf|INF)$/
const NAN = /^\.(?:nan|NaN|NAN)$/

/** A plain scalar's value under the core schema (the `yaml` library's resolution, YAML 1.2). */
export function resolvePlain(s: string): unknown {
  const c = s.charCodeAt(0)
  // fast exit: most scalars start with a letter other than those of null/true/false
  if (s.length === 0) return null
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) {
    switch (s) {
      case 'null':
      case 'Null':
      case 'NULL':
        return null
      case 'true':
      case 'True':
      case 'TRUE':
        return true
      case 'false':
      case 'False':
      case 'FALSE':
        return false
    }
    return s
  }
  if (s === '~') return null
  if (INT_DEC.test(s)) return Number(s)
  if (INT_OCT.test(s)) return parseInt(s.slice(2), 8)
  if (INT_HEX.test(s)) return parseInt(s.slice(2), 16)
  if (FLOAT.test(s)) return Number(s)
  if (INF.test(s)) return s.startsWith('-') ? -Infinity : Infinity
  if (NAN.test(s)) return NaN
  return s
}

/**
 * Characters that may not start a plain scalar (c-indicator); `-` `?` `:` may when followed by a character that is
 * not a space (in a flow collection, nor a flow indicator).
 */
function plainStartProblem(s: string, i: number, inFlow = false): boolean {
  const c = s[i]
  switch (c) {
    case '[':
    case ']':
    case '{':
    case '}':
    case ',':
    case '#':
    case '&':
    case '*':
    case '!':
    case '|':
    case '>':
    case "'":
    case '"':
    case '%':
    case '@':
    case '`':
      return true
    case '-':
    case '?':
    case ':': {
      const n = s[i + 1]
      return n === undefined || n === ' ' || (inFlow && (n === ',' || n === '[' || n === ']' || n === '{' || n === '}'))
    }
  }
  return c === undefined
}

const DQ_ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\x85',
  _: '\xa0',
  L: '\u2028',
  P: '\u2029',
}

class Reader {
  private readonly lines: string[]
  /** Index of the current line. */
  private li = 0
  /** Column where the current line's content starts for the next node (a compact entry starts mid-line). */
  private col = -1

  constructor(text: string) {
    this.lines = text.split('\n')
    if (text.indexOf('\r') >= 0) for (let i = 0; i < this.lines.length; i++) {
      const l = this.lines[i]!
      if (l.endsWith('\r')) this.lines[i] = l.slice(0, -1)
    }
  }

  stop(reason: string, line = this.li): never {
    throw new Stop(reason, line + 1)
  }

  /** Indentation of line `i`, or -1 for a blank or comment-only line. */
  private indentOf(i: number): number {
    const l = this.lines[i]!
    let k = 0
    while (k < l.length && l.charCodeAt(k) === 0x20) k++
    if (k === l.length || l.charCodeAt(k) === 0x23) return -1
    return k
  }

  /** Move to the next significant line at or after `li`; returns its indentation, or -1 at the end. */
  private next(): number {
    while (this.li < this.lines.length) {
      const ind = this.indentOf(this.li)
      if (ind > 0) return ind
      if (ind === 0) {
        if (isMarker(this.lines[this.li]!) && this.li > this.firstContent) this.stop('several documents or a document end marker')
        return ind
      }
      this.li++
    }
    return -1
  }

  /** The first significant line (where a `---` is allowed). */
  private firstContent = Infinity

  readDocument(): unknown {
    while (this.li < this.lines.length && this.indentOf(this.li) < 0) this.li++
    this.firstContent = this.li
    let ind = this.next()
    if (ind === 0 && isMarker(this.lines[this.li]!)) {
      if (!/^---( +#.*| *)$/.test(this.lines[this.li]!)) this.stop('a document marker with content or a document end')
      this.li++
      ind = this.next()
    }
    if (ind < 0) return null
    const value = this.node(ind, 0, 0)
    if (this.next() >= 0) {
      const l = this.lines[this.li]!
      this.stop(l.startsWith('---') || l.startsWith('...') ? 'several documents or a document end marker' : 'content after the document')
    }
    return value
  }

  /** The block node starting on the current line at column `ind` (or at `this.col` mid-line). */
  private node(ind: number, minIndent: number, depth: number): unknown {
    if (depth > MAX_STATE_DEPTH) {
      throw new ValidationError(`invalid YAML document: nested deeper than ${MAX_STATE_DEPTH} levels at line ${this.li + 1}`, { path: '' })
    }
    if (ind < minIndent) return null
    const l = this.lines[this.li]!
    const at = this.col >= 0 ? this.col : ind
    this.col = -1
    if (l[at] === '-' && (l[at + 1] === ' ' || at + 1 === l.length)) return this.sequence(at, depth)
    if (this.keyEnd(l, at) >= 0) return this.mapping(at, depth)
    // a lone scalar or flow collection: fine as the whole document; below a key or `-` it is rare, and the
    // library treats some such lines (after a comment) as keys: left to it
    if (depth > 0) this.stop('a value on the line below its key or dash')
    const v = this.inlineValue(l, at, depth)
    this.li++
    this.noContinuation(ind - 1)
    return v
  }

  /** After a value that ended its line: a following line indented deeper than `parentIndent` would continue it. */
  private noContinuation(parentIndent: number): void {
    const ind = this.next()
    if (ind > parentIndent) this.stop('a multi-line scalar or an unexpected indentation')
  }

  private sequence(ind: number, depth: number): unknown[] {
    const out: unknown[] = []
    for (;;) {
      const l = this.lines[this.li]!
      let k = ind + 1
      while (k < l.length && l.charCodeAt(k) === 0x20) k++
      if (k >= l.length || l[k] === '#') {
        // `-` alone: the entry is the block below it, or null
        this.li++
        const next = this.next()
        out.push(next > ind ? this.node(next, ind + 1, depth + 1) : null)
      } else if (l[k] === '-' && (l[k + 1] === ' ' || k + 1 === l.length)) {
        this.col = k
        out.push(this.node(k, k, depth + 1))
      } else if (this.keyEnd(l, k) >= 0) {
        out.push(this.mapping(k, depth + 1))
      } else {
        out.push(this.inlineValue(l, k, depth + 1))
        this.li++
        this.noContinuation(ind)
      }
      const next = this.next()
      if (next !== ind) {
        if (next > ind) this.stop('an unexpected indentation in a sequence')
        return out
      }
      // a sequence that is a mapping's value may sit at the mapping's indentation: its next key ends it
      if (!this.isSequenceEntry(this.lines[this.li]!, ind)) return out
    }
  }

  private mapping(ind: number, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    for (;;) {
      const l = this.lines[this.li]!
      // the first entry may start mid-line (`- key: v`), the others start their lines at `ind`
      const colon = this.keyEnd(l, ind)
      if (colon < 0) this.stop('a mapping entry expected')
      const key = this.key(l, ind, colon)
      if (Object.prototype.hasOwnProperty.call(out, key) || key === '__proto__') this.stop('a duplicate or special key')
      let k = colon + 1
      while (k < l.length && l.charCodeAt(k) === 0x20) k++
      let value: unknown
      if (k >= l.length || l[k] === '#') {
        this.li++
        const next = this.next()
        if (next > ind) value = this.node(next, ind + 1, depth + 1)
        else if (next === ind && this.isSequenceEntry(this.lines[this.li]!, ind)) value = this.sequence(ind, depth + 1)
        else value = null
      } else {
        value = this.inlineValue(l, k, depth + 1)
        this.li++
        this.noContinuation(ind)
      }
      out[key] = value
      const next = this.next()
      if (next !== ind) {
        if (next > ind) this.stop('an unexpected indentation in a mapping')
        return out
      }
      if (this.isSequenceEntry(this.lines[this.li]!, ind)) this.stop('a sequence entry inside a mapping')
    }
  }

  private isSequenceEntry(l: string, ind: number): boolean {
    return l[ind] === '-' && (l[ind + 1] === ' ' || ind + 1 === l.length)
  }

  /**
   * Where the `:` of a block mapping key on line `l` starting at `at` is (the key a plain or quoted scalar on one
   * line), or -1 when the line holds no mapping entry there.
   */
  private keyEnd(l: string, at: number): number {
    const c = l[at]
    if (c === '"' || c === "'") {
      const end = c === '"' ? this.doubleQuotedEnd(l, at) : this.singleQuotedEnd(l, at)
      if (end < 0) return -1
      let k = end
      while (k < l.length && l.charCodeAt(k) === 0x20) k++
      return l[k] === ':' && (k + 1 === l.length || l[k + 1] === ' ') ? k : -1
    }
    if (c === '[' || c === '{' || plainStartProblem(l, at)) return -1
    for (let k = at; k < l.length; k++) {
      const ch = l.charCodeAt(k)
      if (ch === 0x3a && (k + 1 === l.length || l.charCodeAt(k + 1) === 0x20)) return k
      if (ch === 0x23 && l.charCodeAt(k - 1) === 0x20) return -1
    }
    return -1
  }

  private key(l: string, at: number, colon: number): string {
    const c = l[at]
    if (c === '"' || c === "'") return this.quoted(l, at).value
    const text = l.slice(at, colon).trimEnd()
    if (typeof resolvePlain(text) !== 'string') this.stop('a key that is not a string')
    if (text === '<<') this.stop('a merge key')
    return text
  }

  /** A value that starts at `k` of line `l` and ends on it: a flow collection, a quoted or a plain scalar. */
  private inlineValue(l: string, k: number, depth: number): unknown {
    const c = l[k]
    let value: unknown
    let end: number
    if (c === '[' || c === '{') {
      const r = this.flow(l, k, depth)
      value = r.value
      end = r.end
    } else if (c === '"' || c === "'") {
      const r = this.quoted(l, k)
      value = r.value
      end = r.end
    } else {
      if (plainStartProblem(l, k)) this.stop('an anchor, alias, tag, block scalar or other syntax')
      let e = l.length
      for (let i = k; i < l.length; i++) {
        const ch = l.charCodeAt(i)
        if (ch === 0x23 && l.charCodeAt(i - 1) === 0x20) {
          e = i
          break
        }
        if (ch === 0x3a && (i + 1 === l.length || l.charCodeAt(i + 1) === 0x20)) this.stop("a ': ' inside a plain scalar")
      }
      return resolvePlain(l.slice(k, e).trimEnd())
    }
    this.restIsBlank(l, end)
    return value
  }

  /** Only spaces and a comment may follow a complete value on its line. */
  private restIsBlank(l: string, from: number): void {
    let k = from
    while (k < l.length && l.charCodeAt(k) === 0x20) k++
    if (k < l.length && !(l[k] === '#' && k > from)) this.stop('text after a value')
  }

  private singleQuotedEnd(l: string, at: number): number {
    for (let k = at + 1; k < l.length; k++) {
      if (l[k] === "'") {
        if (l[k + 1] === "'") k++
        else return k + 1
      }
    }
    return -1
  }

  private doubleQuotedEnd(l: string, at: number): number {
    for (let k = at + 1; k < l.length; k++) {
      if (l[k] === '\\') k++
      else if (l[k] === '"') return k + 1
    }
    return -1
  }

  private quoted(l: string, at: number): { value: string; end: number } {
    if (l[at] === "'") {
      const end = this.singleQuotedEnd(l, at)
      if (end < 0) this.stop('a quoted scalar over several lines')
      return { value: l.slice(at + 1, end - 1).replace(/''/g, "'"), end }
    }
    const end = this.doubleQuotedEnd(l, at)
    if (end < 0) this.stop('a quoted scalar over several lines')
    const raw = l.slice(at + 1, end - 1)
    if (raw.indexOf('\\') < 0) return { value: raw, end }
    let out = ''
    for (let k = 0; k < raw.length; k++) {
      const ch = raw[k]!
      if (ch !== '\\') {
        out += ch
        continue
      }
      const e = raw[++k]
      const digits = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0
      if (digits > 0) {
        const hex = raw.slice(k + 1, k + 1 + digits)
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== digits) this.stop('a malformed escape')
        const cp = parseInt(hex, 16)
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) this.stop('a malformed escape')
        out += String.fromCodePoint(cp)
        k += digits
        continue
      }
      const rep = e === undefined ? undefined : DQ_ESCAPES[e]
      if (rep === undefined) this.stop('an escape outside the subset')
      out += rep
    }
    return { value: out, end }
  }

  /** A flow collection starting at `at`, complete on this line. */
  private flow(l: string, at: number, depth: number): { value: unknown; end: number } {
    if (depth > MAX_STATE_DEPTH) {
      throw new ValidationError(`invalid YAML document: nested deeper than ${MAX_STATE_DEPTH} levels at line ${this.li + 1}`, { path: '' })
    }
    const close = l[at] === '[' ? ']' : '}'
    const isMap = close === '}'
    const list: unknown[] = []
    const map: Record<string, unknown> = {}
    let k = this.skipSpaces(l, at + 1)
    for (;;) {
      if (k >= l.length) this.stop('a flow collection over several lines')
      if (l[k] === close) return { value: isMap ? map : list, end: k + 1 }
      let item: { value: unknown; end: number }
      if (isMap) {
        const keyItem = this.flowScalar(l, k, true)
        if (typeof keyItem.value !== 'string') this.stop('a key that is not a string')
        const key = keyItem.value
        k = this.skipSpaces(l, keyItem.end)
        if (l[k] !== ':' || !(l[k + 1] === ' ')) this.stop('a flow mapping entry without a value')
        if (Object.prototype.hasOwnProperty.call(map, key) || key === '__proto__' || key === '<<') this.stop('a duplicate or special key')
        k = this.skipSpaces(l, k + 1)
        item = l[k] === '[' || l[k] === '{' ? this.flow(l, k, depth + 1) : this.flowScalar(l, k, false)
        map[key] = item.value
      } else {
        item = l[k] === '[' || l[k] === '{' ? this.flow(l, k, depth + 1) : this.flowScalar(l, k, false)
        list.push(item.value)
      }
      k = this.skipSpaces(l, item.end)
      if (l[k] === ',') k = this.skipSpaces(l, k + 1)
      else if (l[k] !== close) this.stop('a malformed flow collection')
    }
  }

  private skipSpaces(l: string, k: number): number {
    while (k < l.length && l.charCodeAt(k) === 0x20) k++
    return k
  }

  /** A scalar inside a flow collection; a plain one ends at `,` `[` `]` `{` `}`, `: ` or ` #`. */
  private flowScalar(l: string, k: number, isKey: boolean): { value: unknown; end: number } {
    const c = l[k]
    if (c === '"' || c === "'") return this.quoted(l, k)
    if (plainStartProblem(l, k, true)) this.stop('an anchor, alias, tag, empty entry or other syntax in a flow collection')
    let e = k
    for (; e < l.length; e++) {
      const ch = l[e]
      if (ch === ',' || ch === '[' || ch === ']' || ch === '{' || ch === '}') break
      if (ch === ':' && (l[e + 1] === ' ' || l[e + 1] === ',' || l[e + 1] === ']' || l[e + 1] === '}' || e + 1 === l.length)) break
      if (ch === '#' && l[e - 1] === ' ') this.stop('a comment inside a flow collection')
    }
    if (ch(l, e) === '[' || ch(l, e) === '{') this.stop('a malformed flow collection')
    const text = l.slice(k, e).trimEnd()
    if (text.length === 0) this.stop('an empty flow entry')
    const value = resolvePlain(text)
    if (isKey && typeof value !== 'string') this.stop('a key that is not a string')
    return { value, end: e }
  }
}

/** `---` or `...` at the start of a line, alone or followed by a space: a document marker. */
function isMarker(l: string): boolean {
  return (l.startsWith('---') || l.startsWith('...')) && (l.length === 3 || l[3] === ' ')
}

function ch(l: string, i: number): string | undefined {
  return l[i]
}

/**
 * The value of a YAML document in the plain subset, or the reason it is outside it (the caller then uses the
 * general library). Throws a ValidationError only for nesting deeper than MAX_STATE_DEPTH.
 */
export function readPlainYaml(source: string): { value: unknown } | Unsupported {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source
  const bad = FORBIDDEN.exec(text)
  if (bad !== null) {
    const line = text.slice(0, bad.index).split('\n').length
    return { unsupported: 'a tab, BOM, control character or lone carriage return', line }
  }
  try {
    return { value: new Reader(text).readDocument() }
  } catch (e) {
    if (e instanceof Stop) return { unsupported: e.reason, line: e.line }
    throw e
  }
}
