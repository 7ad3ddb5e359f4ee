/**
 * Re-registering a running guest's port after a restart (libvirt's networkNotifyPort, `net-port-create
 * --reclaim`) and releasing a port (networkReleasePort), as pure checks returning the new counters. Neither
 * touches the floor state on notify: class ids and the floor sum come back from the network's status.
 * @module
 */
import { assertNever } from '../../errors.js'
import { formatPciAddress } from '../netdev/pci-address.js'
import type { PciAddress } from '../netdev/pci-address.js'
import type { NetworkDef } from '../network/network-def.js'
import type { NetworkPortDef } from '../networkport.js'
import { planFloorUnplug } from './floor.js'
import type { FloorUnplug } from './floor.js'
import { FIELD, portError } from './port-error.js'
import type { PortContext } from './port-error.js'
import { poolIsExclusive } from './plug-plan.js'
import { buildPool, findPoolDevice, withConnections } from './pool.js'
import type { BuildPoolOptions } from './pool.js'
import { INITIAL_FLOOR_STATE } from './types.js'
import type { FloorState, PoolDevice, VirtualFunction } from './types.js'

export interface PortStateInput {
  network: NetworkDef
  active: boolean
  port: NetworkPortDef
  vfs?: readonly VirtualFunction[]
  connections?: Readonly<Record<string, number>>
}

type PoolInput = Omit<PortStateInput, 'active'>

export interface PortCounters {
  readonly pool: readonly PoolDevice[]
  readonly deviceIndex?: number
  readonly networkConnections: number
}

function pciText(a: PciAddress): string {
  return formatPciAddress(a)
}

function poolOf(input: PoolInput, ctx: PortContext): PoolDevice[] {
  const opts: BuildPoolOptions = { port: ctx }
  if (input.vfs !== undefined) opts.vfs = input.vfs
  if (input.connections !== undefined) opts.connections = input.connections
  return buildPool(input.network, opts)
}

function counters(input: PoolInput, pool: PoolDevice[], index: number | undefined, delta: number): PortCounters {
  const networkConnections = (input.network.connections ?? 0) + delta
  if (index === undefined) return { pool, networkConnections }
  return { pool: withConnections(pool, index, delta), deviceIndex: index, networkConnections }
}

function notifyDirect(input: PortStateInput, ctx: PortContext, dev: string): PortCounters {
  const { network, port } = input
  const pool = poolOf(input, ctx)
  const i = findPoolDevice(pool, { dev })
  if (i < 0) {
    const msg = `network '${network.name}' doesn't have dev='${dev}' in use by network port '${port.uuid}'`
    throw portError('conflict', ctx, msg, FIELD.plugDev)
  }
  const mode = network.forward.mode
  if (pool[i]!.connections > 0 && mode !== 'hostdev' && poolIsExclusive(mode, port.virtualPort?.type)) {
    const msg = `network '${network.name}' claims dev='${dev}' is already in use by a different port`
    throw portError('conflict', ctx, msg, FIELD.plugDev)
  }
  return counters(input, pool, i, 1)
}

function notifyHostdev(input: PortStateInput, ctx: PortContext, address: PciAddress): PortCounters {
  const { network } = input
  const pool = poolOf(input, ctx)
  const i = findPoolDevice(pool, { address })
  if (i < 0) {
    const msg = `network '${network.name}' doesn't have PCI device ${pciText(address)} in use by network port`
    throw portError('conflict', ctx, msg, FIELD.plugAddress)
  }
  if (pool[i]!.connections > 0 && network.forward.mode === 'hostdev') {
    const a = address
    const msg =
      `network '${network.name}' claims the PCI device at domain=${a.domain} bus=${a.bus} slot=${a.slot} ` +
      `function=${a.function} is already in use by a different network port`
    throw portError('conflict', ctx, msg, FIELD.plugAddress)
  }
  return counters(input, pool, i, 1)
}

/** networkNotifyPort: the port's plug must fit the network; exclusive devices must be free. */
export function notifyPort(input: PortStateInput): PortCounters {
  const { network, port } = input
  const ctx: PortContext = { portUuid: port.uuid, network: network.name }
  if (!input.active) throw portError('conflict', ctx, `network '${network.name}' is not active`, FIELD.network)
  const plug = port.plug
  if (plug === undefined) {
    throw portError('invalid-argument', ctx, 'Unexpectedly got a network port without a plug', FIELD.plug)
  }
  switch (plug.type) {
    case 'network':
    case 'bridge':
      if (network.bridge?.name === undefined) {
        throw portError('conflict', ctx, 'Unexpectedly got a network port without a network bridge', FIELD.bridge)
      }
      return counters(input, [], undefined, 1)
    case 'direct':
      return notifyDirect(input, ctx, plug.dev)
    case 'hostdev-pci':
      return notifyHostdev(input, ctx, plug.address)
    default:
      return assertNever(plug, 'plug')
  }
}

export interface ReleaseInput extends Omit<PortStateInput, 'active'> {
  floor?: FloorState
}

export interface Release extends PortCounters {
  /** The floor class to remove from the bridge (network and bridge plugs with a class id). */
  readonly floor?: FloorUnplug
  readonly floorState: FloorState
}

type PoolEntry = { dev: string } | { address: PciAddress }

function releaseFromPool(input: ReleaseInput, ctx: PortContext, what: PoolEntry): Release {
  const { network } = input
  const pool = poolOf(input, ctx)
  const kind = 'dev' in what ? 'a direct' : 'a hostdev'
  if (pool.length === 0) {
    const msg = `network '${network.name}' uses ${kind} mode, but has no forward dev and no interface pool`
    throw portError('conflict', ctx, msg, FIELD.poolInterfaces)
  }
  const i = findPoolDevice(pool, what)
  if (i < 0) {
    const msg =
      'dev' in what
        ? `network '${network.name}' doesn't have dev='${what.dev}' in use by domain`
        : `network '${network.name}' doesn't have PCI device ${pciText(what.address)} in use by domain`
    throw portError('conflict', ctx, msg, 'dev' in what ? FIELD.plugDev : FIELD.plugAddress)
  }
  return { ...counters(input, pool, i, -1), floorState: input.floor ?? INITIAL_FLOOR_STATE }
}

/** networkReleasePort: the counters after the port is gone, and the floor class to unplug. */
export function releasePort(input: ReleaseInput): Release {
  const { network, port } = input
  const ctx: PortContext = { portUuid: port.uuid, network: network.name }
  const state = input.floor ?? INITIAL_FLOOR_STATE
  const plug = port.plug
  if (plug === undefined) return { ...counters(input, [], undefined, -1), floorState: state }
  switch (plug.type) {
    case 'network':
    case 'bridge': {
      const floor = planFloorUnplug({ network, bandwidth: port.bandwidth, classId: port.classId, state })
      const base = { ...counters(input, [], undefined, -1), floorState: floor?.state ?? state }
      return floor === undefined ? base : { ...base, floor }
    }
    case 'direct':
      return releaseFromPool(input, ctx, { dev: plug.dev })
    case 'hostdev-pci':
      return releaseFromPool(input, ctx, { address: plug.address })
    default:
      return assertNever(plug, 'plug')
  }
}

