/**
 * Routes from `ip -N -4|-6 -json route show table all`: unicast, blackhole, prohibit and unreachable routes that
 * are not kernel-generated (protocol kernel or dhcp, the local table and other types such as broadcast or multicast
 * are skipped), with their preferred source and congestion window clamp.
 * `-N` makes protocol, table and type numeric, so names from rt_tables files do not matter.
 * @module
 */
import { MAIN_TABLE_ID, ROUTE_TYPES, type Route, type RouteType } from '../../model/host/route.js'
import { asArray, asObject, num, obj, str, type JsonObject } from './json-read.js'
import { canonicalIp } from './query-sections.js'

export const RTPROT_KERNEL = 2
/** Routes a DHCP client installed (dhcpcd: `proto dhcp`). */
export const RTPROT_DHCP = 16
export const RT_TABLE_LOCAL = 255
const RTN_UNICAST = 1
/** rtnetlink route types (RTN_*) of the routes documents give with `route-type`. */
const ROUTE_TYPE_OF: ReadonlyMap<number, RouteType> = new Map([
  [6, 'blackhole'],
  [7, 'unreachable'],
  [8, 'prohibit'],
])

function destination(r: JsonObject, family: 'ipv4' | 'ipv6'): string | undefined {
  const dst = str(r, 'dst')
  if (dst === undefined) return undefined
  if (dst === 'default') return family === 'ipv4' ? '0.0.0.0/0' : '::/0'
  const slash = dst.indexOf('/')
  const ip = canonicalIp(slash < 0 ? dst : dst.slice(0, slash))
  const prefix = slash < 0 ? (family === 'ipv4' ? 32 : 128) : Number(dst.slice(slash + 1))
  return ip === undefined || !Number.isInteger(prefix) ? undefined : `${ip}/${prefix}`
}

/** The route's `route-type`, undefined for unicast; null for a type documents do not give (local, broadcast, ...). */
function routeType(r: JsonObject): RouteType | undefined | null {
  const n = num(r, 'type')
  if (n !== undefined) return n === RTN_UNICAST ? undefined : (ROUTE_TYPE_OF.get(n) ?? null)
  const s = str(r, 'type')
  if (s === undefined || s === 'unicast') return undefined
  return (ROUTE_TYPES as readonly string[]).includes(s) ? (s as RouteType) : null
}

function isManaged(r: JsonObject): boolean {
  if (routeType(r) === null) return false
  if (num(r, 'protocol') === RTPROT_KERNEL || str(r, 'protocol') === 'kernel') return false
  // a DHCP client's routes are its lease's, as its addresses are (dynamic): never planned, like kernel routes
  if (num(r, 'protocol') === RTPROT_DHCP || str(r, 'protocol') === 'dhcp') return false
  if (asArray(r['nexthops']).length > 0) return false // multipath: not modelled
  return num(r, 'table') !== RT_TABLE_LOCAL && str(r, 'table') !== 'local'
}

/** One route, or undefined when it is kernel-generated, not unicast, multipath or unreadable. */
export function parseRoute(raw: unknown, family: 'ipv4' | 'ipv6'): Route | undefined {
  const r = asObject(raw)
  if (r === undefined || !isManaged(r)) return undefined
  const dest = destination(r, family)
  if (dest === undefined) return undefined
  const route: Route = { destination: dest }
  const gw = canonicalIp(str(r, 'gateway') ?? str(obj(r, 'via'), 'host'))
  if (gw !== undefined) route.nextHopAddress = gw
  const dev = str(r, 'dev')
  if (dev !== undefined) route.nextHopInterface = dev
  const metric = num(r, 'metric')
  if (metric !== undefined) route.metric = metric
  const table = num(r, 'table') ?? (str(r, 'table') === 'main' ? MAIN_TABLE_ID : undefined)
  if (table !== undefined && table !== MAIN_TABLE_ID) route.tableId = table
  const type = routeType(r)
  if (type) route.routeType = type
  const source = canonicalIp(str(r, 'prefsrc'))
  if (source !== undefined) route.source = source
  const cwnd = asArray(r['metrics']).map((m) => num(asObject(m), 'cwnd')).find((c) => c !== undefined)
  if (cwnd !== undefined) route.cwnd = cwnd
  return route
}

export function parseRoutes(json: unknown, family: 'ipv4' | 'ipv6'): Route[] {
  const out: Route[] = []
  for (const raw of asArray(json)) {
    const r = parseRoute(raw, family)
    if (r !== undefined) out.push(r)
  }
  return out
}
