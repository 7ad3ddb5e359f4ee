/**
 * wok's collection GET query: parameters starting with `_` are flags for the collection (`_inuse`); every other
 * one filters the resources: a resource is kept when it has the field and its value equals the filter, or the
 * filter (a Python regular expression, run by ./regex.ts) matches it from the start, or (a repeated parameter) the
 * value is one of the filter's values.
 *
 * Kimchi compares non-string values with `==` against the query's string and then crashes in `re.match` (a 500);
 * here they are compared by their JSON text (`in_use=true`, `vlan_id=10`).
 * @module
 */
import { invalid } from './errors.js'
import { RegexError, SafeRegex } from './regex.js'

/** Most filter parameters a query may carry. */
export const MAX_FILTER_PARAMS = 32

export interface SplitQuery {
  flags: Map<string, string>
  fields: Map<string, string[]>
}

export function splitQuery(query: URLSearchParams): SplitQuery {
  const flags = new Map<string, string>()
  const fields = new Map<string, string[]>()
  let n = 0
  for (const [k, v] of query) {
    if (++n > MAX_FILTER_PARAMS) throw invalid('HOSTNET0006E', { what: 'query parameters', max: MAX_FILTER_PARAMS })
    if (k.startsWith('_')) flags.set(k, v)
    else fields.set(k, [...(fields.get(k) ?? []), v])
  }
  return { flags, fields }
}

type Test = (value: unknown) => boolean

function fieldTest(key: string, vals: readonly string[]): Test {
  if (vals.length > 1) return (value) => typeof value === 'string' && vals.includes(value)
  const want = vals[0]!
  let re: SafeRegex
  try {
    re = SafeRegex.compile(want)
  } catch (e) {
    if (!(e instanceof RegexError)) throw e
    // not a pattern Python would accept either (or over the limits): equality only, as a plain value
    return (value) => text(value) === want
  }
  return (value) => text(value) === want || (typeof value === 'string' && re.match(value))
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? ''
}

/** The resources that pass every field filter. */
export function filterResources<T extends object>(resources: readonly T[], fields: ReadonlyMap<string, string[]>): T[] {
  if (fields.size === 0) return [...resources]
  const tests = [...fields].map(([k, vals]) => [k, fieldTest(k, vals)] as const)
  return resources.filter((r) => tests.every(([k, t]) => Object.prototype.hasOwnProperty.call(r, k) && t((r as Record<string, unknown>)[k])))
}
