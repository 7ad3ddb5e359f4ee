/**
 * Route identity and matching. A route's kernel key is (destination, table, metric): adding a second route with
 * the same key fails with EEXIST. Unset table = main (254); unset metric = the family's default (IPv4 0,
 * IPv6 1024). A selector (desired `state: absent` entry) matches on the fields it gives.
 * @module
 */
import { ANY_DESTINATION, MAIN_TABLE_ID } from '../../model/host/route.js'
import type { Route } from '../../model/host/route.js'
import { familyOfIp } from './graph.js'

export const DEFAULT_METRIC = { ipv4: 0, ipv6: 1024 } as const

export function metricOf(r: Route): number {
  return r.metric ?? DEFAULT_METRIC[familyOfIp(r.destination)]
}

export function tableOf(r: Route): number {
  return r.tableId ?? MAIN_TABLE_ID
}

export function routeKernelKey(r: Route): string {
  return `${r.destination}|${tableOf(r)}|${metricOf(r)}`
}

/** The same route (every identifying field, defaults applied). */
export function sameRoute(a: Route, b: Route): boolean {
  return (
    routeKernelKey(a) === routeKernelKey(b) &&
    a.nextHopAddress === b.nextHopAddress &&
    a.nextHopInterface === b.nextHopInterface &&
    a.routeType === b.routeType
  )
}

/**
 * Whether `route` satisfies `want`: a present desired route (fields it leaves out other than the table match
 * anything; unset table means main) or an absent selector (every unset field, the table too, matches anything).
 */
export function routeMatches(want: Route, route: Route): boolean {
  if (want.destination !== ANY_DESTINATION && want.destination !== route.destination) return false
  if (want.nextHopInterface !== undefined && want.nextHopInterface !== route.nextHopInterface) return false
  if (want.nextHopAddress !== undefined && want.nextHopAddress !== route.nextHopAddress) return false
  if (want.metric !== undefined && want.metric !== metricOf(route)) return false
  // a present route without route-type is a unicast one; a selector without it matches every type
  if ((want.routeType !== undefined || want.state !== 'absent') && want.routeType !== route.routeType) return false
  if (want.source !== undefined && want.source !== route.source) return false
  if (want.cwnd !== undefined && want.cwnd !== route.cwnd) return false
  if (want.tableId !== undefined || want.state !== 'absent') return tableOf(want) === tableOf(route)
  return true
}

export function describeRoute(r: Route): string {
  const via = r.nextHopAddress === undefined ? '' : ` via ${r.nextHopAddress}`
  const dev = r.nextHopInterface === undefined ? '' : ` dev ${r.nextHopInterface}`
  const dest = r.destination === ANY_DESTINATION ? 'any destination' : r.destination
  const type = r.routeType === undefined ? '' : `${r.routeType} `
  const extra = `${r.source === undefined ? '' : ` src ${r.source}`}${r.cwnd === undefined ? '' : ` cwnd ${r.cwnd}`}`
  return `${type}${dest}${via}${dev}${r.tableId === undefined ? '' : ` table ${r.tableId}`}${r.metric === undefined ? '' : ` metric ${r.metric}`}${extra}`
}
