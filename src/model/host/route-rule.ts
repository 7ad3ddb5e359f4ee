/**
 * Policy routing rules (nmstate `route-rules.config`, the kernel's `ip rule`). IPv4 only for now: iproute2's batch
 * lines cannot carry `-6`, which an IPv6 rule needs.
 * @module
 */

/** What a rule does instead of a table lookup. */
export type RouteRuleAction = 'blackhole' | 'prohibit' | 'unreachable'

export interface RouteRule {
  /** Source prefix (CIDR, host addresses as /32); unset = from all. */
  ipFrom?: string
  /** Destination prefix (CIDR); unset = to all. */
  ipTo?: string
  /** Order of evaluation; the kernel picks one when unset. */
  priority?: number
  /** Table looked up; main (254) when unset and no action is given. */
  routeTable?: number
  fwmark?: number
  /** Mask of fwmark; all ones when unset. */
  fwmask?: number
  /** Incoming interface. */
  iif?: string
  action?: RouteRuleAction
  /** Desired only: remove the rules matching the given fields. */
  state?: 'absent'
}

export const ROUTE_RULE_ACTIONS: readonly RouteRuleAction[] = ['blackhole', 'prohibit', 'unreachable']

/** The rules every IPv4 namespace starts with (local, main and default lookups): never shown, never removed. */
export const KERNEL_DEFAULT_RULE_PRIORITIES: readonly number[] = [0, 32766, 32767]

export const RULE_MAIN_TABLE = 254

/** The table a present rule looks up (none for an action rule). */
export function ruleTableOf(r: RouteRule): number | undefined {
  return r.action !== undefined ? undefined : (r.routeTable ?? RULE_MAIN_TABLE)
}

/**
 * Whether `rule` satisfies `want`. A present `want` is the whole rule: every field it gives is equal and every other
 * field is unset in `rule`, except the priority (the kernel's choice when not given). An absent selector matches on
 * the fields it gives.
 */
export function ruleMatches(want: RouteRule, rule: RouteRule): boolean {
  const absent = want.state === 'absent'
  const eq = <T>(w: T | undefined, h: T | undefined): boolean => (absent && w === undefined) || w === h
  if (want.priority !== undefined && want.priority !== rule.priority) return false
  if (!eq(want.ipFrom, rule.ipFrom) || !eq(want.ipTo, rule.ipTo) || !eq(want.iif, rule.iif)) return false
  if (!eq(want.fwmark, rule.fwmark) || !eq(want.fwmask, rule.fwmask) || !eq(want.action, rule.action)) return false
  if (absent) return want.routeTable === undefined || want.routeTable === ruleTableOf(rule)
  return ruleTableOf(want) === ruleTableOf(rule)
}

export function describeRule(r: RouteRule): string {
  const parts = [`from ${r.ipFrom ?? 'all'}`]
  if (r.ipTo !== undefined) parts.push(`to ${r.ipTo}`)
  if (r.iif !== undefined) parts.push(`iif ${r.iif}`)
  if (r.fwmark !== undefined) parts.push(`fwmark ${r.fwmark}${r.fwmask === undefined ? '' : `/${r.fwmask}`}`)
  if (r.action !== undefined) parts.push(r.action)
  else if (r.routeTable !== undefined || r.state !== 'absent') parts.push(`table ${r.routeTable ?? RULE_MAIN_TABLE}`)
  return `${r.priority === undefined ? '' : `${r.priority}: `}rule ${parts.join(' ')}`
}
