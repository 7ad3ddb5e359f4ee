/**
 * OVS target vs current → the changes of one transaction (removals, moves, additions, column updates), the
 * interfaces and bridges they touch, and what verification must see afterwards.
 * @module
 */
import type { Iface } from '../../model/host/iface.js'
import type { OvsBridgePort, OvsDbConfig } from '../../model/host/ovs.js'
import { ovsBridgeKey } from '../../model/host/ovs.js'
import { bridgeColumns, changedColumns, isEmptyObject, portColumns } from './columns.js'
import type { OvsDesired } from './desired.js'
import type { OvsBridgeColumns, OvsChange, OvsIfaceColumns, OvsIfaceSpec, OvsPortColumns } from './ops.js'
import { ifaceKind, type OvsIfaceKind, type OvsPortView, type OvsView } from './state.js'
import type { OvsTarget, TargetBridge, TargetPort } from './target.js'

export interface OvsDiff {
  changes: OvsChange[]
  /** Bridge keys (ovs-bridge:NAME) and interface names. */
  touched: Set<string>
  /** ovs-bridge entries, patch ports, and ovs-interfaces removed. */
  expected: Iface[]
  /** OVS-side fields to verify on interface entries (MTU/MAC through OVS, ovs-db). */
  ifaceExpect: Map<string, Partial<Iface>>
}

interface Ctx {
  v: OvsView
  d: OvsDesired
  t: OvsTarget
  dels: OvsChange[]
  moves: OvsChange[]
  adds: OvsChange[]
  sets: OvsChange[]
  touched: Set<string>
}

/** Columns with the maps `want` gives filled in on `have` (an unset map reads as empty). */
function withMaps<T extends { externalIds?: Record<string, string>; otherConfig?: Record<string, string> }>(have: T, want: T): T {
  const out = { ...have }
  if (want.externalIds !== undefined && out.externalIds === undefined) out.externalIds = {}
  if (want.otherConfig !== undefined && out.otherConfig === undefined) out.otherConfig = {}
  return out
}

function dbColumns(db: OvsDbConfig | undefined): Pick<OvsIfaceColumns, 'externalIds' | 'otherConfig'> {
  const out: Pick<OvsIfaceColumns, 'externalIds' | 'otherConfig'> = {}
  if (db?.externalIds !== undefined) out.externalIds = { ...db.externalIds }
  if (db?.otherConfig !== undefined) out.otherConfig = { ...db.otherConfig }
  return out
}

/** The interface columns the document asks for `name`. */
function ifaceColumns(ctx: Ctx, name: string, kind: OvsIfaceKind): OvsIfaceColumns {
  const e = ctx.d.ovsIfaces.get(name)?.iface ?? ctx.d.kernelEntries.get(name)?.iface
  const cols: OvsIfaceColumns = dbColumns(e?.ovsDb)
  if (kind === 'internal' && e?.mtu !== undefined) cols.mtuRequest = e.mtu
  if (kind === 'internal' && e?.mac !== undefined) cols.mac = e.mac
  const peer = kind === 'patch' ? e?.ovsInterface?.patch?.peer : undefined
  if (peer !== undefined) cols.options = { peer }
  return cols
}

function spec(ctx: Ctx, name: string, kind: OvsIfaceKind): OvsIfaceSpec {
  return { name, type: kind === 'system' || kind === 'other' ? '' : kind, ...ifaceColumns(ctx, name, kind) }
}

/** The current interface columns of `name`, comparable with ifaceColumns. */
function currentIfaceColumns(ctx: Ctx, name: string): OvsIfaceColumns {
  const i = ctx.v.ovsIfaces.get(name) ?? ctx.v.kernel.get(name)
  const cols: OvsIfaceColumns = dbColumns(i?.ovsDb)
  if (i?.mtu !== undefined) cols.mtuRequest = i.mtu
  if (i?.mac !== undefined) cols.mac = i.mac.toLowerCase()
  const peer = i?.ovsInterface?.patch?.peer
  if (peer !== undefined) cols.options = { peer }
  return cols
}

function touchPort(ctx: Ctx, bridge: string, members: readonly string[]): void {
  ctx.touched.add(ovsBridgeKey(bridge))
  for (const m of members) ctx.touched.add(m)
}

function samePortShape(cur: OvsPortView, tp: TargetPort, ctx: Ctx): boolean {
  if ((cur.bond === undefined) !== (tp.bond === undefined)) return false
  if (tp.bond !== undefined) return true
  const kind = tp.kinds.get(tp.name)
  return kind === ifaceKind(ctx.v, tp.name) || kind === 'other'
}

/** Columns of a new row without the values OVS gives a new row anyway (empty, null, 0). */
function withoutDefaults(c: OvsPortColumns): OvsPortColumns {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(c)) if (v !== null && v !== 0 && !(Array.isArray(v) && v.length === 0)) out[k] = v
  return out as OvsPortColumns
}

function addPort(ctx: Ctx, bridge: string, tp: TargetPort): void {
  const interfaces = [...tp.kinds].map(([m, k]) => spec(ctx, m, k))
  ctx.adds.push({ kind: 'port.add', bridge, name: tp.name, columns: withoutDefaults(portColumns(tp.vlan, tp.bond)), interfaces })
  touchPort(ctx, bridge, [...tp.kinds.keys()])
}

function currentPortColumns(cur: OvsPortView, want: OvsPortColumns): OvsPortColumns {
  return withMaps(portColumns(cur.vlan, cur.bond), want)
}

function updatePort(ctx: Ctx, bridge: string, tp: TargetPort, cur: OvsPortView): void {
  if (cur.bridge !== bridge) {
    ctx.moves.push({ kind: 'port.move', name: tp.name, from: cur.bridge, to: bridge })
    touchPort(ctx, cur.bridge, cur.members)
    touchPort(ctx, bridge, cur.members)
  }
  const want = portColumns(tp.vlan, tp.bond)
  const columns = changedColumns(want, currentPortColumns(cur, want))
  if (!isEmptyObject(columns)) {
    ctx.sets.push({ kind: 'port.set', name: tp.name, columns })
    touchPort(ctx, bridge, [])
  }
  if (tp.bond === undefined) return
  const added = [...tp.kinds].filter(([m]) => !cur.members.includes(m))
  const removed = cur.members.filter((m) => !tp.kinds.has(m))
  if (removed.length > 0) ctx.dels.push({ kind: 'port.del-ifaces', port: tp.name, names: removed })
  if (added.length > 0) ctx.adds.push({ kind: 'port.add-ifaces', port: tp.name, interfaces: added.map(([m, k]) => spec(ctx, m, k)) })
  if (removed.length + added.length > 0) touchPort(ctx, bridge, [...removed, ...added.map(([m]) => m)])
}

function ifaceSets(ctx: Ctx, tp: TargetPort, fresh: boolean): void {
  if (fresh) return
  for (const [m, kind] of tp.kinds) {
    const want = ifaceColumns(ctx, m, kind)
    const columns = changedColumns(want, withMaps(currentIfaceColumns(ctx, m), want))
    if (isEmptyObject(columns)) continue
    ctx.sets.push({ kind: 'iface.set', name: m, columns })
    ctx.touched.add(m)
  }
}

function diffBridge(ctx: Ctx, b: TargetBridge, portBridge: Map<string, string>): void {
  const want = bridgeColumns(b.options, b.ovsDb)
  if (b.current === undefined) {
    ctx.adds.push({ kind: 'bridge.add', name: b.name, columns: want })
    ctx.touched.add(ovsBridgeKey(b.name))
  } else {
    const have: OvsBridgeColumns = withMaps(bridgeColumns(b.current.ovsBridge?.options ?? {}, b.current.ovsDb), want)
    const columns = changedColumns(want, have)
    if (!isEmptyObject(columns)) {
      ctx.sets.push({ kind: 'bridge.set', name: b.name, columns })
      ctx.touched.add(ovsBridgeKey(b.name))
    }
    for (const p of b.current.ovsBridge?.ports ?? []) {
      if (b.ports.some((tp) => tp.name === p.name) || portBridge.has(p.name)) continue
      ctx.dels.push({ kind: 'port.del', bridge: b.name, name: p.name })
      touchPort(ctx, b.name, ctx.v.ports.get(p.name)?.members ?? [p.name])
    }
  }
  for (const tp of b.ports) {
    const cur = ctx.v.ports.get(tp.name)
    const gone = cur === undefined || ctx.t.deleted.has(cur.bridge)
    if (gone || !samePortShape(cur, tp, ctx)) {
      if (!gone) ctx.dels.push({ kind: 'port.del', bridge: cur.bridge, name: tp.name })
      addPort(ctx, b.name, tp)
    } else updatePort(ctx, b.name, tp, cur)
    ifaceSets(ctx, tp, gone || !samePortShape(cur!, tp, ctx))
  }
}

function expectedPort(tp: TargetPort): OvsBridgePort {
  const p: OvsBridgePort = { name: tp.name, vlan: tp.vlan ?? {} }
  if (tp.bond !== undefined) {
    const { ovsDb: _db, ...bond } = tp.bond
    p.bond = bond
  }
  return p
}

function expectations(ctx: Ctx): Pick<OvsDiff, 'expected' | 'ifaceExpect'> {
  const expected: Iface[] = []
  const ifaceExpect = new Map<string, Partial<Iface>>()
  const kept = new Set<string>()
  for (const b of ctx.t.bridges.values()) {
    const e: Iface = { name: b.name, type: 'ovs-bridge', state: 'up', ovsBridge: { options: b.asked, ports: b.ports.map(expectedPort) } }
    if (b.ovsDb !== undefined) e.ovsDb = b.ovsDb
    expected.push(e)
    for (const tp of b.ports) {
      for (const [m, kind] of tp.kinds) {
        kept.add(m)
        const c = ifaceColumns(ctx, m, kind)
        const x: Partial<Iface> = {}
        if (c.mtuRequest != null) x.mtu = c.mtuRequest
        if (c.mac != null) x.mac = c.mac
        const db = ctx.d.ovsIfaces.get(m)?.iface.ovsDb ?? ctx.d.kernelEntries.get(m)?.iface.ovsDb
        if (db !== undefined) x.ovsDb = db
        const peer = c.options?.['peer'] ?? ctx.v.ovsIfaces.get(m)?.ovsInterface?.patch?.peer ?? ''
        if (kind === 'patch') expected.push({ name: m, type: 'ovs-interface', ovsInterface: { patch: { peer } }, ...x })
        else if (Object.keys(x).length > 0) ifaceExpect.set(m, x)
      }
    }
  }
  for (const name of ctx.t.deleted.keys()) expected.push({ name, type: 'ovs-bridge', state: 'absent' })
  for (const name of ctx.v.ovsIfaces.keys()) {
    if (!kept.has(name) && ctx.v.ifacePort.has(name) && ctx.touched.has(name)) expected.push({ name, type: 'ovs-interface', state: 'absent' })
  }
  return { expected, ifaceExpect }
}

export function diffOvs(v: OvsView, d: OvsDesired, t: OvsTarget): OvsDiff {
  const ctx: Ctx = { v, d, t, dels: [], moves: [], adds: [], sets: [], touched: new Set() }
  for (const name of t.deleted.keys()) {
    ctx.dels.push({ kind: 'bridge.del', name })
    for (const p of v.bridges.get(name)?.ovsBridge?.ports ?? []) touchPort(ctx, name, v.ports.get(p.name)?.members ?? [])
  }
  const portBridge = new Map<string, string>()
  for (const b of t.bridges.values()) for (const p of b.ports) portBridge.set(p.name, b.name)
  for (const b of t.bridges.values()) diffBridge(ctx, b, portBridge)
  return { changes: [...ctx.dels, ...ctx.moves, ...ctx.adds, ...ctx.sets], touched: ctx.touched, ...expectations(ctx) }
}
