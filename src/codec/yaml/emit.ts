/**
 * YAML output without the YAML library, for the common case: nested maps and lists of plain scalars, written
 * exactly as the `yaml` package's `stringify(doc, { lineWidth: 0 })` writes them (two-space indent, lists indented
 * under their key, `[]`/`{}` when empty). Strings are written plain only when they are unmistakably plain (a
 * conservative character set, nothing the core schema reads as a number, boolean or null), the empty string as
 * `""`, integers as they are. Anything else (other strings, fractions, null, lists of lists) returns undefined:
 * the caller then uses the library, so the output never differs. Checked against the library in emit.test.ts.
 * @module
 */

type Value = unknown

const PLAIN = /^[A-Za-z0-9_/:][A-Za-z0-9_./:@+-]*$/
/** What YAML 1.2's core schema resolves to something other than a string. */
const NOT_A_STRING = [
  /^[-+]?[0-9]+$/,
  /^0o[0-7]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/,
  /^[-+]?\.(inf|Inf|INF)$/,
  /^\.(nan|NaN|NAN)$/,
  /^(true|True|TRUE|false|False|FALSE)$/,
  /^(null|Null|NULL|~)$/,
]

/** The scalar as the library writes it, or undefined when this emitter does not handle it. */
function scalar(v: Value): string | undefined {
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false'
    case 'number':
      return Number.isSafeInteger(v) && !Object.is(v, -0) ? String(v) : undefined
    case 'string':
      if (v === '') return '""'
      if (!PLAIN.test(v) || v.endsWith(':') || NOT_A_STRING.some((re) => re.test(v))) return undefined
      return v
    default:
      return undefined
  }
}

const isMap = (v: Value): v is Record<string, Value> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Appends the lines of `key: value` at `indent`; false when this emitter does not handle them. */
function entry(key: string, value: Value, indent: string, out: string[]): boolean {
  const k = scalar(key)
  if (k === undefined || k === '""') return false
  if (Array.isArray(value) && value.length > 0) {
    out.push(`${indent}${k}:`)
    return seq(value, `${indent}  `, out)
  }
  if (isMap(value) && Object.keys(value).length > 0) {
    out.push(`${indent}${k}:`)
    return map(value, `${indent}  `, out)
  }
  const s = Array.isArray(value) ? '[]' : isMap(value) ? '{}' : scalar(value)
  if (s === undefined) return false
  out.push(`${indent}${k}: ${s}`)
  return true
}

function map(m: Record<string, Value>, indent: string, out: string[]): boolean {
  for (const [k, v] of Object.entries(m)) if (!entry(k, v, indent, out)) return false
  return true
}

function seq(items: readonly Value[], indent: string, out: string[]): boolean {
  for (const item of items) {
    if (isMap(item)) {
      if (Object.keys(item).length === 0) {
        out.push(`${indent}- {}`)
        continue
      }
      const first = out.length
      if (!map(item, `${indent}  `, out)) return false
      out[first] = `${indent}- ${out[first]!.slice(indent.length + 2)}`
      continue
    }
    if (Array.isArray(item)) return false
    const s = scalar(item)
    if (s === undefined) return false
    out.push(`${indent}- ${s}`)
  }
  return true
}

/** `doc` (a map) as YAML text, or undefined when it holds something this emitter leaves to the library. */
export function emitYaml(doc: Record<string, Value>): string | undefined {
  if (Object.keys(doc).length === 0) return undefined
  const out: string[] = []
  return map(doc, '', out) ? `${out.join('\n')}\n` : undefined
}
