/**
 * A minimal XML tree: what the parser produces and what codecs read. Attributes keep document order.
 * Whitespace-only text between elements is kept as text nodes; accessors skip it.
 * @module
 */

export interface XmlElement {
  readonly type: 'element'
  /** Qualified name exactly as written (`network`, `dnsmasq:option`). */
  readonly name: string
  /** Attributes in document order, namespace declarations included (`xmlns:app1`). */
  readonly attrs: ReadonlyArray<readonly [string, string]>
  readonly children: readonly XmlNode[]
  /** 1-based line of the start tag, for error messages. */
  readonly line: number
}

export interface XmlText {
  readonly type: 'text'
  readonly text: string
}

export interface XmlComment {
  readonly type: 'comment'
  readonly text: string
}

export type XmlNode = XmlElement | XmlText | XmlComment

/** Value of attribute `name`, or undefined. */
export function getAttr(el: XmlElement, name: string): string | undefined {
  for (const a of el.attrs) if (a[0] === name) return a[1]
  return undefined
}

/** Child elements, optionally only those named `name`. */
export function childElements(el: XmlElement, name?: string): XmlElement[] {
  const out: XmlElement[] = []
  for (const c of el.children) if (c.type === 'element' && (name === undefined || c.name === name)) out.push(c)
  return out
}

/** First child element named `name`, or undefined. */
export function firstChild(el: XmlElement, name: string): XmlElement | undefined {
  for (const c of el.children) if (c.type === 'element' && c.name === name) return c
  return undefined
}

/** Concatenated text content of the element's direct text children. */
export function textContent(el: XmlElement): string {
  let s = ''
  for (const c of el.children) if (c.type === 'text') s += c.text
  return s
}

/** Whether a text node is only XML whitespace. */
export function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c !== 0x20 && c !== 0x0a && c !== 0x09 && c !== 0x0d) return false
  }
  return true
}
