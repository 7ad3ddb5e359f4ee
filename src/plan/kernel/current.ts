/**
 * A normalized view of a current state: membership on the port side (`controller`, `bridgePort`) whichever side
 * the query filled, controller-side lists removed, and indexes of ports, children and peers.
 * @module
 */
import type { Iface } from '../../model/host/iface.js'
import type { Route } from '../../model/host/route.js'
import type { HostState } from '../../model/host/state.js'
import { baseOf, portListOf, withoutPortLists } from '../../model/host/relations.js'
import { pushTo } from './graph.js'

export interface CurrentView {
  /** Normalized interfaces, in the state's order. `controller` is null when none. */
  ifaces: Map<string, Iface>
  /** controller → its ports. */
  ports: Map<string, string[]>
  /** base → children (VLANs, MAC-VLAN/VTAPs, VXLANs and other kinds reporting it as their link). */
  children: Map<string, string[]>
  routes: Route[]
}

/** Membership claims made on the controller side, for interfaces that do not say it themselves. */
function controllerSideClaims(state: HostState): Map<string, { controller: string; options?: Iface['bridgePort'] }> {
  const out = new Map<string, { controller: string; options?: Iface['bridgePort'] }>()
  for (const i of state.interfaces) {
    const listed = portListOf(i)
    if (listed === undefined) continue
    for (const p of listed.list) {
      if (typeof p === 'string') out.set(p, { controller: i.name })
      else out.set(p.name, p.options ? { controller: i.name, options: p.options } : { controller: i.name })
    }
  }
  return out
}

export function viewCurrent(state: HostState): CurrentView {
  const claims = controllerSideClaims(state)
  const ifaces = new Map<string, Iface>()
  for (const raw of state.interfaces) {
    const i = withoutPortLists(raw)
    const claim = claims.get(i.name)
    i.controller = i.controller ?? claim?.controller ?? null
    if (i.bridgePort === undefined && claim?.options !== undefined && claim.controller === i.controller) i.bridgePort = claim.options
    ifaces.set(i.name, i)
  }
  const ports = new Map<string, string[]>()
  const children = new Map<string, string[]>()
  for (const i of ifaces.values()) {
    if (i.controller) pushTo(ports, i.controller, i.name)
    const base = baseOf(i)
    if (base !== undefined && ifaces.has(base) && base !== i.name) pushTo(children, base, i.name)
  }
  return { ifaces, ports, children, routes: state.routes }
}
