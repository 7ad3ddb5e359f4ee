/**
 * Checks of the merged targets as a whole, before any op is produced: every base interface, controller, port
 * and veth peer exists after the plan; controllers can have ports; MTUs fit their base; VLAN ids are unique per
 * base; STP timers are in the kernel's range; and the interface graph has no cycle.
 * @module
 */
import type { Iface } from '../../model/host/iface.js'
import { CONTROLLER_TYPES } from '../../model/host/iface.js'
import type { CurrentView } from './current.js'
import { baseField, baseOf, CHILD_TYPES, pushTo } from './graph.js'
import { effectiveMtu, isCreated, targetOf } from './merged.js'
import type { Merged } from './merged.js'
import type { NormalizedDesired } from './normalize.js'
import { ifacePath, invalid, unsupported } from '../problems.js'

export interface TargetGraph {
  merged: ReadonlyMap<string, Merged>
  cur: CurrentView
  /** controller → ports, after the plan. */
  ports: Map<string, string[]>
}

export function buildTargetGraph(merged: ReadonlyMap<string, Merged>, cur: CurrentView): TargetGraph {
  const ports = new Map<string, string[]>()
  for (const [name, i] of cur.ifaces) if (!merged.has(name) && i.controller) pushTo(ports, i.controller, name)
  for (const m of merged.values()) if (m.target?.controller) pushTo(ports, m.target.controller, m.name)
  return { merged, cur, ports }
}

function fieldPath(m: Merged, field: string): string {
  return m.index >= 0 ? ifacePath(m.index, field) : m.path
}

/** Why `name` is not there after the plan. */
function missing(g: TargetGraph, name: string): string {
  const m = g.merged.get(name)
  return m !== undefined && m.target === undefined && m.current !== undefined ? 'is being removed' : 'neither exists nor is in the document'
}

function checkBase(g: TargetGraph, m: Merged, t: Iface): void {
  const base = baseOf(t)
  if (base === undefined || !CHILD_TYPES.has(t.type)) return
  const path = fieldPath(m, baseField(t.type))
  if (base === m.name) invalid(path, m.name, 'cannot be its own base interface', base)
  const b = targetOf(g.merged, g.cur.ifaces, base)
  if (b === undefined) invalid(path, m.name, `base interface '${base}' ${missing(g, base)}`, base)
  const baseMtu = effectiveMtu(g.merged, g.cur.ifaces, base)
  // a bond forces its MTU on its ports, and a child's MTU cannot exceed its base's
  const bond = t.controller && targetOf(g.merged, g.cur.ifaces, t.controller)?.type === 'bond' ? t.controller : undefined
  const mtu = bond === undefined ? t.mtu : effectiveMtu(g.merged, g.cur.ifaces, bond)
  if (t.type !== 'vxlan' && mtu !== undefined && baseMtu !== undefined && mtu > baseMtu) {
    const what = bond !== undefined ? `the mtu ${mtu} of its bond '${bond}'` : `mtu ${mtu}`
    invalid(fieldPath(m, 'mtu'), m.name, `${what} is larger than the mtu ${baseMtu} of its base interface '${base}'`, mtu)
  }
}

function checkController(g: TargetGraph, m: Merged, t: Iface): void {
  const c = t.controller
  const path = m.index >= 0 && m.desired.controller !== undefined ? ifacePath(m.index, 'controller') : m.path
  if (!c) {
    if (m.desired.bridgePort !== undefined) invalid(fieldPath(m, 'bridge-port'), m.name, 'has bridge-port options but no controller')
    return
  }
  if (c === m.name) invalid(path, m.name, 'cannot be its own controller', c)
  const ct = targetOf(g.merged, g.cur.ifaces, c)
  if (ct === undefined) invalid(path, m.name, `controller '${c}' ${missing(g, c)}`, c)
  if (ct.type === 'ovs-bridge') unsupported(path, m.name, `controller '${c}' is an OVS bridge; hostnet's kernel backend cannot attach ports to it`)
  if (!CONTROLLER_TYPES.has(ct.type)) invalid(path, m.name, `controller '${c}' is a ${ct.type}, which cannot have ports`, c)
  if (ct.type === 'linux-bridge' && t.type === 'linux-bridge') invalid(path, m.name, `a bridge cannot be a port of bridge '${c}'`, c)
  if (t.type === 'loopback') invalid(path, m.name, 'the loopback interface cannot be a port', c)
  if (m.desired.bridgePort !== undefined && ct.type !== 'linux-bridge') {
    invalid(fieldPath(m, 'bridge-port'), m.name, `has bridge-port options but its controller '${c}' is a ${ct.type}`)
  }
  const bondMtu = ct.type === 'bond' ? effectiveMtu(g.merged, g.cur.ifaces, c) : undefined
  if (bondMtu !== undefined && m.desired.mtu !== undefined && m.desired.mtu !== bondMtu) {
    invalid(fieldPath(m, 'mtu'), m.name, `mtu ${m.desired.mtu} differs from the mtu ${bondMtu} of its bond '${c}' (a bond sets its ports' mtu)`, m.desired.mtu)
  }
}

function checkVethPeer(g: TargetGraph, m: Merged, t: Iface): void {
  const peer = t.veth?.peer
  if (t.type !== 'veth' || peer === undefined || !isCreated(m)) return
  const path = fieldPath(m, 'veth/peer')
  if (peer === m.name) invalid(path, m.name, 'cannot be its own veth peer', peer)
  const pm = g.merged.get(peer)
  if (isCreated(pm) && pm?.target?.type === 'veth' && pm.target.veth?.peer === m.name) return
  if (pm !== undefined && pm.target === undefined) invalid(path, m.name, `veth peer '${peer}' is desired absent`, peer)
  if (pm?.target !== undefined && pm.target.type !== 'veth') invalid(path, m.name, `veth peer '${peer}' is a ${pm.target.type}`, peer)
  if (pm?.target?.veth?.peer !== undefined && pm.target.veth.peer !== m.name) {
    invalid(path, m.name, `veth peer '${peer}' has peer '${pm.target.veth.peer}'`, peer)
  }
  invalid(path, m.name, `veth peer '${peer}' already exists (name it in the document with veth peer '${m.name}' to recreate it)`, peer)
}

function checkStp(m: Merged, t: Iface): void {
  const d = m.desired.bridge?.options?.forwardDelaySec
  if (t.bridge?.options?.stp === true && d !== undefined && (d < 2 || d > 30)) {
    invalid(fieldPath(m, 'bridge/options/stp/forward-delay'), m.name, `forward-delay ${d} must be in 2..30 while STP is enabled`, d)
  }
}

function checkVlanIds(g: TargetGraph): void {
  const used = new Map<string, string>()
  const key = (i: Iface): string => `${i.vlan?.baseIface}|${i.vlan?.id}|${i.vlan?.protocol ?? '802.1q'}`
  for (const [name, i] of g.cur.ifaces) if (!g.merged.has(name) && i.type === 'vlan') used.set(key(i), name)
  for (const m of g.merged.values()) {
    if (m.target?.type !== 'vlan') continue
    const other = used.get(key(m.target))
    if (other !== undefined && other !== m.name) {
      invalid(fieldPath(m, 'vlan/id'), m.name, `vlan id ${m.target.vlan?.id} on '${m.target.vlan?.baseIface}' is already used by '${other}'`, m.target.vlan?.id)
    }
    used.set(key(m.target), m.name)
  }
}

/** Blame the first edge of the cycle the document made: a base-iface field or a port claim. */
function reportCycle(g: TargetGraph, norm: NormalizedDesired, cycle: string[]): never {
  const text = `dependency cycle: ${cycle.join(' -> ')}`
  for (let k = 0; k + 1 < cycle.length; k++) {
    const a = cycle[k]!
    const b = cycle[k + 1]!
    const ma = g.merged.get(a)
    const claim = norm.claims.get(b)
    if (claim?.controller === a) invalid(claim.path, b, text, a)
    if (ma !== undefined && ma.index >= 0 && ma.target !== undefined && baseOf(ma.target) === b) invalid(fieldPath(ma, baseField(ma.target.type)), a, text, b)
  }
  const first = [...cycle].map((n) => g.merged.get(n)).find((m) => m !== undefined)
  return invalid(first?.path ?? '', cycle[0]!, text)
}

/** A cycle through base and port relations (VLAN on VLAN on itself, bond in bridge in bond, a bridge port on its bridge). */
function checkCycles(g: TargetGraph, norm: NormalizedDesired): void {
  const color = new Map<string, 1 | 2>()
  const lowers = (n: string): string[] => {
    const t = targetOf(g.merged, g.cur.ifaces, n)
    const base = t === undefined ? undefined : baseOf(t)
    return [...(base === undefined ? [] : [base]), ...(g.ports.get(n) ?? [])]
  }
  for (const start of g.merged.keys()) {
    if (color.has(start)) continue
    const stack: Array<{ n: string; next: string[] }> = [{ n: start, next: lowers(start) }]
    color.set(start, 1)
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!
      const n = top.next.pop()
      if (n === undefined) {
        color.set(top.n, 2)
        stack.pop()
        continue
      }
      if (color.get(n) === 1) {
        const cycle = [...stack.slice(stack.findIndex((s) => s.n === n)).map((s) => s.n), n]
        reportCycle(g, norm, cycle)
      }
      if (color.has(n)) continue
      color.set(n, 1)
      stack.push({ n, next: lowers(n) })
    }
  }
}

function checkClaims(g: TargetGraph, norm: NormalizedDesired): void {
  for (const [port, claim] of norm.claims) {
    if (claim.controller === null || targetOf(g.merged, g.cur.ifaces, port) !== undefined) continue
    invalid(claim.path, port, `port of '${claim.controller}' ${missing(g, port)}`, port)
  }
}

export function validateTargets(g: TargetGraph, norm: NormalizedDesired): void {
  checkClaims(g, norm)
  for (const m of g.merged.values()) {
    const t = m.target
    if (t === undefined) continue
    checkBase(g, m, t)
    checkController(g, m, t)
    checkVethPeer(g, m, t)
    checkStp(m, t)
  }
  checkVlanIds(g)
  checkCycles(g, norm)
}
