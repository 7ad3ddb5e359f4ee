/**
 * Kimchi's view of the host's interfaces, computed from hostnet's own query of the target (HostState) and its
 * networks, never from /sys of another namespace:
 * - a NIC is an Ethernet device: a physical one, or a veth whose peer is in another namespace (a wire out of the
 *   namespace: how a sandbox's eth0..eth3 look);
 * - types in Kimchi's order of checks: nic, bonding, bridge (Linux or Open vSwitch), vlan, unknown;
 * - "favoured" interfaces (what Destination lists): bare NICs (neither bridge ports nor bond members), bonds, and
 *   bridges. Kimchi lists only bridges with a physical NIC behind them, which hid hand-made bridges (#1208,
 *   #1161); here every bridge is listed except the bridges hostnet's own L3 networks make (`virbr0`).
 * - "used by networks": per network, for forward mode bridge with pool devices the first one, else every pool
 *   device and `pf`; plus its bridge name.
 * @module
 */
import type { Iface } from '../../../model/host/iface.js'
import type { HostState } from '../../../model/host/state.js'
import type { NetworkDef } from '../../../model/network/network-def.js'
import { formatIpv4, prefixToNetmask, tryParseIpv4 } from '../../../model/values/ip.js'

export type KimchiIfaceType = 'nic' | 'bonding' | 'bridge' | 'vlan' | 'unknown'

export interface KimchiInterface {
  name: string
  type: KimchiIfaceType
  status: 'up' | 'down'
  ipaddr: string
  netmask: string
  module: string
}

/** Forward modes whose networks make their own bridge (libvirt's L3 modes). */
const L3_MODES = new Set(['none', 'nat', 'route', 'open'])

export function isNic(i: Iface): boolean {
  return i.type === 'ethernet' || (i.type === 'veth' && i.veth?.peer === undefined)
}

export function kimchiType(i: Iface): KimchiIfaceType {
  if (isNic(i)) return 'nic'
  if (i.type === 'bond') return 'bonding'
  if (i.type === 'linux-bridge' || i.type === 'ovs-bridge') return 'bridge'
  if (i.type === 'vlan') return 'vlan'
  return 'unknown'
}

/** The kernel driver of a device type, where the type says it (physical NICs: see the host's sysfs). */
export function moduleOfType(i: Iface): string {
  switch (i.type) {
    case 'veth':
      return 'veth'
    case 'linux-bridge':
      return 'bridge'
    case 'bond':
      return 'bonding'
    case 'vlan':
      return '8021q'
    case 'ovs-bridge':
    case 'ovs-interface':
      return 'openvswitch'
    case 'mac-vlan':
      return 'macvlan'
    case 'mac-vtap':
      return 'macvtap'
    case 'vxlan':
      return 'vxlan'
    case 'tap':
      return 'tun'
    default:
      return 'unknown'
  }
}

/** One entry per name: an OVS bridge and its same-named internal port are one Kimchi interface (the bridge). */
export function interfacesByName(state: HostState): Map<string, Iface> {
  const m = new Map<string, Iface>()
  for (const i of state.interfaces) {
    if (i.type === 'loopback') continue
    const had = m.get(i.name)
    if (had === undefined || i.type === 'ovs-bridge') m.set(i.name, had === undefined ? i : { ...had, ...i, type: 'ovs-bridge' })
  }
  return m
}

export function kimchiInterface(i: Iface, module: (i: Iface) => string): KimchiInterface {
  const a = i.ipv4?.addresses?.[0]
  const addr = a === undefined ? undefined : tryParseIpv4(a.ip)
  return {
    name: i.name,
    type: kimchiType(i),
    status: i.state === 'up' ? 'up' : 'down',
    ipaddr: addr === undefined ? '' : a!.ip,
    netmask: addr === undefined ? '' : formatIpv4(prefixToNetmask(a!.prefixLength)),
    module: module(i),
  }
}

/** Interfaces a network uses (Kimchi's `get_all_networks_interfaces`). */
export function networkInterfaces(def: NetworkDef): string[] {
  const out: string[] = []
  const f = def.forward
  const devs = f.interfaces.map((x) => x.dev)
  if (f.mode === 'bridge' && devs.length > 0) out.push(devs[0]!)
  else {
    out.push(...devs)
    if (f.pf !== undefined) out.push(f.pf)
  }
  if (def.bridge?.name !== undefined) out.push(def.bridge.name)
  return out
}

export function usedByNetworks(defs: readonly NetworkDef[]): Set<string> {
  const used = new Set<string>()
  for (const d of defs) for (const n of networkInterfaces(d)) used.add(n)
  return used
}

/** Bridges of hostnet's L3 networks (nat, isolated, route, open): made and owned by a network, never offered. */
export function networkOwnedBridges(defs: readonly NetworkDef[]): Set<string> {
  const out = new Set<string>()
  for (const d of defs) if (L3_MODES.has(d.forward.mode) && d.bridge?.name !== undefined) out.add(d.bridge.name)
  return out
}

export interface HostView {
  /** By name (OVS bridge and internal port merged). */
  byName: Map<string, Iface>
  favoured: Iface[]
}

export function hostView(state: HostState, defs: readonly NetworkDef[]): HostView {
  const byName = interfacesByName(state)
  const owned = networkOwnedBridges(defs)
  const favoured: Iface[] = []
  for (const i of byName.values()) {
    const t = kimchiType(i)
    if (t === 'nic') {
      const port = i.controller !== undefined && i.controller !== null
      if (!port) favoured.push(i)
    } else if (t === 'bonding') favoured.push(i)
    else if (t === 'bridge' && !owned.has(i.name)) favoured.push(i)
  }
  return { byName, favoured }
}

/** A NIC that is neither a bridge port nor a bond member. */
export function isBareNic(i: Iface | undefined): boolean {
  return i !== undefined && isNic(i) && (i.controller === undefined || i.controller === null)
}
