/**
 * Relations between interfaces: a child (VLAN, MAC-VLAN/VTAP, VXLAN) sits on a base interface, a port belongs
 * to a controller, a veth has a peer. Helpers shared by the planner, the verifier and the simulator.
 * @module
 */
import type { Iface, IfaceType, IpAddress } from '../../model/host/iface.js'
import type { IpFamily } from '../../model/values/ip.js'

/** MTU the kernel gives a new link that neither sets one nor inherits one from a base. */
export const KERNEL_DEFAULT_MTU = 1500
/** Encapsulation overhead the kernel subtracts from a VXLAN's lower MTU (IPv4 outer header). */
export const VXLAN_OVERHEAD_BYTES = 50

/** Types deleted by the kernel together with their base interface. */
export const CHILD_TYPES: ReadonlySet<IfaceType> = new Set(['vlan', 'mac-vlan', 'mac-vtap', 'vxlan'])

/** The base (lower) interface of a child, if any. For kernel kinds hostnet does not model, the reported link. */
export function baseOf(i: Iface): string | undefined {
  switch (i.type) {
    case 'vlan': return i.vlan?.baseIface
    case 'mac-vlan':
    case 'mac-vtap': return i.macvlan?.baseIface
    case 'vxlan': return i.vxlan?.baseIface
    case 'unknown': return i.info?.link
    default: return undefined
  }
}

/** A copy of `i` with its base interface replaced (for types that have one). */
export function withBase(i: Iface, base: string): Iface {
  switch (i.type) {
    case 'vlan': return { ...i, vlan: { ...i.vlan, baseIface: base } }
    case 'mac-vlan':
    case 'mac-vtap': return { ...i, macvlan: { ...i.macvlan, baseIface: base } }
    case 'vxlan': return { ...i, vxlan: { ...i.vxlan, baseIface: base } }
    default: return i
  }
}

export function peerOf(i: Iface): string | undefined {
  return i.type === 'veth' ? i.veth?.peer : undefined
}

/** The YAML path of the base-interface field of a type, for error paths. */
export function baseField(type: IfaceType): string {
  switch (type) {
    case 'vlan': return 'vlan/base-iface'
    case 'mac-vlan': return 'mac-vlan/base-iface'
    case 'mac-vtap': return 'mac-vtap/base-iface'
    case 'vxlan': return 'vxlan/base-iface'
    default: return 'type'
  }
}

/**
 * The ports list a controller section gives (replace semantics), or undefined when none is given. Read from
 * whichever section is there, so that an entry leaving its type to the current state works too.
 */
export function listedPortNames(i: Iface): string[] | undefined {
  return i.bridge?.ports?.map((p) => p.name) ?? i.bond?.ports ?? i.vrf?.ports
}

/** The YAML path of an entry's ports list. */
export function portsField(i: Iface): string {
  if (i.bridge?.ports !== undefined) return 'bridge/port'
  if (i.bond?.ports !== undefined) return 'link-aggregation/port'
  if (i.vrf?.ports !== undefined) return 'vrf/port'
  return 'controller'
}

/** A copy of `i` without controller-side port lists (the planner keeps membership on the port side only). */
export function withoutPortLists(i: Iface): Iface {
  const out: Iface = { ...i }
  if (i.bridge?.ports !== undefined) {
    const { ports: _ports, ...rest } = i.bridge
    out.bridge = rest
  }
  if (i.bond?.ports !== undefined) {
    const { ports: _ports, ...rest } = i.bond
    out.bond = rest
  }
  if (i.vrf?.ports !== undefined) {
    const { ports: _ports, ...rest } = i.vrf
    out.vrf = rest
  }
  return out
}

/** Family of canonical address or CIDR text (IPv6 text always has a ':', IPv4 text never). */
export function familyOfIp(ip: string): IpFamily {
  return ip.includes(':') ? 'ipv6' : 'ipv4'
}

export function addrKey(a: IpAddress): string {
  return `${a.ip}/${a.prefixLength}`
}

/** Push `v` onto the list at `m[k]`. */
export function pushTo<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k)
  if (l === undefined) m.set(k, [v])
  else l.push(v)
}
