/** Only the named interfaces of a host state (all when none are named): `hostnet show NAME...`. */
import type { Iface } from '../model/host/iface.js'
import type { HostState } from '../model/host/state.js'

/**
 * The named interfaces, in the order they are named (as `nmstatectl show a b` prints them); a name shared by an
 * OVS bridge and its internal port gives both, in the state's order. Names that match nothing are left out.
 */
export function selectInterfaces(state: HostState, names: readonly string[]): HostState {
  if (names.length === 0) return state
  const byName = new Map<string, Iface[]>()
  for (const i of state.interfaces) {
    const list = byName.get(i.name)
    if (list === undefined) byName.set(i.name, [i])
    else list.push(i)
  }
  const interfaces = [...new Set(names)].flatMap((n) => byName.get(n) ?? [])
  return { ...state, interfaces }
}
