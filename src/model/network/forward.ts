/**
 * `<forward>` of a libvirt network: the forward mode and the device pool.
 * @module
 */
import type { PciAddress } from '../netdev/pci-address.js'
import type { Ipv4Addr } from '../values/ip.js'

/** libvirt's forward modes; `none` is an isolated network (no `<forward>` element). */
export const FORWARD_MODES = ['none', 'nat', 'route', 'open', 'bridge', 'private', 'vepa', 'passthrough', 'hostdev'] as const
export type ForwardMode = (typeof FORWARD_MODES)[number]

export function isForwardMode(s: string): s is ForwardMode {
  return (FORWARD_MODES as readonly string[]).includes(s)
}

/** Modes whose bridge, addressing, DHCP and DNS libvirt itself manages. */
export function isL3ForwardMode(mode: ForwardMode): boolean {
  return mode === 'none' || mode === 'nat' || mode === 'route' || mode === 'open'
}

/** A network device in the pool (`<interface dev=…>`); `connections` is live state, output only. */
export interface ForwardInterface {
  readonly dev: string
  readonly connections?: number
}

export interface ForwardNat {
  /** `<nat ipv6='yes'>`: masquerade IPv6 too (NAT66). */
  readonly ipv6?: boolean
  /** SNAT address range (IPv4 only); both ends or neither. */
  readonly addressStart?: Ipv4Addr
  readonly addressEnd?: Ipv4Addr
  /** Source port range for SNAT/MASQUERADE; both ends or neither. */
  readonly portStart?: number
  readonly portEnd?: number
}

export const FORWARD_DRIVER_NAMES = ['kvm', 'vfio'] as const
export type ForwardDriverName = (typeof FORWARD_DRIVER_NAMES)[number]

/** `<driver name='kvm|vfio' model='…'/>` for hostdev pools (`model` is [newer], libvirt 10.x). */
export interface ForwardDriver {
  readonly name?: ForwardDriverName
  readonly model?: string
}

export interface NetworkForward {
  readonly mode: ForwardMode
  /** hostdev: let libvirt detach/reattach the VFs from their host driver (printed only for hostdev). */
  readonly managed?: boolean
  readonly driver?: ForwardDriver
  readonly nat?: ForwardNat
  /** The physical function whose VFs form the pool (at most one). */
  readonly pf?: string
  /**
   * Network devices of the pool. The first one is the `<forward dev=…>`. When `pf` is set, this list is the pool
   * generated from the PF at network start (live XML only; not formatted with the inactive flag).
   */
  readonly interfaces: readonly ForwardInterface[]
  /** PCI devices of the pool (hostdev networks). */
  readonly addresses: readonly PciAddress[]
}

/** An isolated network's forward definition. */
export const NO_FORWARD: NetworkForward = { mode: 'none', interfaces: [], addresses: [] }

/** The `<forward dev>`: the first pool interface, unless the pool comes from a PF. */
export function forwardDev(f: NetworkForward): string | undefined {
  return f.pf === undefined ? f.interfaces[0]?.dev : undefined
}
