/**
 * Per-interface ops: deletes, creates (with everything a new link needs), and in-place changes of existing
 * links, compared against the state the link is in after the delete phase (ports of a deleted controller are
 * released). Also records which links lose routes or IPv6 addresses on the way (for route-plan.ts).
 * @module
 */
import type { BridgePortOptions, Iface } from '../../model/host/iface.js'
import { baseOf, peerOf } from '../../model/host/relations.js'
import { isGroup, type ControllerSpec, type Field, type SectionSpec } from '../../model/host/types/descriptor.js'
import { SECTIONS, typeDescriptor } from '../../model/host/types/index.js'
import { stpAcceptsForwardDelay } from '../../model/host/types/linux-bridge.js'
import { diffAddresses } from './addresses.js'
import { isCreated, isDeleted, targetOf } from './merged.js'
import type { Merged } from './merged.js'
import { depthFunction, linkDeps } from './order.js'
import type { Phase, Staged } from './order.js'
import type { RouteFacts } from './route-plan.js'
import type { TargetGraph } from './validate-target.js'

export interface InterfaceDiff {
  deletes: string[]
  staged: Staged[]
  facts: RouteFacts
}

interface Ctx {
  g: TargetGraph
  depth: (name: string) => number
  /** Order of MTU changes: a base before its children, a bond's ports (and their bases) before the bond. */
  mtuDepth: (name: string) => number
  out: Staged[]
  flushed: Set<string>
  ipv4Flushed: Set<string>
}

function stage(ctx: Ctx, phase: Phase, key: number, op: Staged['op']): void {
  ctx.out.push({ phase, key, op })
}

type Rec = Record<string, unknown>

/** Lists `link.create` does not carry: port lists (ports are attached by their own ops) and address sets (FDB entries). */
function isList(f: Field): boolean {
  return !isGroup(f) && (f.value.kind === 'ports' || f.value.kind === 'ifnames' || f.value.kind === 'ips')
}

function hasLists(s: SectionSpec): boolean {
  return s.fields.some(isList)
}

/** Sections with lists: `link.create` carries a copy without them. */
const WITH_LISTS: ReadonlySet<SectionSpec> = new Set(SECTIONS.filter(hasLists))

/** A section record without its lists. */
function withoutLists(s: SectionSpec, r: Rec): Rec {
  if (!WITH_LISTS.has(s)) return r
  const out: Rec = {}
  for (const f of s.fields) {
    const key = f.key
    if (key === undefined || r[key] === undefined) continue
    if (isList(f)) continue
    out[key] = r[key]
  }
  return out
}

/** What `link.create` needs: name, type, mtu/mac if set, and the type section without its lists. */
function linkSpec(t: Iface): Iface {
  const spec: Iface = { name: t.name, type: t.type }
  if (t.mtu !== undefined) spec.mtu = t.mtu
  if (t.mac !== undefined) spec.mac = t.mac
  const s = typeDescriptor(t.type).section
  const r = s === undefined ? undefined : ((t as unknown as Rec)[s.prop] as Rec | undefined)
  if (r !== undefined) (spec as unknown as Rec)[s!.prop] = withoutLists(s!, r)
  return spec
}

/** What the controller `name` (its target, else current) does to its ports, if it is one. */
function controllerRules(ctx: Ctx, name: string | null | undefined): ControllerSpec | undefined {
  if (!name) return undefined
  const c = targetOf(ctx.g.merged, ctx.g.cur.ifaces, name)
  return c === undefined ? undefined : typeDescriptor(c.type).controller
}

/** What the current controller `name` does to the ports it releases. */
function currentRules(ctx: Ctx, name: string): ControllerSpec | undefined {
  const c = ctx.g.cur.ifaces.get(name)
  return c === undefined ? undefined : typeDescriptor(c.type).controller
}

/** Of a veth pair created together, the end whose `link.create` makes both (document order, then name). */
function createsLink(m: Merged, merged: ReadonlyMap<string, Merged>): boolean {
  const peer = m.target === undefined ? undefined : peerOf(m.target)
  const pm = peer === undefined ? undefined : merged.get(peer)
  if (pm === undefined || !isCreated(pm)) return true
  const rank = (x: Merged): number => (x.index < 0 ? Number.MAX_SAFE_INTEGER : x.index)
  return rank(m) < rank(pm) || (rank(m) === rank(pm) && m.name < pm.name)
}

function changedFields<T extends object>(want: T | undefined, have: T | undefined): Partial<T> {
  const out: Partial<T> = {}
  for (const k of Object.keys(want ?? {}) as Array<keyof T>) {
    const w = want![k]
    if (w !== undefined && String(w) !== String(have?.[k])) out[k] = w
  }
  return out
}

function portOptionOps(ctx: Ctx, t: Iface, have: BridgePortOptions | undefined): void {
  const ctrl = t.controller ? targetOf(ctx.g.merged, ctx.g.cur.ifaces, t.controller) : undefined
  if (ctrl?.type !== 'linux-bridge') return
  const options = changedFields(t.bridgePort, have ?? {})
  if (Object.keys(options).length > 0) stage(ctx, 'options', 0, { kind: 'bridge-port.set-options', name: t.name, options })
}

function addressOps(ctx: Ctx, name: string, pre: Iface['ipv4'][], t: Iface): void {
  const have = pre.flatMap((c) => c?.addresses ?? [])
  const want = [...(t.ipv4?.addresses ?? []), ...(t.ipv6?.addresses ?? [])]
  const change = diffAddresses(have, want)
  for (const address of change.dels) stage(ctx, 'addr-del', 0, { kind: 'addr.del', name, address })
  for (const address of change.adds) stage(ctx, 'addr-add', 0, { kind: 'addr.add', name, address })
  if (change.ipv4Emptied) ctx.ipv4Flushed.add(name)
}

/** The head-end replication entries of a VXLAN to remove and add (`have`: the current list, none for a new link). */
function remotesOps(ctx: Ctx, t: Iface, have: readonly string[]): void {
  const want = t.type === 'vxlan' ? t.vxlan?.remotes : undefined
  if (want === undefined) return
  const wantSet = new Set(want)
  const haveSet = new Set(have)
  const add = [...wantSet].filter((ip) => !haveSet.has(ip)).sort()
  const del = [...haveSet].filter((ip) => !wantSet.has(ip)).sort()
  if (add.length + del.length > 0) stage(ctx, 'fdb', 0, { kind: 'vxlan.set-remotes', name: t.name, add, del })
}

function createOps(ctx: Ctx, m: Merged, t: Iface): void {
  const d = ctx.depth(m.name)
  const bondPort = controllerRules(ctx, t.controller)?.setsPortMtu === true
  if (createsLink(m, ctx.g.merged)) {
    // a bond sets its ports' MTU when it enslaves them (and their base may only get that MTU later)
    const spec = linkSpec(t)
    if (bondPort && m.desired.mtu === undefined) delete spec.mtu
    stage(ctx, 'create', d, { kind: 'link.create', iface: spec })
  } else {
    if (t.mtu !== undefined && !bondPort) stage(ctx, 'post-create', d, { kind: 'link.set-mtu', name: m.name, mtu: t.mtu })
    if (t.mac !== undefined) stage(ctx, 'post-create', d, { kind: 'link.set-mac', name: m.name, mac: t.mac })
  }
  if (t.controller) stage(ctx, 'attach', d, { kind: 'link.set-controller', name: m.name, controller: t.controller })
  portOptionOps(ctx, t, undefined)
  if (t.state === 'up') stage(ctx, 'state-up', d, { kind: 'link.set-state', name: m.name, state: 'up' })
  addressOps(ctx, m.name, [], t)
  remotesOps(ctx, t, [])
  ctx.flushed.add(m.name)
}

/** Whether `controller` closes (sets down) every port it releases, as the bonding driver does. */
function closesReleasedPorts(ctx: Ctx, controller: string): boolean {
  return currentRules(ctx, controller)?.portsDown === true
}

/**
 * The current link as the delete phase leaves it: released from a deleted controller, and whether that took it
 * down on the way (a bond closes the ports it releases, a VRF cycles them).
 */
function afterDeletes(ctx: Ctx, c: Iface): { link: Iface; cycled: boolean } {
  if (!c.controller || !isDeleted(ctx.g.merged.get(c.controller))) return { link: c, cycled: false }
  const out: Iface = { ...c, controller: null }
  delete out.bridgePort
  const bond = closesReleasedPorts(ctx, c.controller)
  if (bond) out.state = 'down'
  return { link: out, cycled: c.state === 'up' && (bond || currentRules(ctx, c.controller)?.cyclesPorts === true) }
}

function optionOps(ctx: Ctx, c: Iface, t: Iface): void {
  if (t.type === 'linux-bridge') {
    const options = changedFields(t.bridge?.options, c.bridge?.options)
    if (Object.keys(options).length === 0) return
    // the kernel applies a new forward delay before a new STP state and checks it against the old one: turning
    // STP off with a delay STP would refuse takes two changes, STP first
    const { stp, ...rest } = options
    const d = options.forwardDelaySec
    if (stp === false && c.bridge?.options?.stp === true && d !== undefined && !stpAcceptsForwardDelay(d)) {
      stage(ctx, 'options', 0, { kind: 'bridge.set-options', name: t.name, options: { stp } })
      stage(ctx, 'options', 0, { kind: 'bridge.set-options', name: t.name, options: rest })
    } else stage(ctx, 'options', 0, { kind: 'bridge.set-options', name: t.name, options })
  }
  if (t.type === 'bond') {
    const options = changedFields(t.bond?.options, c.bond?.options)
    if (Object.keys(options).length > 0) stage(ctx, 'options', 0, { kind: 'bond.set-options', name: t.name, options: options as Record<string, string | number> })
  }
}

/**
 * MTU of an existing link. A bond lowering its MTU lowers the ports it keeps (it goes first: no op for them);
 * when it raises its MTU, its ports are raised before it, each after its own base (children need the room).
 */
function mtuOps(ctx: Ctx, c: Iface, t: Iface, ctrl: Iface | undefined): void {
  if (t.mtu === undefined || c.mtu === t.mtu) return
  const down = c.mtu !== undefined && t.mtu < c.mtu
  const bondLowers = ctrl !== undefined && typeDescriptor(ctrl.type).controller?.setsPortMtu === true && ctrl.mtu !== undefined && ctrl.mtu < (ctx.g.cur.ifaces.get(ctrl.name)?.mtu ?? 0)
  if (down && bondLowers && c.controller === t.controller) return
  const d = ctx.mtuDepth(t.name)
  stage(ctx, down ? 'mtu-down' : 'mtu-up', down ? -d : d, { kind: 'link.set-mtu', name: t.name, mtu: t.mtu })
}

function modifyOps(ctx: Ctx, m: Merged, t: Iface): void {
  const released = afterDeletes(ctx, m.current!)
  const c = released.link
  const d = ctx.depth(m.name)
  const lookup = (n: string): Iface | undefined => targetOf(ctx.g.merged, ctx.g.cur.ifaces, n)
  const ctrl = t.controller ? lookup(t.controller) : undefined
  if (t.mac !== undefined && t.mac !== c.mac?.toLowerCase()) stage(ctx, 'mac', d, { kind: 'link.set-mac', name: m.name, mac: t.mac })
  mtuOps(ctx, c, t, ctrl)
  let state = c.state === 'up' ? 'up' : 'down'
  let cycled = released.cycled
  const tc = t.controller ?? null
  const cc = c.controller ?? null
  if (tc !== cc) {
    // every move is a detach (all detaches first) and an attach: no intermediate state can hold a loop
    if (cc !== null && currentRules(ctx, cc)?.cyclesPorts === true && state === 'up') cycled = true
    if (cc !== null) stage(ctx, 'detach', 0, { kind: 'link.set-controller', name: m.name, controller: null })
    if (cc !== null && closesReleasedPorts(ctx, cc) && state === 'up') {
      state = 'down'
      cycled = true
    }
    if (tc !== null) {
      const rules = ctrl === undefined ? undefined : typeDescriptor(ctrl.type).controller
      if (rules?.portsDown === true && state === 'up') {
        stage(ctx, 'port-down', d, { kind: 'link.set-state', name: m.name, state: 'down' })
        state = 'down'
        cycled = true
      }
      if (rules?.cyclesPorts === true && state === 'up') cycled = true
      stage(ctx, 'attach', d, { kind: 'link.set-controller', name: m.name, controller: tc })
    }
  }
  portOptionOps(ctx, t, tc === cc ? c.bridgePort : undefined)
  optionOps(ctx, c, t)
  if (t.state !== state) {
    if (t.state === 'down') cycled = true
    stage(ctx, t.state === 'down' ? 'state-down' : 'state-up', t.state === 'down' ? -d : d, { kind: 'link.set-state', name: m.name, state: t.state === 'down' ? 'down' : 'up' })
  }
  addressOps(ctx, m.name, cycled ? [c.ipv4] : [c.ipv4, c.ipv6], t)
  remotesOps(ctx, t, c.vxlan?.remotes ?? [])
  if (cycled) ctx.flushed.add(m.name)
}

/** Names for the bulk delete: children before parents, and one end of each veth pair. */
function deleteList(g: TargetGraph): string[] {
  const doomed = [...g.merged.values()].filter((m) => isDeleted(m))
  const depth = depthFunction(linkDeps((n) => g.cur.ifaces.get(n)))
  const names = new Set<string>()
  for (const m of doomed.sort((a, b) => depth(b.name) - depth(a.name))) {
    const peer = m.current === undefined ? undefined : peerOf(m.current)
    if (peer === undefined || !names.has(peer)) names.add(m.name)
  }
  return [...names]
}

export function diffInterfaces(g: TargetGraph): InterfaceDiff {
  const ctx: Ctx = {
    g,
    depth: depthFunction(linkDeps((n) => targetOf(g.merged, g.cur.ifaces, n))),
    mtuDepth: depthFunction((n) => {
      const t = targetOf(g.merged, g.cur.ifaces, n)
      const base = t === undefined ? undefined : baseOf(t)
      const portsFirst = t !== undefined && typeDescriptor(t.type).controller?.setsPortMtu === true
      return [...(base === undefined ? [] : [base]), ...(portsFirst ? (g.ports.get(n) ?? []) : [])]
    }),
    out: [],
    flushed: new Set(),
    ipv4Flushed: new Set(),
  }
  const deletes = deleteList(g)
  for (const m of g.merged.values()) {
    if (isDeleted(m)) ctx.flushed.add(m.name)
    if (m.target === undefined || (m.action === 'modify' && m.target === m.current)) continue
    if (isCreated(m)) createOps(ctx, m, m.target)
    else modifyOps(ctx, m, m.target)
  }
  bridgeMtuAfterPorts(ctx)
  return { deletes, staged: ctx.out, facts: { flushed: ctx.flushed, ipv4Flushed: ctx.ipv4Flushed } }
}

/**
 * A Linux bridge takes the lowest MTU of its ports whenever one joins, unless its MTU was set on its own: the kernel
 * marks an MTU set by `link set mtu`, not one given at creation. So a bridge given an MTU in the document whose
 * ports join in this plan gets it set again once they joined (the options phase): it keeps it, and verifies.
 */
function bridgeMtuAfterPorts(ctx: Ctx): void {
  const joined = new Set(ctx.out.flatMap((s) => (s.op.kind === 'link.set-controller' && s.op.controller !== null ? [s.op.controller] : [])))
  for (const name of [...joined].sort()) {
    const m = ctx.g.merged.get(name)
    if (m?.target?.type !== 'linux-bridge' || m.desired.mtu === undefined || isDeleted(m)) continue
    stage(ctx, 'options', 0, { kind: 'link.set-mtu', name, mtu: m.desired.mtu })
  }
}
