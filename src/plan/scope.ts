/**
 * The part of a current state a small document can involve, so that the engine can read just that part and plan
 * against it (a scoped read): the same plan as against the whole state, at the cost of a few named reads.
 *
 * - Seeds: every name the document mentions (entries, listed ports, controllers, bases, veth peers).
 * - Full members: the seeds, closed under base, ports and children. The planner follows these relations from an
 *   interface it may change (MTU propagation, port-list replacement, VLAN id clashes, the dependency-cycle walk),
 *   and revertDesired widens `touched` along children and ports. A full member is read with its ports, children
 *   and routes.
 * - Shallow members: the controllers and bases of members, closed the same way (the planner reads their type and
 *   MTU, and op ordering their depth), read as themselves only.
 *
 * Routes through full members only: without routes in the document the planner looks only at routes through the
 * interfaces it touches (all full members), and revertDesired only at routes through the widened `touched`.
 * A document with routes is never scoped (an absent selector may match any route).
 *
 * A scoped plan is used only without deletes and recreates (`scopedPlanUsable`): those drag along what the scope
 * leaves out, an existing veth's peer and the children the backend cannot find (it finds children through the
 * kernel's upper/lower links, which VXLANs and tunnels with a `dev` do not make). Without them the planner never
 * looks at an existing veth's peer (a new veth's peer is a seed), and the kernel never changes the peer along,
 * so a rollback from the scoped snapshot, which leaves the peer alone, does what one from the whole snapshot
 * does (plan/scope.test.ts checks both).
 * @module
 */
import type { Iface } from '../model/host/iface.js'
import type { DesiredState, HostState } from '../model/host/state.js'
import { viewCurrent } from './kernel/current.js'
import { baseOf, listedPortNames, referencedNames, withoutPortLists } from '../model/host/relations.js'
import type { HostOp } from './ops.js'

/** Every interface name a document mentions, document order first. */
export function scopeSeeds(desired: DesiredState): string[] {
  const out = new Set<string>()
  for (const i of desired.interfaces) out.add(i.name)
  for (const i of desired.interfaces) {
    for (const p of listedPortNames(i) ?? []) out.add(p)
    if (typeof i.controller === 'string' && i.controller !== '') out.add(i.controller)
    for (const r of referencedNames(i)) out.add(r)
    if (i.copyMacFrom !== undefined) out.add(i.copyMacFrom)
  }
  return [...out]
}

/** Whether a document can be planned against a scoped read at all: not with routes. */
export function scopable(desired: DesiredState): boolean {
  return desired.routes === undefined && desired.routeRules === undefined
}

export interface Scope {
  /** Read with ports, children and routes. */
  full: Set<string>
  /** Read as themselves (controllers and bases of members). */
  shallow: Set<string>
}

/**
 * The scope of `seeds` in a whole state (the reference the backend's scoped read must cover), or undefined when
 * it would hold more than `maxInterfaces` interfaces. Names that do not exist stay in `full` (they were looked for).
 */
export function scopeOf(state: HostState, seeds: readonly string[], maxInterfaces = Number.POSITIVE_INFINITY): Scope | undefined {
  const view = viewCurrent(state)
  const full = new Set<string>()
  const shallow = new Set<string>()
  const queue: Array<[string, boolean]> = seeds.map((n) => [n, true])
  while (queue.length > 0) {
    const [n, asFull] = queue.pop()!
    if (full.has(n) || (!asFull && shallow.has(n))) continue
    if (asFull) {
      full.add(n)
      shallow.delete(n)
    } else shallow.add(n)
    if (full.size + shallow.size > maxInterfaces) return undefined
    const i = view.ifaces.get(n)
    if (i === undefined) continue
    for (const m of scopeNeighbours(i, asFull, view.ports.get(n) ?? [], view.children.get(n) ?? [])) queue.push(m)
  }
  return { full, shallow }
}

/**
 * Where the scope grows from one interface: a full member takes its base, ports and children in as full
 * members; any member takes its controller (and a shallow one its base) in as shallow.
 */
export function scopeNeighbours(i: Iface, asFull: boolean, ports: readonly string[], children: readonly string[]): Array<[string, boolean]> {
  const out: Array<[string, boolean]> = []
  const base = baseOf(i)
  if (asFull) {
    for (const m of [base, ...ports, ...children]) if (m !== undefined && m !== i.name) out.push([m, true])
  } else if (base !== undefined && base !== i.name) out.push([base, false])
  if (i.controller) out.push([i.controller, false])
  return out
}

/**
 * The part of `state` a scope covers: its interfaces (in the state's order; shallow members without
 * controller-side port lists, which a scoped read cannot complete) and the routes through full members.
 */
export function restrictState(state: HostState, scope: Scope): HostState {
  const interfaces: Iface[] = []
  for (const i of state.interfaces) {
    if (scope.full.has(i.name)) interfaces.push(i)
    else if (scope.shallow.has(i.name)) interfaces.push(withoutPortLists(i))
  }
  const routes = state.routes.filter((r) => r.nextHopInterface !== undefined && scope.full.has(r.nextHopInterface))
  return { ...state, interfaces, routes }
}

/** Whether a plan made against a scoped read can be used (see the module doc: no deletes or recreates). */
export function scopedPlanUsable(ops: readonly HostOp[]): boolean {
  return !ops.some((op) => op.kind === 'link.delete')
}
