/** A compact table of a host state (one line per interface), for `show --brief` and the demo. */
import type { Iface } from '../model/host/iface.js'
import type { HostState } from '../model/host/state.js'
import { table } from './output.js'

function addresses(i: Iface): string {
  const all = [...(i.ipv4?.addresses ?? []), ...(i.ipv6?.addresses ?? [])].map((a) => `${a.ip}/${a.prefixLength}`)
  return all.length === 0 ? '-' : all.join(' ')
}

export function stateTable(state: HostState): string {
  const rows: string[][] = [['NAME', 'TYPE', 'STATE', 'MTU', 'CONTROLLER', 'ADDRESSES']]
  for (const i of state.interfaces) {
    rows.push([i.name, i.type, i.state ?? '-', i.mtu === undefined ? '-' : String(i.mtu), i.controller ?? '-', addresses(i)])
  }
  return table(rows)
}
