/**
 * A target's saved desired state: the merge of every document hostnet committed on it, what boot and
 * `restore --saved` apply again. Pure.
 *
 * Merging a committed document into the saved one follows the document's partial-editing rules: an interface it
 * names with `state: absent` leaves the saved state (with the routes through it, and from its controllers' port
 * lists); any other entry is merged into the saved entry of that name field by field (a field the document leaves
 * out keeps its saved value; nested settings such as `bridge.options` one level deep; lists replace); a
 * controller's port list given by the document is authoritative, so saved ports that it no longer lists lose
 * their `controller`. Routes: `state: absent` entries remove the saved routes they match, others are added once.
 * @module
 */
import type { Iface } from './iface.js'
import type { Route } from './route.js'
import { ANY_DESTINATION } from './route.js'
import type { DesiredState } from './state.js'

type Obj = Record<string, unknown>

const isPlainObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

/** `saved` with the fields `applied` gives (nested objects merged one level, lists and scalars replaced). */
export function mergeIface(saved: Iface | undefined, applied: Iface): Iface {
  if (saved === undefined) return structuredClone(applied)
  const out: Obj = { ...(saved as unknown as Obj) }
  for (const [k, v] of Object.entries(applied as unknown as Obj)) {
    if (v === undefined || k === 'info') continue
    const old = out[k]
    out[k] = isPlainObject(v) && isPlainObject(old) ? { ...old, ...structuredClone(v) } : structuredClone(v)
  }
  return out as unknown as Iface
}

/** The port names a controller entry lists (bridge, bond, vrf, OVS bridge), or undefined when it lists none. */
export function listedPorts(i: Iface): string[] | undefined {
  if (i.bridge?.ports !== undefined) return i.bridge.ports.map((p) => p.name)
  if (i.bond?.ports !== undefined) return [...i.bond.ports]
  if (i.vrf?.ports !== undefined) return [...i.vrf.ports]
  if (i.ovsBridge?.ports !== undefined) return i.ovsBridge.ports.map((p) => p.name)
  return undefined
}

/** `i` without `port` in its port lists (the same object when it did not list it). */
function withoutPort(i: Iface, port: string): Iface {
  const listed = listedPorts(i)
  if (listed === undefined || !listed.includes(port)) return i
  const out: Iface = { ...i }
  if (i.bridge?.ports !== undefined) out.bridge = { ...i.bridge, ports: i.bridge.ports.filter((p) => p.name !== port) }
  if (i.bond?.ports !== undefined) out.bond = { ...i.bond, ports: i.bond.ports.filter((p) => p !== port) }
  if (i.vrf?.ports !== undefined) out.vrf = { ...i.vrf, ports: i.vrf.ports.filter((p) => p !== port) }
  if (i.ovsBridge?.ports !== undefined) out.ovsBridge = { ...i.ovsBridge, ports: i.ovsBridge.ports.filter((p) => p.name !== port) }
  return out
}

const sameRoute = (a: Route, b: Route): boolean =>
  a.destination === b.destination &&
  a.nextHopAddress === b.nextHopAddress &&
  a.nextHopInterface === b.nextHopInterface &&
  a.metric === b.metric &&
  (a.tableId ?? 254) === (b.tableId ?? 254)

/** Whether an absent-route entry matches a saved route (every field it gives; `*` any destination). */
function absentMatches(absent: Route, r: Route): boolean {
  if (absent.destination !== ANY_DESTINATION && absent.destination !== r.destination) return false
  if (absent.nextHopAddress !== undefined && absent.nextHopAddress !== r.nextHopAddress) return false
  if (absent.nextHopInterface !== undefined && absent.nextHopInterface !== r.nextHopInterface) return false
  if (absent.metric !== undefined && absent.metric !== r.metric) return false
  if (absent.tableId !== undefined && absent.tableId !== (r.tableId ?? 254)) return false
  return true
}

function mergeRoutes(saved: readonly Route[], applied: readonly Route[]): Route[] {
  let out = [...saved]
  for (const r of applied) {
    if (r.state === 'absent') out = out.filter((s) => !absentMatches(r, s))
    else if (!out.some((s) => sameRoute(s, r))) out.push(structuredClone(r))
  }
  return out
}

/**
 * `doc` without interface `name`: its entry, its name in port lists, the `controller` of ports that pointed at it
 * and the routes through it.
 */
export function withoutIface(doc: DesiredState, name: string): DesiredState {
  const interfaces = doc.interfaces
    .filter((i) => i.name !== name)
    .map((i) => {
      const j = withoutPort(i, name)
      if (j.controller !== name) return j
      const { controller: _c, ...rest } = j
      return rest
    })
  const routes = doc.routes?.config.filter((r) => r.nextHopInterface !== name)
  return routes === undefined ? { interfaces } : { interfaces, routes: { config: routes } }
}

/** The saved state after `applied` was committed on top of `saved` (undefined: nothing saved yet). */
export function mergeSaved(saved: DesiredState | undefined, applied: DesiredState): DesiredState {
  let doc: DesiredState = saved ?? { interfaces: [] }
  for (const i of applied.interfaces) if (i.state === 'absent') doc = withoutIface(doc, i.name)
  const byName = new Map(doc.interfaces.map((i) => [i.name, i]))
  for (const i of applied.interfaces) {
    if (i.state === 'absent') continue
    byName.set(i.name, mergeIface(byName.get(i.name), i))
  }
  // who holds each port after this document: a controller's list is authoritative (ports it no longer lists let
  // go), a port's own `controller` (null: none) moves it; one pass over the saved entries (linear)
  const holder = new Map<string, string>()
  const listedBy = new Map<string, ReadonlySet<string>>()
  for (const p of applied.interfaces) if (p.state !== 'absent' && p.controller !== undefined) holder.set(p.name, p.controller ?? '')
  for (const c of applied.interfaces) {
    const listed = c.state === 'absent' ? undefined : listedPorts(c)
    if (listed === undefined) continue
    listedBy.set(c.name, new Set(listed))
    for (const p of listed) holder.set(p, c.name)
  }
  if (holder.size > 0) {
    for (const [n, i] of byName) {
      let j = i
      const h = holder.get(n)
      if (typeof j.controller === 'string') {
        const list = listedBy.get(j.controller)
        if ((list !== undefined && !list.has(n)) || h === '') {
          const { controller: _c, ...rest } = j
          j = rest
        } else if (h !== undefined && h !== j.controller) j = { ...j, controller: h }
      }
      const ports = listedPorts(j)
      if (ports !== undefined) for (const p of ports) if (holder.has(p) && holder.get(p) !== n) j = withoutPort(j, p)
      if (j !== i) byName.set(n, j)
    }
  }
  const interfaces = [...byName.values()]
  const routes = applied.routes === undefined ? doc.routes?.config : mergeRoutes(doc.routes?.config ?? [], applied.routes.config)
  return routes === undefined ? { interfaces } : { interfaces, routes: { config: routes } }
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => deepEqual(x, (b as unknown[])[i]))
  const ka = Object.keys(a).filter((k) => (a as Obj)[k] !== undefined)
  const kb = Object.keys(b).filter((k) => (b as Obj)[k] !== undefined)
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Obj)[k], (b as Obj)[k]))
}

/**
 * Whether merging `applied` into `saved` would change nothing (cheap: no copies): every entry it names is saved with
 * the same values for the fields it gives (nested settings compared one level down, as merged), nothing it removes
 * is saved, and its routes are saved (its absent routes match none).
 */
export function savedCovers(saved: DesiredState, applied: DesiredState): boolean {
  const byName = new Map(saved.interfaces.map((i) => [i.name, i]))
  for (const i of applied.interfaces) {
    const s = byName.get(i.name) as unknown as Obj | undefined
    if (i.state === 'absent') {
      if (s !== undefined) return false
      continue
    }
    if (s === undefined) return false
    for (const [k, v] of Object.entries(i as unknown as Obj)) {
      if (v === undefined || k === 'info') continue
      const old = s[k]
      if (isPlainObject(v) && isPlainObject(old)) {
        for (const [k2, v2] of Object.entries(v)) if (v2 !== undefined && !deepEqual(v2, old[k2])) return false
      } else if (!deepEqual(v, old)) return false
    }
  }
  for (const r of applied.routes?.config ?? []) {
    const saved_ = saved.routes?.config ?? []
    if (r.state === 'absent' ? saved_.some((x) => absentMatches(r, x)) : !saved_.some((x) => sameRoute(x, r))) return false
  }
  return true
}
