/**
 * The normalized desired state verification checks: for each touched interface, what was asked of it (the
 * document entry with port claims and defaults for new links, or the implied change), and the routes.
 * @module
 */
import type { RouteRule } from '../../model/host/route-rule.js'
import type { Iface } from '../../model/host/iface.js'
import type { Route } from '../../model/host/route.js'
import type { DesiredState } from '../../model/host/state.js'
import { sectionOf } from '../../model/host/relations.js'
import { typeDescriptor } from '../../model/host/types/index.js'
import { isCreated } from './merged.js'
import type { Merged } from './merged.js'

function expectedIface(m: Merged): Iface | undefined {
  const t = m.target
  if (t === undefined) {
    if (m.current === undefined && m.index < 0) return undefined
    return { name: m.name, type: m.desired.type === 'unknown' ? (m.current?.type ?? 'unknown') : m.desired.type, state: 'absent' }
  }
  const e: Iface = { ...m.desired, type: t.type }
  delete e.info
  if (isCreated(m)) {
    if (t.state !== undefined) e.state = t.state
    // and what hostnet gives a new link of its type (a bridge's STP off and forward delay 0)
    const d = typeDescriptor(t.type)
    const given = d.createDefaults === undefined ? undefined : sectionOf(t)
    if (given !== undefined) (e as unknown as Record<string, unknown>)[d.section!.prop] = { ...sectionOf(e), ...given }
  }
  return e
}

export function buildExpected(merged: ReadonlyMap<string, Merged>, routes: readonly Route[], rules: readonly RouteRule[] = []): DesiredState {
  const interfaces: Iface[] = []
  for (const m of merged.values()) {
    const e = expectedIface(m)
    if (e !== undefined) interfaces.push(e)
  }
  const out: DesiredState = { interfaces }
  if (routes.length > 0) out.routes = { config: [...routes] }
  if (rules.length > 0) out.routeRules = { config: [...rules] }
  return out
}
