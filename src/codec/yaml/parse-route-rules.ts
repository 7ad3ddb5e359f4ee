/**
 * `route-rules: {config: [...]}` (policy routing). IPv4 only: an IPv6 prefix is refused as not supported. An entry
 * with `state: absent` is a selector whose missing fields match anything.
 * @module
 */
import { ROUTE_RULE_ACTIONS } from '../../model/host/route-rule.js'
import type { RouteRule } from '../../model/host/route-rule.js'
import { UINT32_MAX } from '../../model/host/types/descriptor.js'
import { checkKeys, defined, failNotSupported, notSupported, opt, readEnum, readInt, readList, readObj, readString, sub } from './fields.js'
import type { Ctx } from './fields.js'
import { familyOf, readDestination, readIfName, readIp } from './values.js'

const RULE_KEYS = ['ip-from', 'ip-to', 'priority', 'route-table', 'fwmark', 'fwmask', 'iif', 'action', 'state', 'family']

/** A prefix, or a host address (read as /32): IPv4 only. */
function readRulePrefix(v: unknown, ctx: Ctx): string {
  const s = readString(v, ctx)
  const cidr = s.includes('/') ? readDestination(s, ctx) : `${readIp(s, ctx)}/${s.includes(':') ? 128 : 32}`
  if (familyOf(cidr) !== 'ipv4') failNotSupported(ctx, `${ctx.field} '${cidr}': IPv6 route rules are not supported`, v)
  return cidr
}

function readRule(v: unknown, index: number): RouteRule {
  const ctx: Ctx = { path: `/route-rules/config/${index}`, field: '', object: `route rule #${index}` }
  const o = readObj(v, ctx)
  checkKeys(o, RULE_KEYS, ctx, (k) =>
    ['suppress-prefix-length', 'suppress_prefixlength', 'oif', 'ipproto', 'sport', 'dport', 'uid-range'].includes(k) ? notSupported(`route rule ${k} is not supported`) : undefined,
  )
  const family = opt(o, 'family', ctx, (x, c) => readEnum(x, c, ['ipv4', 'ipv6'] as const))
  if (family === 'ipv6') failNotSupported(sub(ctx, 'family'), 'IPv6 route rules are not supported', o['family'])
  return defined<RouteRule>({
    ipFrom: opt(o, 'ip-from', ctx, readRulePrefix),
    ipTo: opt(o, 'ip-to', ctx, readRulePrefix),
    priority: opt(o, 'priority', ctx, (x, c) => readInt(x, c, 0, UINT32_MAX)),
    routeTable: opt(o, 'route-table', ctx, (x, c) => readInt(x, c, 1, UINT32_MAX)),
    fwmark: opt(o, 'fwmark', ctx, (x, c) => readInt(x, c, 0, UINT32_MAX)),
    fwmask: opt(o, 'fwmask', ctx, (x, c) => readInt(x, c, 0, UINT32_MAX)),
    iif: opt(o, 'iif', ctx, readIfName),
    action: opt(o, 'action', ctx, (x, c) => readEnum(x, c, ROUTE_RULE_ACTIONS)),
    state: opt(o, 'state', ctx, (x, c) => readEnum(x, c, ['absent'] as const)),
  })
}

export function readRouteRules(v: unknown): RouteRule[] {
  const ctx: Ctx = { path: '/route-rules', field: 'route-rules', object: 'route-rules' }
  const o = readObj(v, ctx)
  checkKeys(o, ['config'], ctx, (k) => (k === 'running' ? 'route-rules.running is what show reports; give route-rules.config' : undefined))
  const c = sub(ctx, 'config')
  const rules = o['config'] === undefined || o['config'] === null ? [] : readList(o['config'], c).map((r, i) => readRule(r, i))
  rules.forEach((r, i) => {
    if (r.state === undefined && r.action !== undefined && r.routeTable !== undefined) {
      failNotSupported(sub(sub(c, i), 'route-table'), 'a rule has either a route-table or an action, not both')
    }
  })
  return rules
}

export function routeRuleToPlain(r: RouteRule): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const put = (k: string, x: unknown): void => {
    if (x !== undefined) out[k] = x
  }
  put('ip-from', r.ipFrom)
  put('ip-to', r.ipTo)
  put('priority', r.priority)
  put('route-table', r.routeTable)
  put('fwmark', r.fwmark)
  put('fwmask', r.fwmask)
  put('iif', r.iif)
  put('action', r.action)
  put('state', r.state)
  return out
}
