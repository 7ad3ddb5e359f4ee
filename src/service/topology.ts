/**
 * A target's topology: one graph from the host's NICs through bonds, VLANs, bridges and Open vSwitch to the
 * virtual networks, their ports and the guests behind them (the web console draws it; scripts may too).
 * Edges point from the lower layer to the upper one (a NIC to its bond, a bond to its bridge, a bridge to the
 * network on it, a network to its ports, a port to its guest), so the graph is layered left to right; a veth
 * pair's `peer` edge is the one that says nothing about layers.
 *
 * `buildTopology` is pure over what was read (state, networks with their definitions, ports); `readTopology`
 * reads them through the runtime.
 * @module
 */
import type { Iface, IfaceType } from '../model/host/iface.js'
import type { HostState } from '../model/host/state.js'
import type { NetworkDef } from '../model/network/network-def.js'
import { networkIpPrefix } from '../model/network/ip.js'
import { formatIp } from '../model/values/ip.js'
import type { Target } from '../model/target.js'
import { targetKey } from '../txn/target-key.js'
import type { NetworkDriver, NetworkSummary } from '../driver/network/index.js'
import { currentDef } from '../driver/network/define.js'
import type { PortView } from './ops.js'
import { showState } from './host.js'
import { portView } from './ports.js'
import type { Runtime } from './runtime.js'

export type TopologyNodeKind = 'iface' | 'ovs-bridge' | 'ovs-bond' | 'network' | 'port' | 'guest'
export type TopologyEdgeKind = 'controller' | 'base' | 'peer' | 'bond-member' | 'bridge' | 'pool' | 'port' | 'guest'

export interface TopologyNode {
  /** `iface:NAME`, `ovs-bridge:NAME`, `ovs-bond:BRIDGE/PORT`, `network:NAME`, `port:UUID`, `guest:NAME`. */
  id: string
  kind: TopologyNodeKind
  /** What to print on the node. */
  label: string
  /** Interface type (`ethernet`, `linux-bridge`, ...), a network's forward mode, a port's plug type. */
  type?: string
  /** `up`/`down` for interfaces, a network's or port's status. */
  state?: string
  /** Facts shown when the node is opened (MTU, MAC, addresses, subnet, device...). */
  detail: Record<string, unknown>
}

export interface TopologyEdge {
  from: string
  to: string
  kind: TopologyEdgeKind
}

export interface Topology {
  target: string
  /** The newest change record id when this was read: events after it may not be in it yet. */
  changeId: number
  nodes: TopologyNode[]
  edges: TopologyEdge[]
}

export interface TopologyNetwork {
  summary: NetworkSummary
  /** The definition it runs with (live), else the persistent one; undefined when unreadable. */
  def: NetworkDef | undefined
  connections: number
}

const HIDDEN_TYPES: ReadonlySet<IfaceType> = new Set(['loopback'])

function addresses(i: Iface): string[] {
  return [...(i.ipv4?.addresses ?? []), ...(i.ipv6?.addresses ?? [])].map((a) => `${a.ip}/${a.prefixLength}`)
}

function ifaceDetail(i: Iface): Record<string, unknown> {
  const d: Record<string, unknown> = {}
  if (i.mtu !== undefined) d['mtu'] = i.mtu
  if (i.mac !== undefined) d['mac'] = i.mac
  if (typeof i.controller === 'string') d['controller'] = i.controller
  const addrs = addresses(i)
  if (addrs.length > 0) d['addresses'] = addrs
  if (i.vlan?.id !== undefined) d['vlanId'] = i.vlan.id
  if (i.bond?.mode !== undefined) d['bondMode'] = i.bond.mode
  if (i.macvlan?.mode !== undefined) d['macvlanMode'] = i.macvlan.mode
  if (i.vxlan?.id !== undefined) d['vxlanId'] = i.vxlan.id
  if (i.veth?.peer !== undefined) d['peer'] = i.veth.peer
  return d
}

function networkDetail(n: TopologyNetwork): Record<string, unknown> {
  const d: Record<string, unknown> = { autostart: n.summary.autostart, persistent: n.summary.persistent, connections: n.connections }
  if (n.summary.bridge !== undefined) d['bridge'] = n.summary.bridge
  const def = n.def
  if (def === undefined) return d
  const subnets: string[] = []
  const dhcp: string[] = []
  for (const ip of def.ips) {
    const prefix = networkIpPrefix(ip)
    subnets.push(`${formatIp(ip.address)}${prefix === undefined ? '' : `/${prefix}`}`)
    for (const r of ip.dhcpRanges) dhcp.push(`${formatIp(r.start)}-${formatIp(r.end)}`)
  }
  if (subnets.length > 0) d['addresses'] = subnets
  if (dhcp.length > 0) d['dhcpRanges'] = dhcp
  const devices = def.forward.interfaces.map((f) => f.dev)
  if (devices.length > 0) d['devices'] = devices
  if (def.forward.pf !== undefined) d['pf'] = def.forward.pf
  if (def.portGroups.length > 0) d['portgroups'] = def.portGroups.map((g) => g.name)
  if (def.virtualPort !== undefined) d['virtualport'] = def.virtualPort.type
  return d
}

function portDetail(p: PortView): Record<string, unknown> {
  const d: Record<string, unknown> = { network: p.network, mac: p.mac, owner: p.owner.name }
  if (p.device !== undefined) d['device'] = p.device
  if (p.hostdev !== undefined) d['hostdev'] = p.hostdev
  const plug = p.plug as { type?: string; mode?: string; bridge?: string; dev?: string } | undefined
  if (plug?.mode !== undefined) d['mode'] = plug.mode
  if (p.guest !== undefined) d['guest'] = `${p.guest.netns}:${p.guest.name}`
  return d
}

/** The topology graph of what was read. Deterministic: nodes and edges in a stable order. */
export function buildTopology(target: string, changeId: number, state: HostState, networks: readonly TopologyNetwork[], ports: readonly PortView[]): Topology {
  const nodes: TopologyNode[] = []
  const edges: TopologyEdge[] = []
  const ids = new Set<string>()
  const edgeKeys = new Set<string>()
  const node = (n: TopologyNode): void => {
    if (ids.has(n.id)) return
    ids.add(n.id)
    nodes.push(n)
  }
  const edge = (from: string, to: string, kind: TopologyEdgeKind): void => {
    const key = `${from}\n${to}\n${kind}`
    if (from === to || edgeKeys.has(key)) return
    edgeKeys.add(key)
    edges.push({ from, to, kind })
  }

  // ports' host devices are shown as the port, not as a separate interface
  const portDevices = new Set(ports.flatMap((p) => (p.device === undefined ? [] : [p.device])))
  const kernel = new Map<string, Iface>()
  const ovsBridges = new Map<string, Iface>()
  for (const i of state.interfaces) {
    if (i.type === 'ovs-bridge') ovsBridges.set(i.name, i)
    else kernel.set(i.name, i)
  }
  const ifaceId = (name: string): string | undefined => (kernel.has(name) && !portDevices.has(name) ? `iface:${name}` : undefined)
  /** A controller name: an OVS bridge's node, else the kernel interface's. */
  const controllerId = (name: string): string | undefined => (ovsBridges.has(name) ? `ovs-bridge:${name}` : ifaceId(name))

  for (const i of kernel.values()) {
    if (HIDDEN_TYPES.has(i.type) || portDevices.has(i.name)) continue
    node({ id: `iface:${i.name}`, kind: 'iface', label: i.name, type: i.type, ...(i.state === undefined ? {} : { state: i.state }), detail: ifaceDetail(i) })
  }
  for (const b of ovsBridges.values()) {
    node({ id: `ovs-bridge:${b.name}`, kind: 'ovs-bridge', label: b.name, type: 'ovs-bridge', ...(b.state === undefined ? {} : { state: b.state }), detail: {} })
  }
  // ports of OVS bridges: bonds get a node of their own (the OVS port), members go through it
  const ovsBonded = new Set<string>()
  for (const b of ovsBridges.values()) {
    for (const p of b.ovsBridge?.ports ?? []) {
      if (p.bond === undefined) continue
      const bondId = `ovs-bond:${b.name}/${p.name}`
      node({ id: bondId, kind: 'ovs-bond', label: p.name, type: 'ovs-bond', detail: { bridge: b.name, ...(p.bond.mode === undefined ? {} : { bondMode: p.bond.mode }) } })
      edge(bondId, `ovs-bridge:${b.name}`, 'controller')
      for (const m of p.bond.ports ?? []) {
        const mid = ifaceId(m)
        if (mid === undefined) continue
        ovsBonded.add(m)
        edge(mid, bondId, 'bond-member')
      }
    }
  }
  for (const i of kernel.values()) {
    const id = ifaceId(i.name)
    if (id === undefined || HIDDEN_TYPES.has(i.type)) continue
    if (typeof i.controller === 'string' && !ovsBonded.has(i.name)) {
      const c = controllerId(i.controller)
      if (c !== undefined) edge(id, c, 'controller')
    }
    const base = i.vlan?.baseIface ?? i.macvlan?.baseIface ?? i.vxlan?.baseIface
    if (base !== undefined) {
      const b = ifaceId(base)
      if (b !== undefined) edge(b, id, 'base')
    }
    const peer = i.veth?.peer
    if (peer !== undefined && i.name < peer) {
      const p = ifaceId(peer)
      if (p !== undefined) edge(id, p, 'peer')
    }
  }

  for (const n of networks) {
    const netId = `network:${n.summary.name}`
    node({ id: netId, kind: 'network', label: n.summary.name, type: n.summary.forwardMode, state: n.summary.state, detail: networkDetail(n) })
    const bridge = n.summary.bridge ?? n.def?.bridge?.name
    if (bridge !== undefined) {
      const b = controllerId(bridge)
      if (b !== undefined) edge(b, netId, 'bridge')
    }
    for (const dev of n.def?.forward.interfaces ?? []) {
      const d = ifaceId(dev.dev)
      if (d !== undefined) edge(d, netId, 'pool')
    }
    const pf = n.def?.forward.pf
    if (pf !== undefined) {
      const d = ifaceId(pf)
      if (d !== undefined) edge(d, netId, 'pool')
    }
  }
  for (const p of ports) {
    const portId = `port:${p.uuid}`
    node({ id: portId, kind: 'port', label: p.device ?? p.mac, type: (p.plug as { type?: string } | undefined)?.type ?? 'none', state: p.status, detail: portDetail(p) })
    if (ids.has(`network:${p.network}`)) edge(`network:${p.network}`, portId, 'port')
    const guestName = p.owner.name
    if (guestName !== '') {
      const guestId = `guest:${guestName}`
      node({ id: guestId, kind: 'guest', label: guestName, detail: { uuid: p.owner.uuid, ...(p.guest === undefined ? {} : { netns: p.guest.netns }) } })
      edge(portId, guestId, 'guest')
    }
  }
  return { target, changeId, nodes, edges }
}

/** Read a target's topology: its state, its networks (all, with definitions and connection counts) and ports. */
export async function readTopology(rt: Runtime, target: Target): Promise<Topology> {
  const changeId = rt.store.changes.lastId()
  const key = targetKey(target)
  const driver = rt.networks()
  const summaries = driver.list(target, { all: true })
  const ports = driver.ports.listTarget(target).map(portView)
  const counts = new Map<string, number>()
  for (const p of ports) counts.set(p.network, (counts.get(p.network) ?? 0) + 1)
  const networks: TopologyNetwork[] = summaries.map((s) => ({ summary: s, def: networkDefOf(driver, key, s.name), connections: counts.get(s.name) ?? 0 }))
  const state = await showState(rt, target, [])
  return buildTopology(key, changeId, state, networks, ports)
}

/** The definition a network runs with (live), else its persistent one. */
function networkDefOf(driver: NetworkDriver, key: string, name: string): NetworkDef | undefined {
  const rec = driver.ctx.networks.get(key, name)
  return rec === undefined ? undefined : currentDef(rec)
}
