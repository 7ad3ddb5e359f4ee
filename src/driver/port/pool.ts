/**
 * A network's pool from its `<pf>` (libvirt's networkCreateInterfacePool, done lazily at the first allocation):
 * the PF's virtual functions, read from sysfs, become the live definition's `<interface>` list (direct modes:
 * each VF with a network device) or `<address>` list (hostdev: each VF). The live XML then shows the pool.
 * @module
 */
import type { NetworkDef } from '../../model/network/network-def.js'
import { buildPool, type PortContext as PortErrorContext } from '../../model/port/index.js'
import type { PortServices } from './services.js'

/** Whether the network's pool still has to be built from its PF. */
export function needsPfPool(def: NetworkDef): boolean {
  const f = def.forward
  return f.pf !== undefined && f.interfaces.length === 0 && f.addresses.length === 0
}

/** The live definition with the PF's VFs as its pool. */
export function withPfPool(def: NetworkDef, services: PortServices, port: PortErrorContext): NetworkDef {
  const vfs = services.virtualFunctions(def.forward.pf ?? '')
  const pool = buildPool(def, { vfs, port })
  if (def.forward.mode === 'hostdev') {
    const addresses = pool.flatMap((d) => (d.kind === 'pci' ? [d.address] : []))
    return { ...def, forward: { ...def.forward, addresses } }
  }
  const interfaces = pool.flatMap((d) => (d.kind === 'netdev' ? [{ dev: d.dev }] : []))
  return { ...def, forward: { ...def.forward, interfaces } }
}
