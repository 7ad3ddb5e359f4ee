/** Static routes (nmstate `routes.config`). */

/** Routes that drop traffic: silently, with ICMP "administratively prohibited", or with "unreachable". */
export const ROUTE_TYPES = ['blackhole', 'prohibit', 'unreachable'] as const
export type RouteType = (typeof ROUTE_TYPES)[number]

export interface Route {
  /** CIDR, e.g. `0.0.0.0/0` or `2001:db8::/64`. */
  destination: string
  nextHopAddress?: string
  nextHopInterface?: string
  metric?: number
  /** Routing table id; main (254) when unset. */
  tableId?: number
  /** Preferred source address of packets sent along the route (`ip route ... src`). */
  source?: string
  /** Congestion window clamp, locked (`ip route ... cwnd lock N`: the kernel ignores an unlocked one). */
  cwnd?: number
  /** A route that drops what it matches instead of forwarding it: no next hop. Unset: a unicast route. */
  routeType?: RouteType
  /** Desired only: remove routes matching the given fields. */
  state?: 'absent'
}

/**
 * `destination` of a desired `state: absent` entry that matches every destination (nmstate's wildcard absent
 * route, e.g. "remove every route via eth1"). Never valid on a present route and never in a current state.
 */
export const ANY_DESTINATION = '*'

/** Main routing table id: what a route without `tableId` uses. */
export const MAIN_TABLE_ID = 254
