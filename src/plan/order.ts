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
 * 8. route deletes, address deletes, address adds, route adds.
 * @module
 */
import type { Iface } from '../model/host/iface.js'
import { HostnetError } from '../errors.js'
import { baseOf } from './graph.js'
import type { HostOp } from './ops.js'

export const PHASES = [
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
  const ops: HostOp[] = deletes.length > 0 ? [{ kind: 'link.delete', names: [...deletes] }] : []
  for (const s of sorted) ops.push(s.op)
  return ops
}

/**
 * Dependency depth of interfaces: 0 for one without base or controller, else one more than the deeper of its
 * base and its controller. `lookup` gives the interface a name will be (or was). Memoized; linear overall.
 */
export function depthFunction(lookup: (name: string) => Iface | undefined): (name: string) => number {
  const memo = new Map<string, number>()
  const visiting = new Set<string>()
  const depth = (name: string): number => {
    const known = memo.get(name)
    if (known !== undefined) return known
    const i = lookup(name)
    if (i === undefined) return 0
    if (visiting.has(name)) throw new HostnetError('bug', `dependency cycle through '${name}' reached the planner's ordering`)
    visiting.add(name)
    const base = baseOf(i)
    const d = Math.max(base === undefined ? -1 : depth(base), i.controller ? depth(i.controller) : -1) + 1
    visiting.delete(name)
    memo.set(name, d)
    return d
  }
  return depth
}
