/**
 * Op ordering. Ops are produced per interface in phases and sorted once (stable) by phase, then by a key within
 * the phase (dependency depth: parents before children, or children before parents for decreases and downs):
 *
 * 1. one bulk `link.delete` (children before parents, one end per veth pair);
 * 2. detach ports leaving a controller (moves too: detach here, attach in 5, so no step makes a loop);
 * 3. MTU decreases (children first), MTU increases (parents first), MACs of existing links;
 * 4. creates (parents first), then MTU/MAC of veth ends created by their peer;
 * 5. bond ports down, attach ports to controllers;
 * 6. bridge, bridge-port and bond options;
 * 7. links down (children first), links up (parents and controllers first);
 * 8. route deletes, address deletes, address adds, route adds;
 * 9. DHCP clients started (their stops come first of all, before the deletes).
 * @module
 */
import type { Iface } from '../../model/host/iface.js'
import { HostnetError } from '../../errors.js'
import { baseOf } from '../../model/host/relations.js'
import type { HostOp } from '../ops.js'

export const PHASES = [
  'dhcp-stop',
  'detach',
  'mtu-down',
  'mtu-up',
  'mac',
  'create',
  'post-create',
  'port-down',
  'attach',
  'options',
  'state-down',
  'state-up',
  'route-del',
  'addr-del',
  'addr-add',
  'route-add',
  'fdb',
  'dhcp-start',
] as const
export type Phase = (typeof PHASES)[number]

export interface Staged {
  phase: Phase
  /** Order within the phase (smaller first); ties keep production order. */
  key: number
  op: HostOp
}

const RANK: ReadonlyMap<Phase, number> = new Map(PHASES.map((p, i) => [p, i]))

export function orderOps(deletes: readonly string[], staged: readonly Staged[]): HostOp[] {
  const sorted = [...staged].sort((a, b) => RANK.get(a.phase)! - RANK.get(b.phase)! || a.key - b.key)
  // DHCP clients stop before anything else, the deletes included (a client's link may be deleted)
  const ops: HostOp[] = sorted.filter((s) => s.phase === 'dhcp-stop').map((s) => s.op)
  if (deletes.length > 0) ops.push({ kind: 'link.delete', names: [...deletes] })
  for (const s of sorted) if (s.phase !== 'dhcp-stop') ops.push(s.op)
  return ops
}

/**
 * Dependency depth: 0 for an interface without dependencies, else one more than its deepest dependency.
 * `deps` lists what a name depends on. Memoized; linear overall.
 */
export function depthFunction(deps: (name: string) => readonly string[]): (name: string) => number {
  const memo = new Map<string, number>()
  const visiting = new Set<string>()
  const depth = (name: string): number => {
    const known = memo.get(name)
    if (known !== undefined) return known
    if (visiting.has(name)) throw new HostnetError('bug', `dependency cycle through '${name}' reached the planner's ordering`)
    visiting.add(name)
    let d = 0
    for (const x of deps(name)) d = Math.max(d, depth(x) + 1)
    visiting.delete(name)
    memo.set(name, d)
    return d
  }
  return depth
}

/** Dependencies for creating and bringing up: a link's base and its controller. */
export function linkDeps(lookup: (name: string) => Iface | undefined): (name: string) => string[] {
  return (name) => {
    const i = lookup(name)
    if (i === undefined) return []
    const base = baseOf(i)
    return [...(base === undefined ? [] : [base]), ...(i.controller ? [i.controller] : [])]
  }
}
