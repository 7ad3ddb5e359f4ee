/**
 * The kernel revert: the desired state that puts every touched interface back as a snapshot shows it (type, state,
 * MTU, MAC, controller, type options, bridge-port options, static addresses) and removes those the snapshot
 * does not have, with the routes through them. The touched set is widened to what goes along in the kernel:
 * veth peers, children (VLANs etc. on a touched base) and ports of touched controllers.
 * @module
 */
import { dhcpClientOf, dhcpSettings, type DhcpFamily } from '../../model/host/dhcp.js'
import type { Iface, IpConfig } from '../../model/host/iface.js'
import { ANY_DESTINATION } from '../../model/host/route.js'
import type { Route } from '../../model/host/route.js'
import type { DesiredState, HostState } from '../../model/host/state.js'
import { viewCurrent } from './current.js'
import { revertRules } from './rule-plan.js'
import type { CurrentView } from './current.js'
import { peerOf } from '../../model/host/relations.js'
import { PORT_OPTION_SPECS, typeDescriptor } from '../../model/host/types/index.js'

function widen(view: CurrentView, touched: readonly string[]): string[] {
  const out = new Set<string>(touched)
  const queue = [...out]
  for (let k = 0; k < queue.length; k++) {
    const i = view.ifaces.get(queue[k]!)
    if (i === undefined) continue
    const peer = peerOf(i)
    const more = [...(peer !== undefined && view.ifaces.has(peer) ? [peer] : []), ...(view.children.get(i.name) ?? []), ...(view.ports.get(i.name) ?? [])]
    for (const n of more) {
      if (out.has(n)) continue
      out.add(n)
      queue.push(n)
    }
  }
  return queue
}

const ZERO_MAC = '00:00:00:00:00:00'

/** A family as the snapshot had it: its static addresses (which stop a DHCP client started since), and its client. */
function staticIp(c: IpConfig | undefined, family: DhcpFamily): IpConfig {
  const client = dhcpClientOf(c, family)
  return { enabled: true, addresses: [...(c?.addresses ?? [])], ...(client === undefined ? {} : dhcpSettings(client)) }
}

/** The snapshot interface as a desired entry: everything restorable, nothing read-only. */
function restoreEntry(s: Iface, view: CurrentView): Iface {
  const e: Iface = { ...s, state: s.state === 'up' ? 'up' : 'down', controller: s.controller ?? null, ipv4: staticIp(s.ipv4, 'ipv4'), ipv6: staticIp(s.ipv6, 'ipv6') }
  delete e.info
  // a bridge whose last port left reports 00:00:00:00:00:00, which no link can be given (EADDRNOTAVAIL)
  if (e.mac === ZERO_MAC) delete e.mac
  const ctrl = s.controller ? view.ifaces.get(s.controller) : undefined
  const kept = ctrl === undefined ? undefined : typeDescriptor(ctrl.type).controller?.portOptions?.prop
  for (const p of PORT_OPTION_SPECS) if (p.prop !== kept) delete (e as unknown as Record<string, unknown>)[p.prop]
  return e
}

export function revertKernel(snapshot: HostState, touched: readonly string[]): DesiredState {
  const view = viewCurrent(snapshot)
  const names = widen(view, touched)
  const interfaces: Iface[] = names.map((n) => {
    const s = view.ifaces.get(n)
    return s === undefined ? { name: n, type: 'unknown', state: 'absent' } : restoreEntry(s, view)
  })
  const routes: Route[] = []
  for (const n of names) routes.push({ destination: ANY_DESTINATION, nextHopInterface: n, state: 'absent' })
  const set = new Set(names)
  for (const r of snapshot.routes) {
    const dev = r.nextHopInterface
    if (dev !== undefined && set.has(dev) && view.ifaces.get(dev)?.state === 'up') routes.push({ ...r })
  }
  const out: DesiredState = { interfaces, routes: { config: routes } }
  if (snapshot.routeRules !== undefined) out.routeRules = { config: revertRules(snapshot.routeRules) }
  return out
}
