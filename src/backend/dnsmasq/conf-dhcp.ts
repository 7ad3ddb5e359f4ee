/**
 * The DHCP, TFTP/BOOTP and router-advertisement parts of a network's dnsmasq configuration (libvirt's
 * networkDnsmasqConfDHCP, networkDnsmasqConfTFTP and the tail of networkDnsmasqConfContents).
 * @module
 */
import type { NetworkDef } from '../../model/network/network-def.js'
import type { NetworkIp } from '../../model/network/ip.js'
import { formatIp, formatIpv4, prefixToNetmask } from '../../model/values/ip.js'
import { dhcpRangeSize, leaseText, requirePrefix } from './dhcp.js'
import type { DhcpIps } from './dhcp.js'
import { lineSafe } from './text.js'

/** `enable-tftp` (once) and a `tftp-root=` for every IPv4 `<ip>` with `<tftp root>`, in document order. */
export function tftpLines(def: NetworkDef): string[] {
  const out: string[] = []
  def.ips.forEach((ip, i) => {
    if (ip.address.family !== 'ipv4' || ip.tftpRoot === undefined) return
    if (out.length === 0) out.push('enable-tftp')
    out.push(`tftp-root=${lineSafe(def, 'TFTP root', ip.tftpRoot, `/network/ip[${i + 1}]/tftp/@root`)}`)
  })
  return out
}

export interface DhcpSection {
  readonly lines: string[]
  /** Addresses in the ranges (summed into `dhcp-lease-max`). */
  readonly leaseCount: number
}

function rangeLines(def: NetworkDef, ip: NetworkIp, prefix: number): DhcpSection {
  const lines: string[] = []
  let leaseCount = 0
  for (const range of ip.dhcpRanges) {
    // IPv4 ranges carry a netmask, IPv6 ranges the prefix length
    const mask = ip.address.family === 'ipv6' ? String(prefix) : formatIpv4(prefixToNetmask(prefix))
    const lease = range.lease === undefined ? '' : `,${leaseText(range.lease)}`
    lines.push(`dhcp-range=${formatIp(range.start)},${formatIp(range.end)},${mask}${lease}`)
    leaseCount += dhcpRangeSize(def, range, ip, prefix)
  }
  return { lines, leaseCount }
}

/** The lines of the DHCP `<ip>` of one family (ranges, static-only range, IPv4 extras, BOOTP). */
export function dhcpSection(def: NetworkDef, ip: NetworkIp, bridgeName: string): DhcpSection {
  const prefix = requirePrefix(def, ip, bridgeName)
  const { lines, leaseCount } = rangeLines(def, ip, prefix)
  const v6 = ip.address.family === 'ipv6'
  if (ip.dhcpRanges.length === 0 && ip.dhcpHosts.length > 0) {
    // static hosts only: a special range turns DHCP on for the hosts file
    lines.push(`dhcp-range=${formatIp(ip.address)},static${v6 ? `,${prefix}` : ''}`)
  }
  if (!v6) {
    if (ip.dhcpRanges.length > 0 || ip.dhcpHosts.length > 0) lines.push('dhcp-no-override', 'dhcp-authoritative')
    if (ip.bootp !== undefined) {
      const file = lineSafe(def, 'BOOTP file', ip.bootp.file, '/network/ip/dhcp/bootp/@file')
      lines.push(ip.bootp.server === undefined ? `dhcp-boot=${file}` : `dhcp-boot=${file},,${formatIp(ip.bootp.server)}`)
    }
  }
  return { lines, leaseCount }
}

/**
 * Router advertisements: `enable-ra` when DHCPv6 runs, otherwise `dhcp-range=<addr>,ra-only` for every IPv6
 * `<ip>` (SLAAC). With DHCPv6, other IPv6 addresses get no advertisement of their own (libvirt warns).
 */
export function raLines(def: NetworkDef, ips: DhcpIps): string[] {
  if (ips.v6 !== undefined) return ['enable-ra']
  return def.ips.filter((ip) => ip.address.family === 'ipv6').map((ip) => `dhcp-range=${formatIp(ip.address)},ra-only`)
}
