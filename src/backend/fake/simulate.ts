/**
 * A pure in-memory model of the kernel: applies HostOps to a HostState and enforces the rules a real kernel
 * would (no duplicate names, enslaving only to an existing controller, bond ports down, MTU bounds of children,
 * deletion cascades, flushes on link down, address and route uniqueness, reachable gateways). Used by the
 * engine's fake backend (index.ts) and by the planner's tests, which apply every plan they make to it.
 * @module
 */
import { assertNever, HostnetError } from '../../errors.js'
import { dhcpClientOf, dhcpSettings } from '../../model/host/dhcp.js'
import { BOND_MODES } from '../../model/host/iface.js'
import type { BondMode, Iface, IpAddress, IpConfig } from '../../model/host/iface.js'
import type { Route } from '../../model/host/route.js'
import { describeRule, ruleMatches, type RouteRule } from '../../model/host/route-rule.js'
import type { HostState } from '../../model/host/state.js'
import { inSubnet, isLinkLocalIpv6, parseIpAddr } from '../../model/values/ip.js'
import { afterDelete } from '../../plan/kernel/addresses.js'
import { viewCurrent } from '../../plan/kernel/current.js'
import { addrKey, familyOfIp } from '../../plan/kernel/graph.js'
import type { HostOp } from '../../plan/ops.js'
import { routeKernelKey, sameRoute } from '../../plan/kernel/routes.js'
import { hasOvsOps, involvesOvsState } from '../../plan/ovs/state.js'
import { setPortList } from '../../model/host/relations.js'
import { simError, SimKernel } from './sim-kernel.js'
import { applyOpsWithOvs } from './simulate-ovs.js'

function clone<T>(x: T): T {
  return structuredClone(x)
}

function load(state: HostState): SimKernel {
  const view = viewCurrent(state)
  const links = new Map<string, Iface>()
  for (const [name, i] of view.ifaces) {
    const l = clone(i)
    l.state = l.state === 'up' ? 'up' : 'down'
    l.ipv4 = { ...l.ipv4, addresses: l.ipv4?.addresses ?? [] }
    l.ipv6 = { ...l.ipv6, addresses: l.ipv6?.addresses ?? [] }
    links.set(name, l)
  }
  const k = new SimKernel(links, clone(view.routes))
  if (state.routeRules !== undefined) k.rules = clone(state.routeRules)
  return k
}

function ipOut(c: IpConfig | undefined, family: 'ipv4' | 'ipv6'): IpConfig {
  const addresses = c?.addresses ?? []
  // a running DHCP client is reported with its settings and lease, as the DHCP backend's queries report it
  const client = dhcpClientOf(c, family)
  if (client !== undefined) return { enabled: true, addresses, ...dhcpSettings(client), ...(c?.lease === undefined ? {} : { lease: c.lease }) }
  return { enabled: addresses.length > 0, addresses }
}

/** Back to a HostState with both sides of membership filled, as a query reports it. */
function unload(k: SimKernel): HostState {
  const ports = new Map<string, string[]>()
  for (const l of k.links.values()) if (l.controller) ports.set(l.controller, [...(ports.get(l.controller) ?? []), l.name])
  const interfaces = [...k.links.values()].map((l) => {
    const out: Iface = { ...clone(l), ipv4: ipOut(l.ipv4, 'ipv4'), ipv6: ipOut(l.ipv6, 'ipv6') }
    setPortList(out, ports.get(l.name) ?? [])
    return out
  })
  return k.rules === undefined ? { interfaces, routes: k.routes } : { interfaces, routes: k.routes, routeRules: k.rules }
}

function listOf(l: Iface, ip: string): IpAddress[] {
  return (familyOfIp(ip) === 'ipv4' ? l.ipv4?.addresses : l.ipv6?.addresses) ?? []
}

function setList(l: Iface, family: 'ipv4' | 'ipv6', list: IpAddress[]): void {
  l[family] = { ...l[family], addresses: list }
}

function addAddress(k: SimKernel, name: string, a: IpAddress): void {
  const l = k.get(name)
  const family = familyOfIp(a.ip)
  const list = listOf(l, a.ip)
  const clash = list.find((x) => (family === 'ipv6' ? x.ip === a.ip : addrKey(x) === addrKey(a)))
  if (clash !== undefined) throw simError(`address ${addrKey(a)} on '${name}': File exists`)
  setList(l, family, [...list, a])
}

/** Delete an address; deleting an IPv4 primary deletes its secondaries (promote_secondaries=0). */
function delAddress(k: SimKernel, name: string, a: IpAddress): void {
  const l = k.get(name)
  const family = familyOfIp(a.ip)
  const list = listOf(l, a.ip)
  if (!list.some((x) => addrKey(x) === addrKey(a))) throw simError(`address ${addrKey(a)} on '${name}': Cannot assign requested address`)
  const rest = afterDelete(list, a)
  setList(l, family, rest)
  // the last IPv4 address gone: the kernel disables IPv4 on the device and flushes its IPv4 routes
  if (family === 'ipv4' && rest.length === 0) k.routes = k.routes.filter((r) => r.nextHopInterface !== name || familyOfIp(r.destination) !== 'ipv4')
}

function addRoute(k: SimKernel, r: Route): void {
  if (r.state === 'absent') throw new HostnetError('bug', 'route.add of an absent route selector')
  const dev = r.nextHopInterface
  if (dev !== undefined) {
    const l = k.get(dev, `next-hop-interface of route ${r.destination}`)
    if (l.state !== 'up') throw simError(`route ${r.destination} via '${dev}': Network is down`)
    const gw = r.nextHopAddress
    if (gw !== undefined && !isLinkLocalIpv6(parseIpAddr(gw))) {
      const reachable = listOf(l, gw).some((a) => inSubnet(parseIpAddr(gw), parseIpAddr(a.ip), a.prefixLength))
      if (!reachable) throw simError(`route ${r.destination}: gateway ${gw} is not reachable via '${dev}' (Nexthop has invalid gateway)`)
    }
  }
  const key = routeKernelKey(r)
  if (k.routes.some((x) => routeKernelKey(x) === key)) throw simError(`route ${r.destination}: File exists`)
  k.routes = [...k.routes, r]
}

function delRoute(k: SimKernel, r: Route): void {
  const at = k.routes.findIndex((x) => sameRoute(x, r))
  if (at < 0) throw simError(`route ${r.destination}: No such process`)
  k.routes = k.routes.filter((_, i) => i !== at)
}

function applyOne(k: SimKernel, op: HostOp): void {
  switch (op.kind) {
    case 'link.create': return k.create(op.iface)
    case 'link.delete':
      for (const n of op.names) {
        k.get(n)
        k.delete(n)
      }
      return
    case 'link.set-state': {
      const l = k.get(op.name)
      if (l.state === 'up' && op.state === 'down') k.flushOnDown(l)
      l.state = op.state
      return
    }
    case 'link.set-mtu': return k.setMtu(k.get(op.name), op.mtu)
    case 'link.set-mac': {
      if ((parseInt(op.mac.slice(0, 2), 16) & 1) === 1) throw simError(`MAC ${op.mac} for '${op.name}' is multicast (Cannot assign requested address)`)
      k.get(op.name).mac = op.mac
      return
    }
    case 'link.set-controller': {
      const l = k.get(op.name)
      if (op.controller === null) return l.controller ? k.release(l) : undefined
      return k.attach(l, op.controller)
    }
    case 'bridge.set-options': {
      const l = k.get(op.name)
      if (l.type !== 'linux-bridge') throw simError(`'${op.name}' is not a bridge`)
      l.bridge = { ...l.bridge, options: k.startStp(l.bridge?.options ?? {}, op.options) }
      return
    }
    case 'bridge-port.set-options': {
      const l = k.get(op.name)
      const ctrl = l.controller ? k.get(l.controller) : undefined
      if (ctrl?.type !== 'linux-bridge') throw simError(`'${op.name}' is not a bridge port`)
      l.bridgePort = { ...l.bridgePort, ...op.options }
      return
    }
    case 'bond.set-options': {
      const l = k.get(op.name)
      if (l.type !== 'bond') throw simError(`'${op.name}' is not a bond`)
      const { mode, ...options } = op.options
      if (mode !== undefined && (l.state === 'up' || k.portsOf(l.name).length > 0)) throw simError(`cannot change the mode of bond '${l.name}' while it is up or has ports`)
      if (mode !== undefined && !(BOND_MODES as readonly unknown[]).includes(mode)) throw simError(`invalid bond mode ${mode}`)
      l.bond = { ...l.bond, ...(mode === undefined ? {} : { mode: mode as BondMode }), options: { ...l.bond?.options, ...options } }
      return
    }
    case 'addr.add': return addAddress(k, op.name, op.address)
    case 'addr.del': return delAddress(k, op.name, op.address)
    case 'route.add': return addRoute(k, op.route)
    case 'route.del': return delRoute(k, op.route)
    case 'rule.add': {
      k.rules = [...(k.rules ?? []), { ...op.rule, priority: op.rule.priority ?? nextRulePriority(k.rules ?? []) }]
      return
    }
    case 'rule.del': {
      const rules = k.rules ?? []
      const at = rules.findIndex((x) => ruleMatches(op.rule, x))
      if (at < 0) throw simError(`${describeRule(op.rule)}: No such file or directory`)
      k.rules = rules.filter((_, i) => i !== at)
      return
    }
    case 'vxlan.set-remotes': {
      const l = k.get(op.name)
      if (l.type !== 'vxlan') throw simError(`'${op.name}' is not a vxlan (fdb: Operation not supported)`)
      const have = new Set(l.vxlan?.remotes ?? [])
      for (const ip of op.del) if (!have.delete(ip)) throw simError(`fdb entry ${ip} of '${op.name}': No such file or directory`)
      for (const ip of op.add) {
        if (have.has(ip)) throw simError(`fdb entry ${ip} of '${op.name}': File exists`)
        have.add(ip)
      }
      l.vxlan = { ...l.vxlan, remotes: [...have].sort() }
      return
    }
    case 'dhcp.start': {
      // the simulated client gets its lease at once (a documentation address)
      const l = k.get(op.name)
      const fam = op.client.family
      l[fam] = { ...l[fam], enabled: true, ...dhcpSettings(op.client), ...(fam === 'ipv4' ? { lease: { address: '192.0.2.100/24' } } : {}) }
      return
    }
    case 'dhcp.stop': {
      const l = k.get(op.name)
      const c = l[op.family]
      if (c?.dhcp !== true) throw simError(`no DHCP client (${op.family}) runs on '${op.name}'`)
      l[op.family] = { enabled: (c.addresses?.length ?? 0) > 0, addresses: c.addresses ?? [] }
      return
    }
    case 'ovs.transact': throw new HostnetError('bug', 'ovs.transact reached the kernel simulator (applyOpsToState hands it to simulate-ovs.ts)')
    default: return assertNever(op, 'host op')
  }
}

/**
 * Apply `ops` in order to a copy of `state`. Throws a HostnetError (details.opIndex = the failing op) on the
 * first op a kernel would refuse; `state` itself is never modified.
 */
export function applyOpsToState(state: HostState, ops: readonly HostOp[]): HostState {
  // Open vSwitch: simulate-ovs.ts applies ovs.transact and calls back for the runs of kernel ops
  if (hasOvsOps(ops) || involvesOvsState(state)) return applyOpsWithOvs(state, ops, applyKernelOps)
  return applyKernelOps(state, ops)
}

function applyKernelOps(state: HostState, ops: readonly HostOp[]): HostState {
  const k = load(state)
  ops.forEach((op, i) => {
    try {
      applyOne(k, op)
    } catch (e) {
      if (e instanceof HostnetError) throw new HostnetError(e.kind, `op ${i} (${op.kind}): ${e.message}`, { cause: e, details: { opIndex: i, op } })
      throw e
    }
  })
  return unload(k)
}

/** The priority the kernel gives a rule added without one: one less than the lowest non-zero priority in use. */
function nextRulePriority(rules: readonly RouteRule[]): number {
  const used = rules.map((r) => r.priority ?? 0).filter((p) => p > 0)
  return used.length === 0 ? 32765 : Math.max(1, Math.min(...used) - 1)
}
