/**
 * Route changes. Present desired routes are added unless an equal one survives; absent selectors delete the
 * surviving current routes they match (unless a present route wants them). Routes the kernel flushes on the way
 * (their interface deleted, recreated or cycled down, or its last IPv4 address deleted) are added back when
 * their interface stays up and nothing asked for their removal. A desired route whose kernel key (destination,
 * table, metric) is taken by an unwanted current route replaces it.
 * @module
 */
import type { Iface } from '../../model/host/iface.js'
import { ANY_DESTINATION } from '../../model/host/route.js'
import type { Route } from '../../model/host/route.js'
import { inSubnet, isLinkLocalIpv6, parseIpAddr } from '../../model/values/ip.js'
import type { CurrentView } from './current.js'
import { familyOfIp, pushTo } from './graph.js'
import { targetOf } from './merged.js'
import type { Merged } from './merged.js'
import { invalidRoute } from '../problems.js'
import { describeRoute, routeKernelKey, routeMatches } from './routes.js'

export interface RouteFacts {
  /** Interfaces whose routes are all gone before the route phase (deleted, created, cycled down). */
  flushed: ReadonlySet<string>
  /** Interfaces whose IPv4 routes are gone (their last IPv4 address was deleted). */
  ipv4Flushed: ReadonlySet<string>
}

export interface RoutePlan {
  dels: Route[]
  adds: Route[]
  /** What verification checks: present routes (desired and restored) and absent selectors. */
  expected: Route[]
  /** Interfaces whose routes change. */
  touched: string[]
}

/** Whether `r`'s gateway is reachable through `dev` with its addresses (link-local IPv6 gateways always are). */
export function gatewayReachable(r: Route, dev: Iface): boolean {
  const gw = r.nextHopAddress
  if (gw === undefined) return true
  const a = parseIpAddr(gw)
  if (isLinkLocalIpv6(a)) return true
  const list = (a.family === 'ipv4' ? dev.ipv4?.addresses : dev.ipv6?.addresses) ?? []
  return list.some((x) => inSubnet(a, parseIpAddr(x.ip), x.prefixLength))
}

export function validateRoutes(routes: readonly Route[], merged: ReadonlyMap<string, Merged>, cur: CurrentView): void {
  const keys = new Map<string, number>()
  routes.forEach((r, k) => {
    if (r.state === 'absent') return
    const path = `/routes/config/${k}`
    const name = describeRoute(r)
    if (r.destination === ANY_DESTINATION) invalidRoute(`${path}/destination`, name, 'destination is required')
    const key = routeKernelKey(r)
    const other = keys.get(key)
    if (other !== undefined) invalidRoute(path, name, `has the same destination, table and metric as /routes/config/${other}`)
    keys.set(key, k)
    if (r.source !== undefined && !isLocalAddress(r.source, merged, cur)) {
      invalidRoute(`${path}/source`, name, `source ${r.source} is not an address of any interface (the kernel refuses a non-local preferred source)`)
    }
    const dev = r.nextHopInterface
    if (dev === undefined) {
      if (r.routeType === undefined) invalidRoute(path, name, 'next-hop-interface is required')
      return
    }
    const t = targetOf(merged, cur.ifaces, dev)
    const m = merged.get(dev)
    if (t === undefined) {
      const why = m?.current !== undefined ? 'is being removed' : 'neither exists nor is in the document'
      invalidRoute(`${path}/next-hop-interface`, name, `next-hop-interface '${dev}' ${why}`)
    }
    if (t.state !== 'up') invalidRoute(`${path}/next-hop-interface`, name, `next-hop-interface '${dev}' will be down, and the kernel refuses routes through a down interface`)
    if (!gatewayReachable(r, t)) invalidRoute(`${path}/next-hop-address`, name, `next-hop-address ${r.nextHopAddress} is not in a subnet of an address of '${dev}'`)
  })
}

/** Whether `ip` will be an address of an interface of the namespace once the plan is applied. */
function isLocalAddress(ip: string, merged: ReadonlyMap<string, Merged>, cur: CurrentView): boolean {
  const has = (i: Iface | undefined): boolean => [...(i?.ipv4?.addresses ?? []), ...(i?.ipv6?.addresses ?? [])].some((a) => a.ip === ip)
  for (const name of merged.keys()) if (has(targetOf(merged, cur.ifaces, name))) return true
  for (const [name, i] of cur.ifaces) if (!merged.has(name) && has(i)) return true
  return false
}

function survives(r: Route, facts: RouteFacts): boolean {
  const dev = r.nextHopInterface
  if (dev === undefined) return true
  return !facts.flushed.has(dev) && !(facts.ipv4Flushed.has(dev) && familyOfIp(r.destination) === 'ipv4')
}

export function planRoutes(cur: CurrentView, desired: readonly Route[], merged: ReadonlyMap<string, Merged>, facts: RouteFacts): RoutePlan {
  const present = desired.filter((r) => r.state !== 'absent')
  const selectors = desired.filter((r) => r.state === 'absent')
  const byDest = new Map<string, Route[]>()
  for (const d of present) pushTo(byDest, d.destination, d)
  const wanted = (r: Route): boolean => (byDest.get(r.destination) ?? []).some((d) => routeMatches(d, r))
  const dels: Route[] = []
  const kept = new Map<string, Route>()
  const restore = new Map<string, Route>()
  for (const r of cur.routes) {
    const removed = !wanted(r) && selectors.some((s) => routeMatches(s, r))
    if (survives(r, facts)) {
      if (removed) dels.push(r)
      else kept.set(routeKernelKey(r), r)
      continue
    }
    const dev = r.nextHopInterface === undefined ? undefined : targetOf(merged, cur.ifaces, r.nextHopInterface)
    if (!removed && dev?.state === 'up' && gatewayReachable(r, dev)) restore.set(routeKernelKey(r), r)
  }
  const have = new Map<string, Route[]>()
  for (const r of [...kept.values(), ...restore.values()]) pushTo(have, r.destination, r)
  const adds: Route[] = []
  present.forEach((d) => {
    if ((have.get(d.destination) ?? []).some((r) => routeMatches(d, r))) return
    const key = routeKernelKey(d)
    const clash = kept.get(key)
    if (clash !== undefined) {
      if (wanted(clash)) invalidRoute('/routes/config', describeRoute(d), `conflicts with the wanted route ${describeRoute(clash)}`)
      dels.push(clash)
    }
    restore.delete(key)
    kept.set(key, d)
    adds.push(d)
  })
  const all = [...restore.values(), ...adds]
  const touched = new Set<string>()
  for (const r of [...dels, ...all]) if (r.nextHopInterface !== undefined) touched.add(r.nextHopInterface)
  return { dels, adds: all, expected: [...present, ...restore.values(), ...selectors], touched: [...touched] }
}
