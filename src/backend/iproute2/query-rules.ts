/**
 * `ip -json rule show` (IPv4) → RouteRules. The kernel's default rules (local, main and default lookups) are left
 * out, and so are rules with selectors hostnet does not model (oif, uid ranges, ports, goto, l3mdev, ...): they
 * are not shown and no selector touches them.
 * @module
 */
import { ROUTE_RULE_ACTIONS, type RouteRule, type RouteRuleAction } from '../../model/host/route-rule.js'

/** The batch line (`ip -N -json -batch -`: tables as numbers). */
export const RULES_LINE = 'rule show'

const NAMED_TABLES: ReadonlyMap<string, number> = new Map([['main', 254], ['local', 255], ['default', 253]])
const DEFAULT_RULES: ReadonlyMap<number, number> = new Map([[0, 255], [32766, 254], [32767, 253]])
const MODELLED = new Set(['priority', 'src', 'srclen', 'dst', 'dstlen', 'table', 'fwmark', 'fwmask', 'iif', 'action', 'protocol', 'flags'])
const ALL_ONES = 0xffffffff
/** `-N` prints actions as their numbers (FR_ACT_* in fib_rules.h). */
const ACTION_NUMBERS: ReadonlyMap<string, RouteRuleAction> = new Map([['6', 'blackhole'], ['7', 'unreachable'], ['8', 'prohibit']])

function prefix(addr: unknown, len: unknown): string | undefined {
  if (typeof addr !== 'string' || addr === 'all') return undefined
  return `${addr}/${typeof len === 'number' ? len : 32}`
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number') return v
  if (typeof v !== 'string') return undefined
  const n = Number(v)
  return Number.isSafeInteger(n) ? n : NAMED_TABLES.get(v)
}

function parseRule(o: Record<string, unknown>): RouteRule | undefined {
  if (Object.keys(o).some((k) => !MODELLED.has(k))) return undefined
  if (o['flags'] !== undefined) return undefined
  const priority = num(o['priority'])
  const table = num(o['table'])
  const action = typeof o['action'] === 'string' ? (ACTION_NUMBERS.get(o['action']) ?? o['action']) : o['action']
  if (action !== undefined && !(ROUTE_RULE_ACTIONS as readonly unknown[]).includes(action)) return undefined
  const ipFrom = prefix(o['src'], o['srclen'])
  const ipTo = prefix(o['dst'], o['dstlen'])
  const fwmark = num(o['fwmark'])
  const fwmask = num(o['fwmask'])
  const iif = typeof o['iif'] === 'string' ? o['iif'] : undefined
  const r: RouteRule = {}
  if (ipFrom !== undefined) r.ipFrom = ipFrom
  if (ipTo !== undefined) r.ipTo = ipTo
  if (priority !== undefined) r.priority = priority
  if (action !== undefined) r.action = action as RouteRuleAction
  else if (table !== undefined) r.routeTable = table
  if (fwmark !== undefined) r.fwmark = fwmark
  if (fwmask !== undefined && fwmask !== ALL_ONES) r.fwmask = fwmask
  if (iif !== undefined) r.iif = iif
  const isDefault = priority !== undefined && DEFAULT_RULES.get(priority) === table && Object.keys(r).length === 2
  return isDefault ? undefined : r
}

export function parseRules(list: unknown): RouteRule[] {
  if (!Array.isArray(list)) return []
  const out: RouteRule[] = []
  for (const x of list) {
    if (x === null || typeof x !== 'object') continue
    const r = parseRule(x as Record<string, unknown>)
    if (r !== undefined) out.push(r)
  }
  return out
}
