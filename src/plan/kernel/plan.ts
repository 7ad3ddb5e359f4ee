/**
 * The kernel planner: (current, desired) → ordered ops, the expected state to verify, and every interface touched.
 * Pure, and all validation happens before the first op is produced. Pipeline:
 * normalize (document alone) → merge (with current: targets, implied changes, cascades) → validate targets and
 * routes → diff per interface → routes → order.
 * @module
 */
import type { DesiredState, HostState } from '../../model/host/state.js'
import { viewCurrent } from './current.js'
import { planDhcp } from './dhcp-plan.js'
import { diffInterfaces } from './diff.js'
import { buildExpected } from './expected.js'
import { mergeStates } from './merge.js'
import { normalizeDesired } from './normalize.js'
import { orderOps } from './order.js'
import type { Staged } from './order.js'
import type { HostPlan, PlanOptions } from '../planner.js'
import { planRoutes, validateRoutes } from './route-plan.js'
import { planRules } from './rule-plan.js'
import { buildTargetGraph, validateTargets } from './validate-target.js'

export function planKernel(current: HostState, desired: DesiredState, opts: PlanOptions): HostPlan {
  const cur = viewCurrent(current)
  const norm = normalizeDesired(desired)
  const merged = mergeStates(cur, norm, opts.caps ?? {})
  const graph = buildTargetGraph(merged, cur)
  validateTargets(graph, norm)
  validateRoutes(norm.routes, merged, cur)
  const diff = diffInterfaces(graph)
  const routes = planRoutes(cur, norm.routes, merged, diff.facts)
  const wantedRules = desired.routeRules?.config ?? []
  const rules = planRules(current.routeRules, wantedRules)
  const routeOps: Staged[] = [
    ...routes.dels.map((route): Staged => ({ phase: 'route-del', key: 0, op: { kind: 'route.del', route } })),
    ...routes.adds.map((route): Staged => ({ phase: 'route-add', key: 0, op: { kind: 'route.add', route: withoutState(route) } })),
    ...rules.dels.map((rule): Staged => ({ phase: 'route-del', key: 0, op: { kind: 'rule.del', rule } })),
    ...rules.adds.map((rule): Staged => ({ phase: 'route-add', key: 0, op: { kind: 'rule.add', rule: withoutState(rule) } })),
    ...planDhcp(merged),
  ]
  const touched = new Set<string>(merged.keys())
  for (const n of routes.touched) touched.add(n)
  return {
    ops: orderOps(diff.deletes, [...diff.staged, ...routeOps]),
    expected: buildExpected(merged, routes.expected, wantedRules),
    touched: [...touched],
  }
}

function withoutState<T extends { state?: unknown }>(r: T): T {
  if (r.state === undefined) return r
  const { state: _state, ...rest } = r
  return rest as T
}
