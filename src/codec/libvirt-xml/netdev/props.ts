/**
 * Attribute and text accessors with libvirt's semantics, shared by the libvirt XML codecs (network, networkport,
 * domain interface, host interface).
 *
 * libvirt reads values two ways and they differ on empty strings:
 * - `virXMLPropString` (here `prop`): an empty attribute is a present, empty value;
 * - `virXPathString("string(./@x)")` (here `xpathProp` / `xpathText`): an empty value counts as absent.
 * Numbers follow C's strtoul as libvirt's virStrToLong_* use it (leading white space and '+' accepted, base 0 means
 * decimal / 0x hex / 0 octal, nothing may follow the digits).
 *
 * Every error is a ValidationError whose message ends with `in <object>` (e.g. `in network 'default'`) unless the
 * message already names it, and whose `path` is an XPath-like location (`/network/ip[2]/@prefix`).
 * @module
 */
import { ValidationError } from '../../../errors.js'
import type { XmlElement } from '../../xml/dom.js'

/** Where we are while parsing: an XPath-like path and the object being defined (for messages). */
export interface ParseContext {
  /** e.g. `/network/portgroup[2]/virtualport` */
  readonly path: string
  /** e.g. `network 'default'`; appended to messages as ` in network 'default'`. */
  readonly object?: string | undefined
}

/** Context of a child element; `index` is its 1-based position among same-named siblings (omitted when unique). */
export function childCtx(ctx: ParseContext, name: string, index?: number): ParseContext {
  return { path: `${ctx.path}/${name}${index === undefined ? '' : `[${index}]`}`, object: ctx.object }
}

export function attrPath(ctx: ParseContext, name: string): string {
  return `${ctx.path}/@${name}`
}

/** Throw a ValidationError for `ctx` (an attribute path when `attr` is given). */
export function fail(ctx: ParseContext, message: string, opts: { attr?: string; value?: unknown } = {}): never {
  const obj = ctx.object
  const text = obj === undefined || message.includes(obj) ? message : `${message} in ${obj}`
  throw new ValidationError(text, {
    path: opts.attr === undefined ? ctx.path : attrPath(ctx, opts.attr),
    ...(opts.value === undefined ? {} : { value: opts.value }),
    ...(obj === undefined ? {} : { object: obj }),
  })
}

/** Attribute value as written ('' is a value), or undefined. */
export function prop(el: XmlElement | undefined, name: string): string | undefined {
  if (el === undefined) return undefined
  for (const a of el.attrs) if (a[0] === name) return a[1]
  return undefined
}

/** Attribute value, with '' treated as absent (XPath string() semantics). */
export function xpathProp(el: XmlElement | undefined, name: string): string | undefined {
  const v = prop(el, name)
  return v === '' ? undefined : v
}

/** XPath string value of an element: all descendant text, concatenated. */
export function stringValue(el: XmlElement): string {
  let s = ''
  for (const c of el.children) {
    if (c.type === 'text') s += c.text
    else if (c.type === 'element') s += stringValue(c)
  }
  return s
}

/** XPath `string(./name[1])`: the string value of the first child named `name`, '' counting as absent. */
export function xpathText(el: XmlElement, name: string): string | undefined {
  const c = firstElement(el, name)
  if (c === undefined) return undefined
  const s = stringValue(c)
  return s === '' ? undefined : s
}

export function firstElement(el: XmlElement, name: string): XmlElement | undefined {
  for (const c of el.children) if (c.type === 'element' && c.name === name) return c
  return undefined
}

export function elements(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = []
  for (const c of el.children) if (c.type === 'element' && c.name === name) out.push(c)
  return out
}

export function hasElementChild(el: XmlElement): boolean {
  for (const c of el.children) if (c.type === 'element') return true
  return false
}

function isCSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d)
}

function digitValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10
  return 99
}

/**
 * strtoul-style unsigned parse (libvirt's virStrToLong_*p): undefined when `s` is not entirely a non-negative
 * number in `base` (0, 8, 10 or 16) or exceeds `max` (at most Number.MAX_SAFE_INTEGER).
 */
export function parseCUnsigned(s: string, base: 0 | 8 | 10 | 16, max: number): number | undefined {
  let i = 0
  const n = s.length
  while (i < n && isCSpace(s.charCodeAt(i))) i++
  if (s.charCodeAt(i) === 0x2b) i++ // '+'
  let b: number = base
  const hexPrefix = s.charCodeAt(i) === 0x30 && (s.charCodeAt(i + 1) | 0x20) === 0x78 && digitValue(s.charCodeAt(i + 2)) < 16
  if ((b === 0 || b === 16) && hexPrefix) {
    b = 16
    i += 2
  } else if (b === 0) {
    b = s.charCodeAt(i) === 0x30 ? 8 : 10
  }
  if (i >= n) return undefined
  let v = 0
  for (; i < n; i++) {
    const d = digitValue(s.charCodeAt(i))
    if (d >= b) return undefined
    v = v * b + d
    if (v > max) return undefined
  }
  return v
}

export type Base = 0 | 8 | 10 | 16

/**
 * An unsigned integer attribute (libvirt's virXMLPropUInt / virXMLPropULongLong): undefined when absent; an
 * error naming the attribute when it is not a number in range.
 */
export function propUnsigned(
  el: XmlElement,
  name: string,
  ctx: ParseContext,
  opts: { base?: Base; max?: number } = {},
): number | undefined {
  const v = prop(el, name)
  if (v === undefined) return undefined
  const n = parseCUnsigned(v, opts.base ?? 10, opts.max ?? 0xffffffff)
  if (n === undefined) {
    fail(ctx, `Invalid value for attribute '${name}' in element '${el.name}': '${v}'. Expected non-negative integer value`, {
      attr: name,
      value: v,
    })
  }
  return n
}

/** A yes/no attribute (libvirt's virXMLPropTristateBool): undefined when absent, an error for any other value. */
export function propYesNo(el: XmlElement | undefined, name: string, ctx: ParseContext): boolean | undefined {
  if (el === undefined) return undefined
  const v = prop(el, name)
  if (v === undefined) return undefined
  if (v === 'yes') return true
  if (v === 'no') return false
  return fail(ctx, `Invalid value for attribute '${name}' in element '${el.name}': '${v}'.`, { attr: name, value: v })
}

/** An enumerated attribute (libvirt's virXMLPropEnum): undefined when absent, an error for unknown values. */
export function propEnum<T extends string>(
  el: XmlElement,
  name: string,
  values: readonly T[],
  ctx: ParseContext,
): T | undefined {
  const v = prop(el, name)
  if (v === undefined) return undefined
  if ((values as readonly string[]).includes(v)) return v as T
  return fail(ctx, `Invalid value for attribute '${name}' in element '${el.name}': '${v}'.`, { attr: name, value: v })
}

/** 'yes'/'no' for output, undefined stays undefined (the attribute is then omitted). */
export function yesNo(v: boolean | undefined): 'yes' | 'no' | undefined {
  return v === undefined ? undefined : v ? 'yes' : 'no'
}

/** Length of `s` in UTF-8 bytes (libvirt's length limits count bytes). */
export function utf8Length(s: string): number {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80) n += 1
    else if (c < 0x800) n += 2
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4
      i++
    } else n += 3
  }
  return n
}
