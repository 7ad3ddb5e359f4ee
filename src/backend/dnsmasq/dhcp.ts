/**
 * DHCP facts the dnsmasq configuration is built from (libvirt's networkDnsmasqConfContents and helpers): which
 * `<ip>` serves DHCP for each family, range sizes (dhcp-lease-max), lease times, hosts-file lines.
 * @module
 */
import { HostnetError, ValidationError } from '../../errors.js'
import { networkIpHasDhcp, networkIpPrefix } from '../../model/network/ip.js'
import type { DhcpHost, DhcpLease, DhcpRange, NetworkIp } from '../../model/network/ip.js'
import { networkObject } from '../../model/network/network-def.js'
import type { NetworkDef } from '../../model/network/network-def.js'
import { formatIp, inSubnet, ipEquals, lastAddress, networkAddress } from '../../model/values/ip.js'
import { lineSafe } from './text.js'

/** The `<ip>` elements that serve DHCP, one per family at most, and whether some IPv6 `<ip>` has none (SLAAC). */
export interface DhcpIps {
  readonly v4?: NetworkIp
  readonly v6?: NetworkIp
  readonly v6Slaac: boolean
}

/** Find the DHCP `<ip>` of each family; a second one of the same family is an error, as in libvirt. */
export function selectDhcpIps(def: NetworkDef): DhcpIps {
  let v4: NetworkIp | undefined
  let v6: NetworkIp | undefined
  let v6Slaac = false
  def.ips.forEach((ip, i) => {
    const has = networkIpHasDhcp(ip)
    const v6ip = ip.address.family === 'ipv6'
    if (!has) {
      if (v6ip) v6Slaac = true
      return
    }
    if (v6ip ? v6 !== undefined : v4 !== undefined) {
      throw new HostnetError(
        'not-supported',
        `For ${v6ip ? 'IPv6' : 'IPv4'}, multiple DHCP definitions cannot be specified (network '${def.name}')`,
        { details: { path: `/network/ip[${i + 1}]/dhcp`, object: networkObject(def.name) } },
      )
    }
    if (v6ip) v6 = ip
    else v4 = ip
  })
  return { ...(v4 === undefined ? {} : { v4 }), ...(v6 === undefined ? {} : { v6 }), v6Slaac }
}

/** The `<ip>`'s effective prefix; an error naming the bridge and network when it has none (bad netmask). */
export function requirePrefix(def: NetworkDef, ip: NetworkIp, bridgeName: string): number {
  const prefix = networkIpPrefix(ip)
  if (prefix === undefined) {
    throw new ValidationError(`bridge '${bridgeName}' of network '${def.name}' has an invalid prefix`, {
      value: formatIp(ip.address),
      object: networkObject(def.name),
    })
  }
  return prefix
}

function rangeError(def: NetworkDef, range: DhcpRange, what: string): never {
  const text = `${formatIp(range.start)} - ${formatIp(range.end)}`
  throw new ValidationError(`range ${text} ${what} in network '${def.name}'`, {
    value: text,
    object: networkObject(def.name),
  })
}

/**
 * Number of addresses of a DHCP range (libvirt's virSocketAddrGetRange): both ends inside the subnet, IPv4 not
 * starting at the network address nor ending at the broadcast address, at most 65536 addresses (only the last
 * 16 bits may differ), not reversed.
 */
export function dhcpRangeSize(def: NetworkDef, range: DhcpRange, ip: NetworkIp, prefix: number): number {
  const { start, end } = range
  if (start.family !== ip.address.family || end.family !== ip.address.family) {
    rangeError(def, range, 'has the wrong address family')
  }
  if (!inSubnet(start, ip.address, prefix) || !inSubnet(end, ip.address, prefix)) {
    rangeError(def, range, `is not entirely within network ${formatIp(ip.address)}/${prefix}`)
  }
  if (start.family === 'ipv4' && end.family === 'ipv4') {
    if (ipEquals(start, networkAddress(ip.address, prefix))) rangeError(def, range, 'starts at the network address')
    if (ipEquals(end, lastAddress(ip.address, prefix))) rangeError(def, range, 'ends at the broadcast address')
    if (start.value >>> 16 !== end.value >>> 16) rangeError(def, range, 'is too large (> 65535)')
    const size = (end.value & 0xffff) - (start.value & 0xffff) + 1
    if (size <= 0) rangeError(def, range, 'is reversed')
    return size
  }
  if (start.family === 'ipv6' && end.family === 'ipv6') {
    if (start.value >> 16n !== end.value >> 16n) rangeError(def, range, 'is too large (> 65535)')
    const size = Number(end.value & 0xffffn) - Number(start.value & 0xffffn) + 1
    if (size <= 0) rangeError(def, range, 'is reversed')
    return size
  }
  return rangeError(def, range, 'mixes address families')
}

/** dnsmasq's lease-time text: `infinite`, or the number and the unit's first letter (`10m`, `1h`, `200s`). */
export function leaseText(lease: DhcpLease): string {
  return lease.expiry === 0 ? 'infinite' : `${lease.expiry}${lease.unit[0]!}`
}

/**
 * One `--dhcp-hostsfile` line (libvirt's hostsfileAdd). IPv4: `mac,ip,name` / `name,ip` / `mac,ip`; IPv6:
 * `id:DUID,name,[ip]` / `name,[ip]` / `id:DUID,[ip]`; each followed by `,lease` when the host has one.
 * Undefined for a host without an address (libvirt skips those).
 */
export function dhcpHostLine(def: NetworkDef, host: DhcpHost, family: 'ipv4' | 'ipv6'): string | undefined {
  if (host.ip === undefined) return undefined
  const ip = formatIp(host.ip)
  const mac = host.mac === undefined ? undefined : lineSafe(def, 'DHCP host MAC address', host.mac)
  const id = host.id === undefined ? undefined : lineSafe(def, 'DHCP host id', host.id)
  const name = host.name === undefined ? undefined : lineSafe(def, 'DHCP host name', host.name)
  let line: string
  if (family === 'ipv6') {
    const who = [id === undefined ? undefined : `id:${id}`, name].filter((x) => x !== undefined)
    line = `${who.join(',')},[${ip}]`
  } else if (name !== undefined) {
    line = mac !== undefined ? `${mac},${ip},${name}` : `${name},${ip}`
  } else {
    line = `${mac ?? ''},${ip}`
  }
  return host.lease === undefined ? line : `${line},${leaseText(host.lease)}`
}

/** The hosts-file lines of the DHCP `<ip>`s: IPv4 hosts first, then IPv6 hosts. */
export function dhcpHostLines(def: NetworkDef, ips: DhcpIps): string[] {
  const out: string[] = []
  for (const ip of [ips.v4, ips.v6]) {
    if (ip === undefined) continue
    for (const host of ip.dhcpHosts) {
      const line = dhcpHostLine(def, host, ip.address.family)
      if (line !== undefined) out.push(line)
    }
  }
  return out
}
