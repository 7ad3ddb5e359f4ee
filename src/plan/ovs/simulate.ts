/**
 * The in-memory model of Open vSwitch: applies OVS changes
 * to a combined state as ovs-vswitchd would once it has applied the transaction — internal ports appear as
 * kernel devices (down, MTU 1500 or `mtu_request`), removed ones disappear with their routes, system ports get or
 * lose their OVS bridge as `controller`. Refuses what OVSDB would (duplicate names, unknown rows).
 * @module
 */
import { HostnetError } from '../../errors.js'
import type { Iface, IpConfig } from '../../model/host/iface.js'
import type { OvsBridgePort, OvsDbConfig } from '../../model/host/ovs.js'
import type { HostState } from '../../model/host/state.js'
import { bondModeFromColumns, portColumns, vlanFromColumns } from './columns.js'
import type { OvsBridgeColumns, OvsChange, OvsIfaceColumns, OvsIfaceSpec, OvsPortColumns } from './ops.js'
import { isPatch } from './state.js'

export const OVS_DEFAULT_MTU = 1500

function simError(message: string): HostnetError {
  return new HostnetError('backend-failure', `simulated Open vSwitch: ${message}`)
}

/** A deterministic locally administered MAC for a new internal port. */
function internalMac(name: string): string {
  let h = 0x811c9dc5
  for (const c of `ovs#${name}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0
  const b = [0x02, 0x0f, (h >>> 24) & 0xff, (h >>> 16) & 0xff, (h >>> 8) & 0xff, h & 0xff]
  return b.map((x) => x.toString(16).padStart(2, '0')).join(':')
}

function ovsDbOf(c: { externalIds?: Record<string, string>; otherConfig?: Record<string, string> }, prev: OvsDbConfig | undefined): OvsDbConfig | undefined {
  const out: OvsDbConfig = { ...prev }
  if (c.externalIds !== undefined) out.externalIds = { ...c.externalIds }
  if (c.otherConfig !== undefined) out.otherConfig = { ...c.otherConfig }
  if (out.externalIds !== undefined && Object.keys(out.externalIds).length === 0) delete out.externalIds
  if (out.otherConfig !== undefined && Object.keys(out.otherConfig).length === 0) delete out.otherConfig
  return Object.keys(out).length === 0 ? undefined : out
}

function setOvsDb(i: Iface, db: OvsDbConfig | undefined): void {
  if (db === undefined) delete i.ovsDb
  else i.ovsDb = db
}

/** An internal port as ovs-vswitchd creates it: down, MTU 1500 (or mtu_request), no addresses. */
function newInternal(spec: OvsIfaceSpec, bridge: string): Iface {
  const mtu = spec.mtuRequest ?? OVS_DEFAULT_MTU
  const ip = (): IpConfig => ({ enabled: false, addresses: [] })
  return { name: spec.name, type: 'ovs-interface', state: 'down', mtu, mac: spec.mac ?? internalMac(spec.name), controller: bridge, ipv4: ip(), ipv6: ip() }
}

function newPatch(spec: OvsIfaceSpec, bridge: string): Iface {
  return { name: spec.name, type: 'ovs-interface', state: 'up', controller: bridge, ovsInterface: { patch: { peer: spec.options?.['peer'] ?? '' } } }
}

class OvsSim {
  /** Non-bridge interfaces in state order; removed ones are dropped by result(). */
  private readonly ifaces: Iface[]
  private readonly byName = new Map<string, Iface>()
  private readonly removed = new Set<Iface>()
  readonly bridges = new Map<string, Iface>()
  /** Port name → its bridge and entry; interface name → its port's name. */
  private readonly ports = new Map<string, { bridge: Iface; port: OvsBridgePort }>()
  private readonly used = new Map<string, string>()
  routes: HostState['routes']

  constructor(state: HostState) {
    const copy = structuredClone(state)
    this.ifaces = copy.interfaces.filter((i) => i.type !== 'ovs-bridge')
    for (const i of this.ifaces) this.byName.set(i.name, i)
    for (const b of copy.interfaces) if (b.type === 'ovs-bridge') this.bridges.set(b.name, b)
    for (const b of this.bridges.values()) for (const p of b.ovsBridge?.ports ?? []) this.index(b, p)
    this.routes = copy.routes
  }

  private index(bridge: Iface, port: OvsBridgePort): void {
    this.ports.set(port.name, { bridge, port })
    for (const m of this.membersOf(port)) this.used.set(m, port.name)
  }

  result(base: HostState): HostState {
    const interfaces = [...this.ifaces.filter((i) => !this.removed.has(i)), ...this.bridges.values()]
    return { ...base, interfaces, routes: this.routes }
  }

  bridge(name: string): Iface {
    const b = this.bridges.get(name)
    if (b === undefined) throw simError(`no bridge '${name}'`)
    return b
  }

  portsOf(b: Iface): OvsBridgePort[] {
    b.ovsBridge ??= {}
    b.ovsBridge.ports ??= []
    return b.ovsBridge.ports
  }

  setPorts(b: Iface, ports: OvsBridgePort[]): void {
    b.ovsBridge ??= {}
    b.ovsBridge.ports = ports
  }

  findPort(name: string): { bridge: Iface; port: OvsBridgePort } | undefined {
    return this.ports.get(name)
  }

  port(name: string): { bridge: Iface; port: OvsBridgePort } {
    const f = this.findPort(name)
    if (f === undefined) throw simError(`no port '${name}'`)
    return f
  }

  membersOf(p: OvsBridgePort): string[] {
    return p.bond !== undefined ? [...(p.bond.ports ?? [])] : [p.name]
  }

  ifaceInUse(name: string): boolean {
    return this.used.has(name)
  }

  iface(name: string): Iface | undefined {
    return this.byName.get(name)
  }

  private addIface(i: Iface): void {
    this.ifaces.push(i)
    this.byName.set(i.name, i)
  }

  private dropIface(i: Iface): void {
    this.removed.add(i)
    this.byName.delete(i.name)
  }

  attachIface(bridge: string, spec: OvsIfaceSpec): void {
    if (this.ifaceInUse(spec.name)) throw simError(`interface '${spec.name}' is already in use (duplicate Interface name)`)
    const db = ovsDbOf(spec, undefined)
    if (spec.type === 'internal' || spec.type === 'patch') {
      if (this.byName.has(spec.name)) throw simError(`cannot create ${spec.type} interface '${spec.name}': a device of that name exists`)
      const i: Iface = spec.type === 'internal' ? newInternal(spec, bridge) : newPatch(spec, bridge)
      setOvsDb(i, db)
      this.addIface(i)
      return
    }
    if (spec.type !== '') return // another OVS interface type: nothing in the kernel model
    // OVS takes a system interface whose device does not exist (yet: the kernel creates it before the transaction
    // is applied, but planning simulates the transaction first); the port is listed, the device is not touched
    const k = this.byName.get(spec.name)
    if (k === undefined) return
    k.controller = bridge
    setOvsDb(k, db)
  }

  detachIface(name: string): void {
    this.used.delete(name)
    const i = this.byName.get(name)
    if (i === undefined) return
    if (i.type === 'ovs-interface') {
      this.dropIface(i)
      if (this.routes.some((r) => r.nextHopInterface === name)) this.routes = this.routes.filter((r) => r.nextHopInterface !== name)
      return
    }
    i.controller = null
    delete i.ovsDb
  }

  setPortColumns(port: OvsBridgePort, c: OvsPortColumns): void {
    const full = { ...portColumns(port.vlan, port.bond), ...c }
    const vlan = vlanFromColumns(full)
    if (vlan === undefined) delete port.vlan
    else port.vlan = vlan
    if (port.bond === undefined) return
    port.bond.mode = bondModeFromColumns(full.bondMode, full.lacp)
    port.bond.updelayMs = full.bondUpdelay ?? 0
    port.bond.downdelayMs = full.bondDowndelay ?? 0
    const db = ovsDbOf(c, port.bond.ovsDb)
    if (db === undefined) delete port.bond.ovsDb
    else port.bond.ovsDb = db
  }

  addPort(bridge: string, name: string, c: OvsPortColumns, specs: readonly OvsIfaceSpec[]): void {
    const b = this.bridge(bridge)
    if (this.findPort(name) !== undefined) throw simError(`port '${name}' exists (duplicate Port name)`)
    if (specs.length === 0) throw simError(`port '${name}' has no interfaces`)
    const port: OvsBridgePort = { name }
    if (specs.length > 1) port.bond = { ports: specs.map((s) => s.name).sort() }
    this.setPortColumns(port, c)
    for (const s of specs) this.attachIface(bridge, s)
    this.portsOf(b).push(port)
    this.index(b, port)
  }

  delPort(bridge: string, name: string): void {
    const { bridge: b, port } = this.port(name)
    if (b.name !== bridge) throw simError(`port '${name}' is not on bridge '${bridge}'`)
    this.setPorts(b, this.portsOf(b).filter((p) => p !== port))
    this.ports.delete(name)
    for (const m of this.membersOf(port)) this.detachIface(m)
  }

  movePort(name: string, from: string, to: string): void {
    const { bridge, port } = this.port(name)
    if (bridge.name !== from) throw simError(`port '${name}' is not on bridge '${from}'`)
    const dest = this.bridge(to)
    this.setPorts(bridge, this.portsOf(bridge).filter((p) => p !== port))
    this.portsOf(dest).push(port)
    this.index(dest, port)
    for (const m of this.membersOf(port)) {
      const i = this.byName.get(m)
      if (i !== undefined) i.controller = to
    }
  }

  /** Member changes of a (bond) port. */
  addMembers(name: string, specs: readonly OvsIfaceSpec[]): void {
    const { bridge, port } = this.port(name)
    if (port.bond === undefined) port.bond = { ports: [port.name] }
    for (const s of specs) this.attachIface(bridge.name, s)
    port.bond.ports = [...(port.bond.ports ?? []), ...specs.map((s) => s.name)].sort()
    for (const s of specs) this.used.set(s.name, name)
  }

  delMembers(name: string, names: readonly string[]): void {
    const { port } = this.port(name)
    const members = this.membersOf(port)
    for (const n of names) {
      if (!members.includes(n)) throw simError(`interface '${n}' is not in port '${name}'`)
      this.detachIface(n)
    }
    const left = members.filter((m) => !names.includes(m))
    if (left.length === 0) throw simError(`port '${name}' would have no interfaces`)
    if (port.bond !== undefined) port.bond.ports = left.sort()
  }

  setIface(name: string, c: OvsIfaceColumns): void {
    if (!this.ifaceInUse(name)) throw simError(`no interface '${name}'`)
    const i = this.byName.get(name)
    if (i === undefined) return
    if (c.mtuRequest !== undefined && i.type === 'ovs-interface' && !isPatch(i)) i.mtu = c.mtuRequest ?? i.mtu ?? OVS_DEFAULT_MTU
    if (c.mac !== undefined && c.mac !== null && i.type === 'ovs-interface' && !isPatch(i)) i.mac = c.mac
    if (c.options?.['peer'] !== undefined && isPatch(i)) i.ovsInterface = { patch: { peer: c.options['peer'] } }
    setOvsDb(i, ovsDbOf(c, i.ovsDb))
  }
}

function bridgeOptions(b: Iface, c: OvsBridgeColumns): void {
  const o = { ...b.ovsBridge?.options }
  if (c.datapathType !== undefined) o.datapath = c.datapathType
  if (c.stpEnable !== undefined) o.stp = c.stpEnable
  if (c.rstpEnable !== undefined) o.rstp = c.rstpEnable
  if (c.mcastSnoopingEnable !== undefined) o.mcastSnoopingEnable = c.mcastSnoopingEnable
  if (c.failMode !== undefined) o.failMode = c.failMode ?? ''
  b.ovsBridge = { ...b.ovsBridge, options: o }
  setOvsDb(b, ovsDbOf(c, b.ovsDb))
}

function applyChange(sim: OvsSim, c: OvsChange): void {
  switch (c.kind) {
    case 'bridge.add': {
      if (sim.bridges.has(c.name)) throw simError(`bridge '${c.name}' exists (duplicate Bridge name)`)
      const options = { stp: false, rstp: false, mcastSnoopingEnable: false, failMode: '', datapath: '' } as const
      const b: Iface = { name: c.name, type: 'ovs-bridge', state: 'up', ovsBridge: { options: { ...options }, ports: [] } }
      bridgeOptions(b, c.columns)
      sim.bridges.set(c.name, b)
      return
    }
    case 'bridge.del': {
      const b = sim.bridge(c.name)
      for (const p of [...sim.portsOf(b)]) sim.delPort(c.name, p.name)
      sim.bridges.delete(c.name)
      return
    }
    case 'bridge.set': return bridgeOptions(sim.bridge(c.name), c.columns)
    case 'port.add': return sim.addPort(c.bridge, c.name, c.columns, c.interfaces)
    case 'port.del': return sim.delPort(c.bridge, c.name)
    case 'port.move': return sim.movePort(c.name, c.from, c.to)
    case 'port.set': return sim.setPortColumns(sim.port(c.name).port, c.columns)
    case 'port.add-ifaces': return sim.addMembers(c.port, c.interfaces)
    case 'port.del-ifaces': return sim.delMembers(c.port, c.names)
    case 'iface.set': return sim.setIface(c.name, c.columns)
  }
}

/** The combined state after ovs-vswitchd applied `changes` (all or nothing, as one OVSDB transaction). */
export function applyOvsChanges(state: HostState, changes: readonly OvsChange[]): HostState {
  const sim = new OvsSim(state)
  changes.forEach((c, i) => {
    try {
      applyChange(sim, c)
    } catch (e) {
      if (e instanceof HostnetError) throw new HostnetError(e.kind, `OVS change ${i} (${c.kind}): ${e.message}`, { cause: e, details: { change: c } })
      throw e
    }
  })
  return sim.result(state)
}
