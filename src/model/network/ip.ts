/**
 * `<ip>` of a libvirt network with its DHCP ranges, static hosts, TFTP and BOOTP settings.
 * @module
 */
import { classfulPrefix, netmaskToPrefix } from '../values/ip.js'
import type { IpAddr, IpFamily, Ipv4Addr } from '../values/ip.js'

export const LEASE_UNITS = ['seconds', 'minutes', 'hours'] as const
export type LeaseUnit = (typeof LEASE_UNITS)[number]

/** `<lease expiry='N' unit='…'/>`; `expiry` 0 means infinite. */
export interface DhcpLease {
  readonly expiry: number
  readonly unit: LeaseUnit
}

export interface DhcpRange {
  readonly start: IpAddr
  readonly end: IpAddr
  readonly lease?: DhcpLease
}

/**
 * A static DHCP host. `mac`, `id` (DHCPv6 DUID) and `name` are kept exactly as written, because libvirt prints
 * them (and writes them to dnsmasq's hosts file) verbatim; `mac` is a valid unicast MAC (model/values/mac
 * gives its canonical form).
 */
export interface DhcpHost {
  readonly mac?: string
  readonly id?: string
  readonly name?: string
  readonly ip?: IpAddr
  readonly lease?: DhcpLease
}

export interface DhcpBootp {
  readonly file: string
  readonly server?: IpAddr
}

export interface NetworkIp {
  /** As written; printed only when it was given (the address decides the real family). */
  readonly family?: IpFamily
  readonly address: IpAddr
  readonly netmask?: Ipv4Addr
  /** Only a non-zero prefix counts (libvirt treats `prefix='0'` as unset). */
  readonly prefix?: number
  readonly localPtr?: boolean
  readonly tftpRoot?: string
  readonly dhcpRanges: readonly DhcpRange[]
  readonly dhcpHosts: readonly DhcpHost[]
  /** Kept only for IPv4 (libvirt ignores `<bootp>` in an IPv6 `<ip>`); formatted only with ranges or hosts. */
  readonly bootp?: DhcpBootp
}

/**
 * The effective prefix (libvirt's virNetworkIPDefPrefix): the prefix, else the netmask's, else the classful
 * default for IPv4 (0.0.0.0 → 0) and 64 for IPv6. Undefined when it cannot be determined (a non-contiguous
 * netmask, or a class D/E address without netmask/prefix).
 */
export function networkIpPrefix(ip: NetworkIp): number | undefined {
  if (ip.prefix !== undefined && ip.prefix > 0) return ip.prefix
  if (ip.netmask !== undefined) return netmaskToPrefix(ip.netmask.value)
  if (ip.address.family === 'ipv4') return classfulPrefix(ip.address.value)
  return 64
}

/** Whether this `<ip>` runs DHCP (has ranges or static hosts). */
export function networkIpHasDhcp(ip: NetworkIp): boolean {
  return ip.dhcpRanges.length > 0 || ip.dhcpHosts.length > 0
}

/** Lease time in seconds, or 'infinite'. */
export function leaseSeconds(lease: DhcpLease): number | 'infinite' {
  if (lease.expiry === 0) return 'infinite'
  switch (lease.unit) {
    case 'seconds':
      return lease.expiry
    case 'minutes':
      return lease.expiry * 60
    case 'hours':
      return lease.expiry * 3600
  }
}
