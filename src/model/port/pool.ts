/**
 * A network's device pool (libvirt's networkCreateInterfacePool) and the choice of a device for a new port.
 *
 * - `buildPool(network, { vfs, connections })`: the `<interface>` list, the `<address>` list (hostdev), or —
 *   when the network names a `<pf>` and has no list yet — the PF's virtual functions (read by
 *   sys/sysfs-pci.ts): for bridge/private/vepa/passthrough each VF with a network device, for hostdev each VF's
 *   PCI address. No usable VF is an error.
 * - `choosePoolDevice({ mode, pool, mergedVirtualportType })`: exclusive modes take the first device with no
 *   connection, the others the least used one (the earliest on ties).
 * @module
 */
import { HostnetError } from '../../errors.js'
import { formatPciAddress, pciAddressEquals } from '../netdev/pci-address.js'
import type { PciAddress } from '../netdev/pci-address.js'
import type { NetworkDef } from '../network/network-def.js'
import { FIELD, portError } from './port-error.js'
import type { PortContext } from './port-error.js'
import { poolIsExclusive } from './plug-plan.js'
import type { PoolDevice, VirtualFunction } from './types.js'

export interface BuildPoolOptions {
  /** The PF's virtual functions, in index order (needed when the pool comes from a `<pf>`). */
  vfs?: readonly VirtualFunction[]
  /** Live connection counts by device name or `DDDD:BB:SS.F` address (default: the definition's counts, or 0). */
  connections?: Readonly<Record<string, number>>
  /** Names the port in errors (allocation); omitted at network start. */
  port?: PortContext
}

/** The key of a pool device in `connections`: its name, or its PCI address as `DDDD:BB:SS.F`. */
export function poolDeviceKey(d: PoolDevice | { dev: string } | { address: PciAddress }): string {
  return 'dev' in d ? d.dev : formatPciAddress(d.address)
}

type PoolFailKind = 'not-found' | 'bug'

function poolFail(opts: BuildPoolOptions, network: string, kind: PoolFailKind, message: string, field: string): never {
  if (opts.port !== undefined) throw portError(kind, opts.port, message, field)
  throw new HostnetError(kind, message, { details: { network, field } })
}

function fromVfs(network: NetworkDef, opts: BuildPoolOptions, pf: string): PoolDevice[] {
  const vfs = opts.vfs
  if (vfs === undefined) {
    const msg = `network '${network.name}': the virtual functions of PF '${pf}' were not read`
    poolFail(opts, network.name, 'bug', msg, FIELD.poolPf)
  }
  const count = (key: string): number => opts.connections?.[key] ?? 0
  const out: PoolDevice[] =
    network.forward.mode === 'hostdev'
      ? vfs.map((vf) => ({ kind: 'pci', address: vf.address, connections: count(formatPciAddress(vf.address)) }))
      : vfs.flatMap((vf) =>
          vf.netdev === undefined ? [] : [{ kind: 'netdev', dev: vf.netdev, connections: count(vf.netdev) }],
        )
  if (out.length === 0) {
    const msg = `No usable Vf's present on SRIOV PF ${pf} of network '${network.name}'`
    poolFail(opts, network.name, 'not-found', msg, FIELD.poolPf)
  }
  return out
}

/** The pool of a network with a device pool (empty when it has none). */
export function buildPool(network: NetworkDef, opts: BuildPoolOptions = {}): PoolDevice[] {
  const f = network.forward
  const count = (key: string, fallback: number | undefined): number => opts.connections?.[key] ?? fallback ?? 0
  if (f.mode === 'hostdev') {
    if (f.addresses.length > 0) {
      return f.addresses.map((address) => ({ kind: 'pci', address, connections: count(formatPciAddress(address), 0) }))
    }
    return f.pf !== undefined ? fromVfs(network, opts, f.pf) : []
  }
  if (f.interfaces.length > 0) {
    return f.interfaces.map((i) => ({ kind: 'netdev', dev: i.dev, connections: count(i.dev, i.connections) }))
  }
  return f.pf !== undefined ? fromVfs(network, opts, f.pf) : []
}

export interface ChooseDeviceInput {
  /** The network's forward mode. */
  mode: string
  pool: readonly PoolDevice[]
  /** The type of the port's merged virtualport (private + 802.1Qbh is exclusive). */
  mergedVirtualportType?: string | undefined
  /** Names the port and the network in the error. */
  port?: PortContext
}

/**
 * The index of the pool device a new port takes. Throws a 'conflict' error when an exclusive pool has no free
 * device (libvirt: the network requires exclusive access to interfaces, but none are available).
 */
export function choosePoolDevice(input: ChooseDeviceInput): number {
  const { pool } = input
  if (poolIsExclusive(input.mode, input.mergedVirtualportType)) {
    const free = pool.findIndex((d) => d.connections === 0)
    if (free >= 0) return free
  } else if (pool.length > 0) {
    let best = 0
    for (let i = 1; i < pool.length; i++) if (pool[i]!.connections < pool[best]!.connections) best = i
    return best
  }
  const network = input.port?.network ?? '?'
  const message = `network '${network}' requires exclusive access to interfaces, but none are available`
  const field = input.mode === 'hostdev' ? FIELD.poolAddresses : FIELD.poolInterfaces
  if (input.port !== undefined) throw portError('conflict', input.port, message, field)
  throw new HostnetError('conflict', message, { details: { network, field } })
}

/** The pool with one device's connection count changed by `delta`. */
export function withConnections(pool: readonly PoolDevice[], index: number, delta: number): PoolDevice[] {
  return pool.map((d, i) => (i === index ? { ...d, connections: d.connections + delta } : d))
}

/** The index of the pool device a plug names (direct: by name; hostdev: by PCI address), or -1. */
export function findPoolDevice(pool: readonly PoolDevice[], what: { dev: string } | { address: PciAddress }): number {
  if ('dev' in what) return pool.findIndex((d) => d.kind === 'netdev' && d.dev === what.dev)
  return pool.findIndex((d) => d.kind === 'pci' && pciAddressEquals(d.address, what.address))
}
