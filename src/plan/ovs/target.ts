/**
 * The wanted Open vSwitch configuration: per bridge that the document names or implies, its effective options
 * and its complete port list (plain ports and bonds, with VLAN configuration and the kind of each interface),
 * plus the bridges to remove. Partial editing as nmstate: a bridge's port list, when given, replaces the current
 * one; a port entry without `vlan` keeps its current VLAN configuration; bond fields not given keep theirs.
 * @module
 */
import type { Iface } from '../../model/host/iface.js'
import { peerOf } from '../../model/host/relations.js'
import type { OvsBondConfig, OvsBridgeOptions, OvsBridgePort, OvsDbConfig, OvsPortVlan } from '../../model/host/ovs.js'
import { ifacePath, invalid } from '../problems.js'
import type { OvsDesired } from './desired.js'
import { bridgeOfIface, ifaceKind, isPatch, type OvsIfaceKind, type OvsView } from './state.js'

export interface TargetPort {
  name: string
  vlan: OvsPortVlan | undefined
  /** Bond configuration with its members in `ports` (sorted); undefined for a plain port. */
  bond: OvsBondConfig | undefined
  /** Kind of each member interface (the port itself for a plain port). */
  kinds: Map<string, OvsIfaceKind>
  path: string
}

export interface TargetBridge {
  name: string
  path: string
  current: Iface | undefined
  /** Effective options (current ones with the document's over them). */
  options: OvsBridgeOptions
  /** What the document asks (for verification), with creation defaults for a new bridge. */
  asked: OvsBridgeOptions
  /** The document's `ovs-db` (replaces the current maps); undefined keeps them. */
  ovsDb: OvsDbConfig | undefined
  ports: TargetPort[]
}

export interface OvsTarget {
  bridges: Map<string, TargetBridge>
  /** Bridges removed → where the document asks it. */
  deleted: Map<string, string>
}

export interface OvsTargetOptions {
  /** Datapath type of new bridges that do not give one (undefined: OVS's default). */
  defaultDatapath?: string
}

function bridgeNames(v: OvsView, d: OvsDesired, deleted: Map<string, string>): string[] {
  const names = new Set<string>()
  for (const [n, e] of d.bridges) if (e.iface.state !== 'absent') names.add(n)
  for (const c of d.claims.values()) names.add(c.bridge)
  for (const r of d.releases.keys()) {
    const b = bridgeOfIface(v, r)
    if (b !== undefined) names.add(b)
  }
  for (const [name, e] of [...d.ovsIfaces, ...d.kernelEntries]) {
    // interfaces the document edits keep their bridge in the target (their OVS columns are compared there)
    const b = e.iface.state === 'absent' ? undefined : bridgeOfIface(v, name)
    if (b !== undefined && (e.iface.type === 'ovs-interface' || e.iface.ovsDb !== undefined)) names.add(b)
  }
  for (const [iface, c] of d.claims) {
    const b = bridgeOfIface(v, iface)
    if (b !== undefined && b !== c.bridge) names.add(b)
  }
  return [...names].filter((n) => !deleted.has(n))
}

/** Whether `name` is the far end of a veth (a peer) the document creates (the kernel planner creates it too). */
function impliedPeer(d: OvsDesired, name: string): boolean {
  for (const e of d.kernelEntries.values()) if (e.iface.state !== 'absent' && peerOf(e.iface) === name) return true
  return false
}

function kindOf(v: OvsView, d: OvsDesired, name: string, bond: boolean, path: string): OvsIfaceKind {
  const e = d.ovsIfaces.get(name)
  if (e !== undefined) return e.iface.ovsInterface?.patch !== undefined || ifaceKind(v, name) === 'patch' ? 'patch' : 'internal'
  if (v.ovsIfaces.has(name)) return ifaceKind(v, name)
  const k = d.kernelEntries.get(name)
  if ((k !== undefined && k.iface.state !== 'absent') || v.kernel.has(name) || impliedPeer(d, name)) return 'system'
  if (v.ifacePort.has(name)) return 'other'
  if (bond) invalid(path, name, 'OVS bond member neither exists nor is in the document', name)
  return 'internal'
}

function mergeBond(want: OvsBondConfig | undefined, have: OvsBondConfig | undefined, port: string, path: string): OvsBondConfig | undefined {
  if (want === undefined) return have
  const ports = want.ports ?? have?.ports
  if (ports === undefined) invalid(`${path}/link-aggregation/port`, port, `OVS bond '${port}' needs its port list`)
  const out: OvsBondConfig = { ports: [...ports].sort() }
  const mode = want.mode ?? have?.mode
  if (mode !== undefined) out.mode = mode
  const up = want.updelayMs ?? have?.updelayMs
  if (up !== undefined) out.updelayMs = up
  const down = want.downdelayMs ?? have?.downdelayMs
  if (down !== undefined) out.downdelayMs = down
  if (want.ovsDb !== undefined) out.ovsDb = want.ovsDb
  else if (have?.ovsDb !== undefined) out.ovsDb = have.ovsDb
  return out
}

function targetPort(v: OvsView, d: OvsDesired, name: string, entry: OvsBridgePort | undefined, path: string): TargetPort {
  const cur = v.ports.get(name)
  const bond = mergeBond(entry?.bond, cur?.bond, name, path)
  const members = bond !== undefined ? (bond.ports ?? []) : [name]
  const kinds = new Map<string, OvsIfaceKind>()
  for (const m of members) kinds.set(m, kindOf(v, d, m, bond !== undefined, path))
  return { name, vlan: entry?.vlan ?? cur?.vlan, bond, kinds, path }
}

/** Whether a current port stays on `bridge` when the port list is not replaced. */
function keepsPort(v: OvsView, d: OvsDesired, bridge: string, port: string): boolean {
  const p = v.ports.get(port)!
  const leaving = p.members.filter((m) => d.releases.has(m) || (d.claims.has(m) && d.claims.get(m)!.bridge !== bridge))
  if (leaving.length === 0) return true
  if (p.bond === undefined) return false
  const m = leaving[0]!
  invalid(d.releases.get(m) ?? d.claims.get(m)!.path, m, `is a member of OVS bond '${port}' on bridge '${bridge}': change the bond's port list instead`, m)
}

function portList(v: OvsView, d: OvsDesired, bridge: string, cur: Iface | undefined, path: string): TargetPort[] {
  const order = new Set<string>()
  const entries = new Map<string, { entry: OvsBridgePort | undefined; path: string }>()
  if (!d.listed.has(bridge)) {
    for (const p of cur?.ovsBridge?.ports ?? []) if (keepsPort(v, d, bridge, p.name)) order.add(p.name)
  }
  for (const c of d.claims.values()) {
    if (c.bridge !== bridge) continue
    order.add(c.port)
    if (c.entry !== undefined || !entries.has(c.port)) entries.set(c.port, { entry: c.entry, path: c.path })
  }
  return [...order].map((name) => targetPort(v, d, name, entries.get(name)?.entry, entries.get(name)?.path ?? path))
}

function targetBridge(v: OvsView, d: OvsDesired, name: string, opts: OvsTargetOptions): TargetBridge {
  const cur = v.bridges.get(name)
  const e = d.bridges.get(name)
  const path = e === undefined ? ([...d.claims.values()].find((c) => c.bridge === name)?.path ?? '') : ifacePath(e.index)
  const given = e?.iface.ovsBridge?.options ?? {}
  const dflt = cur === undefined && given.datapath === undefined ? opts.defaultDatapath : undefined
  const asked: OvsBridgeOptions = dflt !== undefined ? { datapath: dflt, ...given } : { ...given }
  return {
    name,
    path,
    current: cur,
    options: { ...cur?.ovsBridge?.options, ...asked },
    asked,
    ovsDb: e?.iface.ovsDb,
    ports: portList(v, d, name, cur, path),
  }
}

/** An ovs-interface the document wants present that this plan removes (its bridge goes, or its port). */
function checkVanishing(v: OvsView, d: OvsDesired, t: OvsTarget): void {
  const kept = new Set<string>()
  for (const b of t.bridges.values()) for (const p of b.ports) for (const m of p.kinds.keys()) kept.add(m)
  for (const [name, e] of d.ovsIfaces) {
    if (e.iface.state === 'absent' || kept.has(name)) continue
    const bridge = bridgeOfIface(v, name)
    if (bridge === undefined) {
      invalid(ifacePath(e.index), name, 'an ovs-interface needs an OVS bridge: list it in the ports of an ovs-bridge or set its controller')
    }
    const why = t.deleted.has(bridge) ? `its OVS bridge '${bridge}' is being removed` : `the port list of OVS bridge '${bridge}' leaves it out`
    invalid(ifacePath(e.index, e.iface.state === undefined ? 'type' : 'state'), name, `cannot be ${e.iface.state ?? 'kept'}: ${why}`, e.iface.state)
  }
  for (const [name, e] of d.kernelEntries) {
    if (e.iface.ovsDb !== undefined && e.iface.state !== 'absent' && !kept.has(name) && bridgeOfIface(v, name) === undefined) {
      invalid(ifacePath(e.index, 'ovs-db'), name, 'ovs-db applies only to OVS bridges and interfaces attached to an OVS bridge')
    }
  }
}

function checkPatchPeers(v: OvsView, d: OvsDesired, t: OvsTarget): void {
  const patches = new Set<string>()
  const mine = new Set<string>()
  for (const b of t.bridges.values()) for (const p of b.ports) for (const [m, k] of p.kinds) if (k === 'patch') mine.add(m)
  for (const [name, i] of v.ovsIfaces) {
    const bridge = bridgeOfIface(v, name)
    // patch ports of bridges this plan leaves alone stay as they are
    if (isPatch(i) && bridge !== undefined && !t.bridges.has(bridge) && !t.deleted.has(bridge)) patches.add(name)
  }
  for (const m of mine) patches.add(m)
  for (const name of mine) {
    const e = d.ovsIfaces.get(name)
    const peer = e?.iface.ovsInterface?.patch?.peer ?? v.ovsIfaces.get(name)?.ovsInterface?.patch?.peer
    const path = e === undefined ? '' : ifacePath(e.index, 'patch/peer')
    if (peer === undefined) invalid(path, name, 'patch.peer is required for an OVS patch port')
    if (!patches.has(peer)) {
      invalid(path, name, `patch peer '${peer}' is not an OVS patch port (give it as an ovs-interface with patch.peer '${name}')`, peer)
    }
  }
}

export function buildOvsTarget(v: OvsView, d: OvsDesired, opts: OvsTargetOptions = {}): OvsTarget {
  const deleted = new Map<string, string>()
  for (const [name, e] of d.bridges) if (e.iface.state === 'absent' && v.bridges.has(name)) deleted.set(name, ifacePath(e.index, 'state'))
  const bridges = new Map<string, TargetBridge>()
  for (const name of bridgeNames(v, d, deleted)) bridges.set(name, targetBridge(v, d, name, opts))
  const t = { bridges, deleted }
  checkVanishing(v, d, t)
  checkPatchPeers(v, d, t)
  return t
}
