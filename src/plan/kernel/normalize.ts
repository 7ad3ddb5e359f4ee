/**
 * Normalize a desired document on its own (no current state yet): one entry per name, ports lists on controllers
 * turned into `controller` claims on the ports (with their bridge-port options), and conflicting claims refused:
 * a port listed by two controllers, a port naming a controller whose list leaves it out, a port that is both
 * listed and absent.
 * @module
 */
import type { BridgePortOptions, Iface } from '../../model/host/iface.js'
import type { Route } from '../../model/host/route.js'
import type { DesiredState } from '../../model/host/state.js'
import { listedPortNames, listedPortOptions, portsField, withoutPortLists } from '../../model/host/relations.js'
import { ifacePath, invalid } from '../problems.js'

export interface DesiredEntry {
  index: number
  /** As asked, without controller-side port lists; `controller` and `bridgePort` include list claims. */
  iface: Iface
}

export interface PortClaim {
  controller: string | null
  /** Where the claim was made (a ports-list item or a `controller` field). */
  path: string
  options?: BridgePortOptions
}

export interface NormalizedDesired {
  /** Document entries in document order. */
  entries: Map<string, DesiredEntry>
  /** Port → the controller the document wants for it. */
  claims: Map<string, PortClaim>
  /** Controllers whose port list was given (it replaces the current list) → the listed names, and where. */
  listed: Map<string, { names: Set<string>; path: string }>
  routes: Route[]
}

function collectEntries(desired: DesiredState): Map<string, DesiredEntry> {
  const entries = new Map<string, DesiredEntry>()
  desired.interfaces.forEach((i, index) => {
    const seen = entries.get(i.name)
    if (seen !== undefined) invalid(ifacePath(index, 'name'), i.name, `listed twice (also at ${ifacePath(seen.index)})`, i.name)
    const iface = i.state === 'absent' ? { name: i.name, type: i.type, state: i.state } : withoutPortLists(i)
    entries.set(i.name, { index, iface })
  })
  return entries
}

function bridgePortOptions(i: Iface, port: string): BridgePortOptions | undefined {
  return listedPortOptions(i, port) as BridgePortOptions | undefined
}

function collectListClaims(desired: DesiredState, claims: Map<string, PortClaim>, listed: NormalizedDesired['listed']): void {
  desired.interfaces.forEach((c, index) => {
    const names = c.state === 'absent' ? undefined : listedPortNames(c)
    if (names === undefined) return
    const set = new Set<string>()
    names.forEach((p, k) => {
      const path = ifacePath(index, `${portsField(c)}/${k}`)
      if (p === c.name) invalid(path, c.name, 'cannot be a port of itself', p)
      if (set.has(p)) invalid(path, c.name, `lists port '${p}' twice`, p)
      set.add(p)
      const other = claims.get(p)
      if (other !== undefined) invalid(path, p, `port claimed by two controllers: '${other.controller}' (${other.path}) and '${c.name}' (${path})`, p)
      const options = bridgePortOptions(c, p)
      claims.set(p, options === undefined ? { controller: c.name, path } : { controller: c.name, path, options })
    })
    listed.set(c.name, { names: set, path: ifacePath(index, portsField(c)) })
  })
}

function checkPortSide(entries: Map<string, DesiredEntry>, claims: Map<string, PortClaim>, listed: NormalizedDesired['listed']): void {
  for (const { index, iface } of entries.values()) {
    const claim = claims.get(iface.name)
    if (iface.state === 'absent') {
      if (claim !== undefined) invalid(claim.path, iface.name, `is listed as a port of '${claim.controller}' but is desired absent`, iface.name)
      continue
    }
    if (iface.controller === undefined) continue
    const path = ifacePath(index, 'controller')
    if (claim !== undefined && claim.controller !== iface.controller) {
      invalid(path, iface.name, `port claimed by two controllers: '${claim.controller}' (${claim.path}) and '${iface.controller ?? 'none'}' (${path})`, iface.controller)
    }
    const list = iface.controller === null ? undefined : listed.get(iface.controller)
    if (list !== undefined && !list.names.has(iface.name)) {
      invalid(path, iface.name, `names controller '${iface.controller}' but the port list of '${iface.controller}' leaves it out`, iface.controller)
    }
    if (claim === undefined) claims.set(iface.name, { controller: iface.controller, path })
  }
}

export function normalizeDesired(desired: DesiredState): NormalizedDesired {
  const entries = collectEntries(desired)
  const claims = new Map<string, PortClaim>()
  const listed: NormalizedDesired['listed'] = new Map()
  collectListClaims(desired, claims, listed)
  checkPortSide(entries, claims, listed)
  for (const [port, claim] of claims) {
    const e = entries.get(port)
    if (e === undefined) continue
    e.iface.controller = claim.controller
    if (claim.options !== undefined) e.iface.bridgePort = { ...e.iface.bridgePort, ...claim.options }
  }
  return { entries, claims, listed, routes: desired.routes?.config ?? [] }
}
