/** Static routes (nmstate `routes.config`). */

export interface Route {
  /** CIDR, e.g. `0.0.0.0/0` or `2001:db8::/64`. */
  destination: string
  nextHopAddress?: string
  nextHopInterface?: string
  metric?: number
  /** Routing table id; main (254) when unset. */
  tableId?: number
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
