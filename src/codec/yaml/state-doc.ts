/**
 * A current or desired state as the plain document `hostnet show` prints and parseDesiredState reads, and its YAML
 * without the YAML library when the emitter handles it (./emit.ts): `hostnet show` loads the library only when it
 * does not (state.ts's formatState is the complete path).
 * @module
 */
import type { DesiredState, HostState } from '../../model/host/state.js'
import { emitYaml } from './emit.js'
import { routeRuleToPlain } from './parse-route-rules.js'
import { ifaceToPlain, routeToPlain } from './format-iface.js'
import { showShape } from './show-shape.js'

function isHostState(s: HostState | DesiredState): s is HostState {
  return Array.isArray((s as HostState).routes)
}

/** The plain document of a state; a current state (HostState) in nmstate's shape (./show-shape.ts). */
export function stateDocument(state: HostState | DesiredState): Record<string, unknown> {
  const routes = isHostState(state) ? state.routes : state.routes?.config
  const interfaces = isHostState(state) ? showShape(state).interfaces : state.interfaces
  const doc: Record<string, unknown> = { interfaces: interfaces.map(ifaceToPlain) }
  if (routes !== undefined && (routes.length > 0 || !isHostState(state))) doc['routes'] = { config: routes.map(routeToPlain) }
  const rules = isHostState(state) ? state.routeRules : state.routeRules?.config
  if (rules !== undefined && (rules.length > 0 || !isHostState(state))) doc['route-rules'] = { config: rules.map(routeRuleToPlain) }
  return doc
}

/** formatState's YAML, or undefined when only the library can write this state (then use formatState). */
export function formatStateYaml(state: HostState | DesiredState): string | undefined {
  return emitYaml(stateDocument(state))
}
