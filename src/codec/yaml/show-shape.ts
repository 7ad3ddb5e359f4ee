/**
 * A current state in nmstate's shape, as `show` prints it (a document `apply` takes back with no change):
 * - a Linux bridge's port options sit in its `bridge.port[]` items, not on the ports (`bridge-port`);
 * - an enabled IP family says `dhcp: false` (and IPv6 `autoconf: false`) when no client runs, as nmstate shows it.
 * Pure: the records are copied, never changed in place.
 * @module
 */
import type { Iface, IpConfig } from '../../model/host/iface.js'
import type { HostState } from '../../model/host/state.js'

function ipShown(c: IpConfig | undefined, family: 'ipv4' | 'ipv6'): IpConfig | undefined {
  if (c === undefined || c.enabled !== true) return c
  const out: IpConfig = { ...c }
  out.dhcp ??= false
  if (family === 'ipv6') out.autoconf ??= false
  return out
}

/** The state as show prints it. */
export function showShape(state: HostState): HostState {
  const byName = new Map<string, Iface>()
  for (const i of state.interfaces) if (i.type === 'linux-bridge') byName.set(i.name, i)
  // port options by bridge, then by port
  const options = new Map<string, Map<string, NonNullable<Iface['bridgePort']>>>()
  for (const i of state.interfaces) {
    if (i.bridgePort === undefined || i.controller == null || !byName.has(i.controller)) continue
    let m = options.get(i.controller)
    if (m === undefined) options.set(i.controller, (m = new Map()))
    m.set(i.name, i.bridgePort)
  }
  const interfaces = state.interfaces.map((i): Iface => {
    let out: Iface = i
    const ipv4 = ipShown(i.ipv4, 'ipv4')
    const ipv6 = ipShown(i.ipv6, 'ipv6')
    if (ipv4 !== i.ipv4 || ipv6 !== i.ipv6) out = { ...out, ...(ipv4 === undefined ? {} : { ipv4 }), ...(ipv6 === undefined ? {} : { ipv6 }) }
    if (out.bridgePort !== undefined && out.controller != null && byName.has(out.controller)) {
      const { bridgePort: _moved, ...rest } = out
      out = rest
    }
    const ports = options.get(i.name)
    if (ports !== undefined && out.bridge !== undefined) {
      const list = (out.bridge.ports ?? []).map((p) => {
        const o = ports.get(p.name)
        return o === undefined ? p : { name: p.name, options: { ...p.options, ...o } }
      })
      out = { ...out, bridge: { ...out.bridge, ports: list } }
    }
    return out
  })
  return { ...state, interfaces }
}
