/** A comparable projection of a combined host state (kernel + OVS): what a rollback must restore. */
import type { HostState } from '../../src/model/host/state.js'

export function projectState(s: HostState): string {
  const ifaces = s.interfaces
    .map((i) => ({
      name: i.name,
      type: i.type,
      state: i.state,
      mtu: i.mtu,
      mac: i.mac,
      controller: i.controller ?? null,
      ipv4: (i.ipv4?.addresses ?? []).map((a) => `${a.ip}/${a.prefixLength}`).sort(),
      ipv6: (i.ipv6?.addresses ?? []).filter((a) => !a.ip.startsWith('fe80:')).map((a) => `${a.ip}/${a.prefixLength}`).sort(),
      ovsBridge: i.ovsBridge,
      ovsInterface: i.ovsInterface,
      ovsDb: i.ovsDb,
    }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type))
  const routes = s.routes.map((r) => JSON.stringify(r)).sort()
  return JSON.stringify({ ifaces, routes }, null, 1)
}
