/**
 * Assembles a HostState from parsed `ip -json` output (pure): links in kernel order, both sides of
 * membership filled (`controller` on the port, port lists on bridges, bonds and VRFs), and routes.
 * @module
 */
import type { Iface } from '../../model/host/iface.js'
import { setPortList } from '../../model/host/relations.js'
import type { Route } from '../../model/host/route.js'
import type { HostState } from '../../model/host/state.js'
import { asArray } from './json-read.js'
import { parseLink } from './query-link.js'
import { parseRoutes } from './query-routes.js'
import type { IdResolver } from './query-sections.js'

/** Fill the controller-side port lists from the ports' `controller` (once every link is parsed). */
export function addPortLists(ifaces: Iface[]): void {
  const ports = new Map<string, string[]>()
  for (const i of ifaces) {
    if (typeof i.controller !== 'string') continue
    const l = ports.get(i.controller)
    if (l === undefined) ports.set(i.controller, [i.name])
    else l.push(i.name)
  }
  const none: string[] = []
  for (const i of ifaces) setPortList(i, ports.get(i.name) ?? none)
}

export function linksToIfaces(links: unknown, ids: IdResolver): Iface[] {
  const out: Iface[] = []
  for (const raw of asArray(links)) {
    const i = parseLink(raw, ids)
    if (i !== undefined) out.push(i)
  }
  addPortLists(out)
  return out
}

export interface RawQuery {
  /** Parsed `ip -json -details address show`. */
  links: unknown
  /** Parsed `ip -N -4 -json route show table all`, when routes were read. */
  routes4?: unknown
  routes6?: unknown
}

export function buildHostState(raw: RawQuery, ids: IdResolver): HostState {
  const routes: Route[] = [...parseRoutes(raw.routes4, 'ipv4'), ...parseRoutes(raw.routes6, 'ipv6')]
  return { interfaces: linksToIfaces(raw.links, ids), routes }
}
