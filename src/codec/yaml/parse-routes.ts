/**
 * `routes: {config: [...]}`. A present route needs a destination and a next-hop-interface, except a
 * `route-type` route (blackhole, prohibit, unreachable), which has no next hop; a `state: absent` entry is a
 * selector whose missing fields match anything (no destination = every destination).
 * @module
 */
import { ANY_DESTINATION, ROUTE_TYPES } from '../../model/host/route.js'
import type { Route } from '../../model/host/route.js'
import { checkKeys, defined, fail, notSupported, opt, readEnum, readInt, readList, readObj, sub } from './fields.js'
import type { Ctx } from './fields.js'
import { UINT32_MAX } from '../../model/host/types/descriptor.js'
import { familyOf, readDestination, readIfName, readUnicastIp } from './values.js'

const ROUTE_KEYS = ['destination', 'next-hop-address', 'next-hop-interface', 'metric', 'table-id', 'state', 'source', 'cwnd', 'route-type']

function readRoute(v: unknown, index: number): Route {
  const root: Ctx = { path: `/routes/config/${index}`, field: '', object: `route #${index}` }
  const o = readObj(v, root)
  const ctx: Ctx = typeof o['destination'] === 'string' ? { ...root, object: `route '${o['destination']}'` } : root
  checkKeys(o, ROUTE_KEYS, ctx, (k) =>
    ['weight', 'initcwnd', 'initrwnd', 'mtu', 'quickack', 'advmss', 'vrf-name'].includes(k)
      ? notSupported(`route ${k} is not supported`)
      : undefined,
  )
  const state = opt(o, 'state', ctx, (x, c) => readEnum(x, c, ['absent'] as const))
  const destination = opt(o, 'destination', ctx, readDestination)
  const route = defined<Route>({
    destination: destination ?? ANY_DESTINATION,
    nextHopAddress: opt(o, 'next-hop-address', ctx, (x, c) => readUnicastIp(x, c)),
    nextHopInterface: opt(o, 'next-hop-interface', ctx, readIfName),
    metric: opt(o, 'metric', ctx, (x, c) => readInt(x, c, 0, UINT32_MAX)),
    tableId: opt(o, 'table-id', ctx, (x, c) => readInt(x, c, 1, UINT32_MAX)),
    source: opt(o, 'source', ctx, (x, c) => readUnicastIp(x, c)),
    cwnd: opt(o, 'cwnd', ctx, (x, c) => readInt(x, c, 1, UINT32_MAX)),
    routeType: opt(o, 'route-type', ctx, (x, c) => readEnum(x, c, ROUTE_TYPES)),
    state,
  })
  if (route.routeType !== undefined) {
    const hop = route.nextHopInterface !== undefined ? 'next-hop-interface' : route.nextHopAddress !== undefined ? 'next-hop-address' : undefined
    if (hop !== undefined) fail(sub(ctx, hop), `a ${route.routeType} route has no next hop: leave out ${hop}`)
    if (route.source !== undefined || route.cwnd !== undefined) fail(sub(ctx, route.source !== undefined ? 'source' : 'cwnd'), `a ${route.routeType} route takes no ${route.source !== undefined ? 'source' : 'cwnd'}`)
  }
  if (state === undefined) {
    if (destination === undefined) fail(ctx, 'destination is required (except on state: absent entries)', v)
    if (route.nextHopInterface === undefined && route.routeType === undefined) fail(ctx, 'next-hop-interface is required (except on route-type routes)', v)
  }
  if (destination !== undefined && route.source !== undefined && familyOf(route.source) !== familyOf(destination)) {
    fail(sub(ctx, 'source'), `source '${route.source}' is not of the family of destination '${destination}'`)
  }
  if (destination !== undefined && route.nextHopAddress !== undefined && familyOf(route.nextHopAddress) !== familyOf(destination)) {
    fail(sub(ctx, 'next-hop-address'), `next-hop-address '${route.nextHopAddress}' is not of the family of destination '${destination}'`)
  }
  return route
}

export function readRoutes(v: unknown): Route[] {
  const ctx: Ctx = { path: '/routes', field: 'routes', object: 'routes' }
  const o = readObj(v, ctx)
  checkKeys(o, ['config'], ctx, (k) => (k === 'running' ? 'routes.running is what show reports; give routes.config' : undefined))
  const c = sub(ctx, 'config')
  return o['config'] === undefined || o['config'] === null ? [] : readList(o['config'], c).map((r, i) => readRoute(r, i))
}
