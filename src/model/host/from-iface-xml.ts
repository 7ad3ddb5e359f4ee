/**
 * libvirt interface XML (netcf format) → a desired host state, for `iface-start`. Pure.
 *
 * - Every interface of the document is desired `up`: the top one with the document's MTU and addressing,
 *   members bare (bridge ports, bond slaves, VLAN sub-interfaces).
 * - The document's MTU applies to every interface in it: members inherit the top interface's settings (a
 *   bridge's MTU follows its ports in the kernel anyway).
 * - `type='ethernet'` names an existing NIC: it keeps the kernel type the current state reports (a veth stays a
 *   veth), so the document can describe any physical-like port.
 * - `<protocol>` present for a family: its static addresses replace the current ones; `<dhcp/>` asks for DHCP
 *   (which hostnet refuses as not supported when applied); `<route gateway>` becomes a default route on the
 *   top interface. A family without `<protocol>` is left as it is.
 * - An address without a prefix gets the classful prefix for IPv4 (as ifcfg's ipcalc does) and /64 for IPv6.
 * @module
 */
import { classfulPrefix, formatIp, type IpAddr } from '../values/ip.js'
import type { AnyInterface, BondMonitor, BridgeMember, InterfaceDef, InterfaceProtocol } from '../iface-xml/interface-def.js'
import type { Iface, IfaceType, IpConfig } from './iface.js'
import type { Route } from './route.js'
import type { DesiredState, HostState } from './state.js'

export const IPV6_DEFAULT_PREFIX = 64

export interface IfaceXmlToDesiredOptions {
  /** The target's current state: existing ports keep their kernel type. */
  current?: HostState
}

interface Ctx {
  types: ReadonlyMap<string, IfaceType>
  out: Iface[]
}

function prefixFor(addr: IpAddr, prefix: number | undefined): number {
  if (prefix !== undefined) return prefix
  if (addr.family === 'ipv6') return IPV6_DEFAULT_PREFIX
  return classfulPrefix(addr.value) ?? 32
}

export function protocolToIpConfig(p: InterfaceProtocol): IpConfig {
  const addresses = p.addresses.map((a) => ({ ip: formatIp(a.address), prefixLength: prefixFor(a.address, a.prefix) }))
  const cfg: IpConfig = { enabled: addresses.length > 0 || p.dhcp !== undefined || p.autoconf === true, addresses }
  if (p.dhcp !== undefined) cfg.dhcp = true
  if (p.family === 'ipv6' && p.autoconf === true) cfg.autoconf = true
  return cfg
}

/** Kernel bonding options for a `<miimon>` / `<arpmon>` element. */
export function bondMonitorOptions(m: BondMonitor | undefined): Record<string, string | number> {
  if (m === undefined) return {}
  switch (m.kind) {
    case 'miimon': {
      const o: Record<string, string | number> = { miimon: m.freqMs }
      if (m.upDelayMs !== undefined) o['updelay'] = m.upDelayMs
      if (m.downDelayMs !== undefined) o['downdelay'] = m.downDelayMs
      if (m.carrier !== undefined) o['use_carrier'] = m.carrier === 'netif' ? 1 : 0
      return o
    }
    case 'arpmon': {
      const o: Record<string, string | number> = { arp_interval: m.intervalMs, arp_ip_target: formatIp(m.target) }
      if (m.validate !== undefined) o['arp_validate'] = m.validate
      return o
    }
  }
}

function nicType(ctx: Ctx, name: string): IfaceType {
  return ctx.types.get(name) ?? 'ethernet'
}

/** Desired entries for `def` (and, recursively, its members); returns the entry of `def` itself. */
function entries(def: AnyInterface | BridgeMember, ctx: Ctx): Iface {
  let own: Iface
  switch (def.type) {
    case 'ethernet':
      own = { name: def.name, type: nicType(ctx, def.name), state: 'up', ...(def.mac === undefined ? {} : { mac: def.mac }) }
      break
    case 'vlan':
      own = { name: def.name, type: 'vlan', state: 'up', vlan: { baseIface: def.vlan.parent, id: def.vlan.tag } }
      break
    case 'bond': {
      const ports = def.bond.slaves.map((s) => entries(s, ctx).name)
      const options = bondMonitorOptions(def.bond.monitor)
      own = { name: def.name, type: 'bond', state: 'up', bond: { ...(def.bond.mode === undefined ? {} : { mode: def.bond.mode }), options, ports } }
      break
    }
    case 'bridge': {
      const ports = def.bridge.members.map((m) => ({ name: entries(m, ctx).name }))
      const options = { ...(def.bridge.stp === undefined ? {} : { stp: def.bridge.stp }), ...(def.bridge.delaySec === undefined ? {} : { forwardDelaySec: def.bridge.delaySec }) }
      own = { name: def.name, type: 'linux-bridge', state: 'up', bridge: { options, ports } }
      break
    }
  }
  ctx.out.push(own)
  return own
}

export function ifaceXmlToDesired(def: InterfaceDef, opts: IfaceXmlToDesiredOptions = {}): DesiredState {
  const types = new Map((opts.current?.interfaces ?? []).map((i) => [i.name, i.type] as const))
  const ctx: Ctx = { types, out: [] }
  const top = entries(def, ctx)
  if (def.mtu !== undefined && def.mtu > 0) for (const e of ctx.out) e.mtu = def.mtu
  const routes: Route[] = []
  for (const p of def.protocols) {
    top[p.family] = protocolToIpConfig(p)
    if (p.gateway !== undefined) {
      routes.push({ destination: p.family === 'ipv4' ? '0.0.0.0/0' : '::/0', nextHopAddress: formatIp(p.gateway), nextHopInterface: def.name })
    }
  }
  return routes.length === 0 ? { interfaces: ctx.out } : { interfaces: ctx.out, routes: { config: routes } }
}
