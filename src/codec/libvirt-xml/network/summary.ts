/**
 * The two fields `net-list` shows of a stored network definition, read without building the document: the forward
 * mode (`none` without `<forward>`, `nat` for a `<forward>` without a mode, as parseNetworkXml) and the bridge
 * name, from the first `<forward>` and `<bridge>` children of `<network>`. A scan over the tags with native string
 * search, linear in the input; comments, CDATA, processing instructions and deeper elements (`<metadata>`
 * content) are skipped. Anything it does not expect gives undefined: the caller then parses the whole document.
 * @module
 */

export interface NetworkSummaryFields {
  forwardMode: string
  bridge: string | undefined
}

/** Same limit as the full parser's input: stored definitions are far smaller. */
const MAX_SUMMARY_INPUT = 4 * 1024 * 1024

const START_TAG = /<([A-Za-z_:][^\s/>]*)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y
const END_TAG = /<\/([A-Za-z_:][^\s>]*)\s*>/y
const ATTR = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g
const ENTITY = /&(?:(lt|gt|amp|apos|quot)|#(\d+)|#x([0-9a-fA-F]+));/g
const NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' }

/** An attribute value as an XML parser reports it: entities decoded, tab/CR/LF as spaces; undefined if malformed. */
function attrValue(raw: string): string | undefined {
  if (raw.includes('<')) return undefined
  const spaced = raw.replace(/[\t\n\r]/g, ' ')
  if (!spaced.includes('&')) return spaced
  if (spaced.replace(ENTITY, '').includes('&')) return undefined // a '&' that is not a reference
  let bad = false
  const out = spaced.replace(ENTITY, (_m, name: string | undefined, dec: string | undefined, hex: string | undefined) => {
    if (name !== undefined) return NAMED[name]!
    const code = dec !== undefined ? Number(dec) : parseInt(hex!, 16)
    if (!(code > 0 && code <= 0x10ffff)) bad = true
    return bad ? '' : String.fromCodePoint(code)
  })
  return bad ? undefined : out
}

/** The attribute `name` of a start tag's attribute text ('' counts as absent, as libvirt's XPath reads). */
function attr(attrs: string, name: string): string | undefined | null {
  ATTR.lastIndex = 0
  for (let m = ATTR.exec(attrs); m !== null; m = ATTR.exec(attrs)) {
    if (m[1] !== name) continue
    const v = attrValue(m[2] ?? m[3] ?? '')
    if (v === undefined) return null
    return v === '' ? undefined : v
  }
  return undefined
}

/** Index just past the construct starting at `i` ('<!--', '<![CDATA[', '<?', '<!'), or -1. */
function skipSpecial(xml: string, i: number): number {
  const close = xml.startsWith('<!--', i) ? '-->' : xml.startsWith('<![CDATA[', i) ? ']]>' : xml.startsWith('<?', i) ? '?>' : undefined
  if (close === undefined) return -1 // a DOCTYPE or worse: the full parser refuses it
  const end = xml.indexOf(close, i + 2)
  return end < 0 ? -1 : end + close.length
}

/**
 * The summary fields of a `<network>` document, or undefined when the scan meets something it does not handle
 * (the caller parses the document instead).
 */
export function readNetworkSummary(xml: string): NetworkSummaryFields | undefined {
  if (xml.length > MAX_SUMMARY_INPUT) return undefined
  let depth = 0
  let seenRoot = false
  let forward: string | undefined | null = null // null: no <forward> seen yet
  let bridge: string | undefined | null = null
  let i = xml.indexOf('<')
  while (i >= 0) {
    const c = xml.charCodeAt(i + 1)
    if (c === 0x21 /* ! */ || c === 0x3f /* ? */) {
      const next = skipSpecial(xml, i)
      if (next < 0) return undefined
      i = xml.indexOf('<', next)
      continue
    }
    if (c === 0x2f /* / */) {
      END_TAG.lastIndex = i
      const m = END_TAG.exec(xml)
      if (m === null || depth === 0) return undefined
      depth--
      i = xml.indexOf('<', END_TAG.lastIndex)
      continue
    }
    START_TAG.lastIndex = i
    const m = START_TAG.exec(xml)
    if (m === null) return undefined
    const [, name, attrs, selfClosing] = m
    if (depth === 0) {
      if (seenRoot || name !== 'network') return undefined
      seenRoot = true
    } else if (depth === 1) {
      if (name === 'forward' && forward === null) {
        const mode = attr(attrs!, 'mode')
        if (mode === null) return undefined
        forward = mode ?? 'nat'
      } else if (name === 'bridge' && bridge === null) {
        const b = attr(attrs!, 'name')
        if (b === null) return undefined
        bridge = b
      }
    }
    if (selfClosing !== '/') depth++
    i = xml.indexOf('<', START_TAG.lastIndex)
  }
  if (!seenRoot || depth !== 0) return undefined
  return { forwardMode: forward ?? 'none', bridge: bridge ?? undefined }
}
