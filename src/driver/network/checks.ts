/**
 * Start-time checks (before anything is touched): a network's subnets must not overlap those of another active
 * network of the same target nor a connected route of the target (libvirt's networkCheckRouteCollision), and
 * its bridge name must not be another running network's.
 * @module
 */
import { HostnetError } from '../../errors.js'
import { networkIpPrefix } from '../../model/network/ip.js'
import { networkObject, type NetworkDef } from '../../model/network/network-def.js'
import { formatCidr, formatIp, networkAddress, subnetsOverlap, type IpAddr } from '../../model/values/ip.js'
import type { RouteEntry } from './services.js'

export interface Subnet {
  /** Index of the `<ip>` (1-based, for the error path). */
  index: number
  addr: IpAddr
  prefix: number
}

export function subnetText(s: { addr: IpAddr; prefix: number }): string {
  return `${formatIp(networkAddress(s.addr, s.prefix))}/${s.prefix}`
}

/** The subnets of a network's `<ip>` elements (those with a valid prefix). */
export function networkSubnets(def: NetworkDef): Subnet[] {
  const out: Subnet[] = []
  def.ips.forEach((ip, i) => {
    const prefix = networkIpPrefix(ip)
    if (prefix !== undefined) out.push({ index: i + 1, addr: ip.address, prefix })
  })
  return out
}

/** Refuse a subnet that overlaps one of another active network of the target. */
export function checkSubnetOverlap(def: NetworkDef, others: ReadonlyArray<{ name: string; def: NetworkDef }>): void {
  const mine = networkSubnets(def)
  for (const other of others) {
    for (const theirs of networkSubnets(other.def)) {
      const clash = mine.find((s) => subnetsOverlap(s.addr, s.prefix, theirs.addr, theirs.prefix))
      if (clash === undefined) continue
      throw new HostnetError(
        'conflict',
        `subnet ${subnetText(clash)} of network '${def.name}' overlaps subnet ${subnetText(theirs)} of active network '${other.name}'`,
        { details: { path: `/network/ip[${clash.index}]`, object: networkObject(def.name), network: other.name } },
      )
    }
  }
}

/** Refuse a bridge name another running network of the target uses. */
export function checkBridgeNotRunning(def: NetworkDef, bridge: string, others: ReadonlyArray<{ name: string; def: NetworkDef }>): void {
  const user = others.find((o) => o.def.bridge?.name === bridge)
  if (user === undefined) return
  throw new HostnetError('conflict', `bridge name '${bridge}' of network '${def.name}' is already in use by active network '${user.name}'`, {
    details: { path: '/network/bridge/@name', value: bridge, object: networkObject(def.name) },
  })
}

function routeSubnet(r: RouteEntry): { addr: IpAddr; prefix: number } | undefined {
  return r.destination === 'default' || r.destination.prefix === 0 ? undefined : r.destination
}

/** A route as ip prints it: `default`, `10.0.0.0/24`, a host route without its prefix. */
function routeText(r: RouteEntry): string {
  if (r.destination === 'default') return 'default'
  const full = r.destination.prefix === (r.destination.addr.family === 'ipv4' ? 32 : 128)
  return full ? formatIp(r.destination.addr) : formatCidr(r.destination)
}

function ignoredRoute(s: { addr: IpAddr }): boolean {
  if (s.addr.family !== 'ipv6') return false
  const top = s.addr.value >> 112n
  return top >= 0xfe80n && top <= 0xfebfn ? true : top >= 0xff00n
}

/**
 * libvirt's route collision check, a little stricter: a subnet overlapping a connected route (no gateway) or
 * equal to any route of the target means the network is in use already.
 */
export function checkRouteCollision(def: NetworkDef, routes: readonly RouteEntry[]): void {
  for (const s of networkSubnets(def)) {
    for (const r of routes) {
      const rs = routeSubnet(r)
      if (rs === undefined || ignoredRoute(rs) || rs.addr.family !== s.addr.family) continue
      const exact = rs.prefix === s.prefix && subnetText(rs) === subnetText(s)
      if (!exact && (r.gateway !== undefined || !subnetsOverlap(s.addr, s.prefix, rs.addr, rs.prefix))) continue
      const where = r.dev === undefined ? '' : ` by interface ${r.dev}`
      const route = routeText(r)
      throw new HostnetError('conflict', `Network is already in use${where}: subnet ${subnetText(s)} of network '${def.name}' collides with route ${route}`, {
        details: { path: `/network/ip[${s.index}]`, object: networkObject(def.name), route: { destination: route, ...(r.dev === undefined ? {} : { dev: r.dev }), ...(r.gateway === undefined ? {} : { gateway: formatIp(r.gateway) }) } },
      })
    }
  }
}
