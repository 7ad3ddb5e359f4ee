/** Only the named interfaces of a host state (all when none are named): `hostnet show NAME...`. */
import type { HostState } from '../model/host/state.js'

export function selectInterfaces(state: HostState, names: readonly string[]): HostState {
  if (names.length === 0) return state
  const wanted = new Set(names)
  return { ...state, interfaces: state.interfaces.filter((i) => wanted.has(i.name)) }
}
