/**
 * Policy routing rule changes, by difference: a present desired rule is added unless a current rule matches it
 * whole; an absent selector deletes the current rules it matches that no present desired rule wants. Rules are
 * independent of links (an `iif` may name a link that does not exist yet), so nothing is flushed or restored.
 * @module
 */
import { ruleMatches, type RouteRule } from '../../model/host/route-rule.js'

export interface RulePlan {
  dels: RouteRule[]
  adds: RouteRule[]
}

/** `current` undefined: a state read without rules (a backend that has none), taken as none. */
export function planRules(current: readonly RouteRule[] | undefined, desired: readonly RouteRule[]): RulePlan {
  if (desired.length === 0) return { dels: [], adds: [] }
  const have = current ?? []
  const present = desired.filter((r) => r.state !== 'absent')
  const selectors = desired.filter((r) => r.state === 'absent')
  const wanted = (r: RouteRule): boolean => present.some((p) => ruleMatches(p, r))
  const dels = have.filter((r) => !wanted(r) && selectors.some((s) => ruleMatches(s, r)))
  const adds: RouteRule[] = []
  for (const p of present) {
    if (have.some((r) => ruleMatches(p, r)) || adds.some((a) => ruleMatches(p, a))) continue
    adds.push(p)
  }
  return { dels, adds }
}

/** Snapshot rules back: every rule the snapshot had, and nothing else (the snapshot read them all). */
export function revertRules(snapshot: readonly RouteRule[]): RouteRule[] {
  return [...snapshot.map((r) => ({ ...r })), { state: 'absent' }]
}
