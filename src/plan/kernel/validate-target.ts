/**
 * Checks of the merged targets as a whole, before any op is produced: every base interface, controller, port
 * and veth peer exists after the plan; controllers can have ports; MTUs fit their base; VLAN ids are unique per
 * base; STP timers are in the kernel's range; and the interface graph has no cycle.
 * @module
 */
import type { Iface } from '../../model/host/iface.js'
import { baseField, baseOf, peerOf, sectionOf } from '../../model/host/relations.js'
import type { SectionProblem } from '../../model/host/types/descriptor.js'
import { BOUNDED_MTU_TYPES, CHILD_TYPES, CONTROLLER_TYPES, fieldPath as fieldPathOf, IFACE_TYPE_DESCRIPTORS, PORT_OPTION_SPECS, typeDescriptor } from '../../model/host/types/index.js'
import type { CurrentView } from './current.js'
import { pushTo } from './graph.js'
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
  const ctrl = t.controller ? targetOf(g.merged, g.cur.ifaces, t.controller) : undefined
  const bond = ctrl !== undefined && typeDescriptor(ctrl.type).controller?.setsPortMtu === true ? ctrl.name : undefined
  const mtu = bond === undefined ? t.mtu : effectiveMtu(g.merged, g.cur.ifaces, bond)
  if (BOUNDED_MTU_TYPES.has(t.type) && mtu !== undefined && baseMtu !== undefined && mtu > baseMtu) {
    const what = bond !== undefined ? `the mtu ${mtu} of its bond '${bond}'` : `mtu ${mtu}`
    invalid(fieldPath(m, 'mtu'), m.name, `${what} is larger than the mtu ${baseMtu} of its base interface '${base}'`, mtu)
  }
}

/** The port-side options `i` gives (their document key), if any. */
function portOptionsGiven(i: Iface): string | undefined {
  for (const p of PORT_OPTION_SPECS) if ((i as unknown as Record<string, unknown>)[p.prop] !== undefined) return p.key
  return undefined
}

function checkController(g: TargetGraph, m: Merged, t: Iface): void {
  const c = t.controller
  const path = m.index >= 0 && m.desired.controller !== undefined ? ifacePath(m.index, 'controller') : m.path
  const options = portOptionsGiven(m.desired)
  if (!c) {
    if (options !== undefined) invalid(fieldPath(m, options), m.name, `has ${options} options but no controller`)
    return
  }
  if (c === m.name) invalid(path, m.name, 'cannot be its own controller', c)
  const ct = targetOf(g.merged, g.cur.ifaces, c)
  if (ct === undefined) invalid(path, m.name, `controller '${c}' ${missing(g, c)}`, c)
  if (ct.type === 'ovs-bridge') unsupported(path, m.name, `controller '${c}' is an OVS bridge; hostnet's kernel backend cannot attach ports to it`)
  if (!CONTROLLER_TYPES.has(ct.type)) invalid(path, m.name, `controller '${c}' is a ${ct.type}, which cannot have ports`, c)
  const rules = typeDescriptor(ct.type).controller!
  const refused = rules.refusesPort?.(t.type)
  if (refused !== undefined) invalid(path, m.name, `${refused} '${c}'`, c)
  const notAPort = typeDescriptor(t.type).notAPort
  if (notAPort !== undefined) invalid(path, m.name, notAPort, c)
  if (options !== undefined && rules.portOptions?.key !== options) {
    invalid(fieldPath(m, options), m.name, `has ${options} options but its controller '${c}' is a ${ct.type}`)
  }
  const bondMtu = rules.setsPortMtu === true ? effectiveMtu(g.merged, g.cur.ifaces, c) : undefined
  if (bondMtu !== undefined && m.desired.mtu !== undefined && m.desired.mtu !== bondMtu) {
    invalid(fieldPath(m, 'mtu'), m.name, `mtu ${m.desired.mtu} differs from the mtu ${bondMtu} of its bond '${c}' (a bond sets its ports' mtu)`, m.desired.mtu)
  }
}

/** The document path of a type's peer field (`veth/peer`). */
function peerPath(m: Merged, t: Iface): string {
  const s = typeDescriptor(t.type).section!
  return fieldPath(m, fieldPathOf(s, typeDescriptor(t.type).peerField!))
}

/** A new link with a peer (a veth): the peer is new too, of the same type, and names it back. */
function checkPeer(g: TargetGraph, m: Merged, t: Iface): void {
  const peer = peerOf(t)
  if (peer === undefined || !isCreated(m)) return
  const path = peerPath(m, t)
  if (peer === m.name) invalid(path, m.name, 'cannot be its own veth peer', peer)
  const pm = g.merged.get(peer)
  const back = pm?.target === undefined ? undefined : peerOf(pm.target)
  if (isCreated(pm) && pm?.target?.type === t.type && back === m.name) return
  if (pm !== undefined && pm.target === undefined) invalid(path, m.name, `veth peer '${peer}' is desired absent`, peer)
  if (pm?.target !== undefined && pm.target.type !== t.type) invalid(path, m.name, `veth peer '${peer}' is a ${pm.target.type}`, peer)
  if (back !== undefined && back !== m.name) invalid(path, m.name, `veth peer '${peer}' has peer '${back}'`, peer)
  invalid(path, m.name, `veth peer '${peer}' already exists (name it in the document with veth peer '${m.name}' to recreate it)`, peer)
}

/** Types whose section checks targets. */
const TARGET_CHECKED: ReadonlySet<string> = new Set(Object.values(IFACE_TYPE_DESCRIPTORS).filter((d) => d.section?.checkTarget !== undefined).map((d) => d.type))

/** The checks a type's section makes on a target (a bridge's forward delay while STP is on). */
function checkSectionTarget(m: Merged, t: Iface): void {
  if (!TARGET_CHECKED.has(t.type)) return
  const s = typeDescriptor(t.type).section
  const target = sectionOf(t)
  if (s?.checkTarget === undefined || target === undefined) return
  const problem = (s.checkTarget as (t: unknown, d: unknown) => SectionProblem | undefined)(target, sectionOf(m.desired, t.type))
  if (problem !== undefined) invalid(fieldPath(m, `${s.key}/${problem.field}`), m.name, problem.message, problem.value)
}

/** Keys that must be unique among the links of a type (a VLAN id and protocol on a base). */
function checkUnique(g: TargetGraph): void {
  for (const s of UNIQUE) {
    const unique = s.section.unique!
    const key = (i: Iface): string => (unique.key as (x: unknown) => string)(sectionOf(i) ?? {})
    const used = new Map<string, string>()
    for (const [name, i] of g.cur.ifaces) if (i.type === s.type && !g.merged.has(name)) used.set(key(i), name)
    for (const m of g.merged.values()) {
      if (m.target?.type !== s.type) continue
      const other = used.get(key(m.target))
      if (other !== undefined && other !== m.name) {
        const section = sectionOf(m.target) ?? {}
        const message = (unique.message as (x: unknown, o: string) => string)(section, other)
        invalid(fieldPath(m, fieldPathOf(s.section, unique.field)), m.name, message, section[unique.field])
      }
      used.set(key(m.target), m.name)
    }
  }
}

/** Types whose section has a uniqueness rule. */
const UNIQUE = Object.values(IFACE_TYPE_DESCRIPTORS).flatMap((d) => (d.section?.unique === undefined ? [] : [{ type: d.type, section: d.section }]))

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
    checkPeer(g, m, t)
    checkSectionTarget(m, t)
  }
  checkUnique(g)
  checkCycles(g, norm)
}
