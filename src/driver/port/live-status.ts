/**
 * The live network XML's connection counts (libvirt's `<network connections>` and `<interface dev connections>`),
 * derived from the network's ports in the store at the moment they are shown; PCI `<address>` entries never get
 * one (libvirt does not print it).
 * @module
 */
import type { NetworkDef } from '../../model/network/network-def.js'
import type { PortUsage } from '../../store/ports.js'

export function withConnections(def: NetworkDef, usage: PortUsage): NetworkDef {
  const { connections: _old, ...rest } = def
  const interfaces = def.forward.interfaces.map((i) => {
    const n = usage.devices[i.dev] ?? 0
    return n > 0 ? { dev: i.dev, connections: n } : { dev: i.dev }
  })
  const forward = { ...def.forward, interfaces }
  return usage.connections > 0 ? { ...rest, connections: usage.connections, forward } : { ...rest, forward }
}
