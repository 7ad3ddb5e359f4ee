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
