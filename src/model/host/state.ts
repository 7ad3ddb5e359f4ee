/**
 * Whole-namespace states: what query reads (HostState) and what a document asks for (DesiredState).
 * @module
 */
import type { Iface } from './iface.js'
import type { Route } from './route.js'
import type { RouteRule } from './route-rule.js'

/** The current state of a network namespace. Interfaces in kernel index order. */
export interface HostState {
  interfaces: Iface[]
  routes: Route[]
  /** IPv4 policy routing rules other than the kernel's defaults (absent: not read). */
  routeRules?: RouteRule[]
  /** Whether the query could read Open vSwitch (absent: the backend does not know about OVS). */
  ovs?: OvsAvailability
}

export interface OvsAvailability {
  available: boolean
  /** The OVSDB address asked. */
  address?: string
  /** Why OVS is not available. */
  reason?: string
}

/** A desired-state document: only what it names changes (plus what that implies). */
export interface DesiredState {
  interfaces: Iface[]
  routes?: {
    config: Route[]
  }
  routeRules?: {
    config: RouteRule[]
  }
  /**
   * A document hostnet writes itself (a rollback's, iface-destroy's): `state: down` sets a link down and never
   * removes it. Documents users give follow nmstate, where down removes a virtual interface (plan/resolve.ts).
   * Never read from or written to YAML/JSON.
   */
  downKeepsLinks?: true
}

export function ifaceMap(state: { interfaces: readonly Iface[] }): Map<string, Iface> {
  const m = new Map<string, Iface>()
  for (const i of state.interfaces) m.set(i.name, i)
  return m
}
