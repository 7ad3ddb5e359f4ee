/**
 * `allocatePort`: libvirt's networkAllocatePort as a pure function, in libvirt's order of checks: the network
 * must be active; portgroup and precedence; Merge3; per forward mode the plug, the virtualport type check and
 * the pool device (hostdev picks its device before the type check, the direct modes after it); the floor; and
 * CheckComplete. The result is the allocated `<networkport>` plus the new counters; on any error nothing is
 * returned, so no count changes. Notification (reclaim) and release are in ./notify.ts.
 * @module
 */
import { assertNever, HostnetError } from '../../errors.js'
import type { NetworkDef } from '../network/network-def.js'
import type { NetworkPortDef, NetworkPortPlug } from '../networkport.js'
import type { Uuid } from '../values/uuid.js'
import { planFloorPlug } from './floor.js'
import type { FloorPlug } from './floor.js'
import { mergePortSettings } from './merge.js'
import { FIELD, portError } from './port-error.js'
import type { PortContext } from './port-error.js'
import { checkVirtualPortForMode, plugPlan } from './plug-plan.js'
import { buildPool, choosePoolDevice, withConnections } from './pool.js'
import { completeVirtualPort } from './resolve.js'
import { INITIAL_FLOOR_STATE } from './types.js'
import type { FloorState, PlugPlan, PoolDevice, PortRequest, PortSettings, VirtualFunction } from './types.js'

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

export interface AllocateInput {
  /** The live definition (generated bridge name; a pool built from a `<pf>` when there is one). */
  network: NetworkDef
  active: boolean
  port: PortRequest
  uuidGen: () => Uuid
  /** The PF's virtual functions, when the pool comes from a `<pf>` and is not built yet. */
  vfs?: readonly VirtualFunction[]
  /** Live pool connection counts by device name or PCI address (`DDDD:BB:SS.F`). */
  connections?: Readonly<Record<string, number>>
  floor?: FloorState
}

export interface Allocation {
  /** The allocated port: effective settings, class id (floor) and plug. */
  readonly port: NetworkPortDef
  /** The portgroup whose settings were applied. */
  readonly portGroup?: string
  /** The pool after the allocation (the chosen device counted), or empty for networks without one. */
  readonly pool: readonly PoolDevice[]
  readonly deviceIndex?: number
  /** The network's connection count after the allocation. */
  readonly networkConnections: number
  readonly floor?: FloorPlug
  readonly floorState: FloorState
}

interface DeviceChoice {
  pool: PoolDevice[]
  index?: number
}

function bridgePlug(plan: PlugPlan & { kind: 'network' | 'bridge' }, network: NetworkDef): NetworkPortPlug {
  if (plan.bridge === undefined) {
    throw new HostnetError('bug', `network '${network.name}' has no bridge name: allocate from its live definition`)
  }
  const base = { type: plan.kind, bridge: plan.bridge }
  return plan.macTableManager === undefined ? base : { ...base, macTableManager: plan.macTableManager }
}

function choose(input: AllocateInput, ctx: PortContext, vpType: string | undefined): DeviceChoice {
  const pool = buildPool(input.network, { ...optional(input), port: ctx })
  const index = choosePoolDevice({ mode: input.network.forward.mode, pool, mergedVirtualportType: vpType, port: ctx })
  return { pool: withConnections(pool, index, 1), index }
}

type PoolInputs = { vfs?: readonly VirtualFunction[]; connections?: Readonly<Record<string, number>> }

function optional(input: AllocateInput): PoolInputs {
  const out: PoolInputs = {}
  if (input.vfs !== undefined) out.vfs = input.vfs
  if (input.connections !== undefined) out.connections = input.connections
  return out
}

/** The mode-specific part: plug, device and type check in libvirt's order. */
function plugAndDevice(input: AllocateInput, settings: PortSettings, ctx: PortContext): [NetworkPortPlug, DeviceChoice] {
  const { network } = input
  const vp = settings.virtualPort
  const plan = plugPlan(network, vp)
  switch (plan.kind) {
    case 'network':
    case 'bridge':
      checkVirtualPortForMode(network, vp, ctx)
      return [bridgePlug(plan, network), { pool: [] }]
    case 'hostdev-pci': {
      const choice = choose(input, ctx, vp?.type)
      checkVirtualPortForMode(network, vp, ctx)
      const dev = choice.pool[choice.index!]!
      if (dev.kind !== 'pci') throw new HostnetError('bug', `hostdev pool of network '${network.name}' holds a netdev`)
      const plug: Mutable<NetworkPortPlug & { type: 'hostdev-pci' }> = { type: 'hostdev-pci', address: dev.address }
      if (plan.managed !== undefined) plug.managed = plan.managed
      if (plan.driver !== undefined) plug.driver = plan.driver
      return [plug, choice]
    }
    case 'direct': {
      checkVirtualPortForMode(network, vp, ctx)
      if (network.forward.interfaces.length === 0 && network.forward.pf === undefined) {
        const msg = `network '${network.name}' uses a direct mode, but has no forward dev and no interface pool`
        throw portError('invalid-argument', ctx, msg, FIELD.poolInterfaces)
      }
      const choice = choose(input, ctx, vp?.type)
      const dev = choice.pool[choice.index!]!
      if (dev.kind !== 'netdev') {
        throw new HostnetError('bug', `direct pool of network '${network.name}' holds a PCI device`)
      }
      return [{ type: 'direct', dev: dev.dev, mode: plan.mode }, choice]
    }
    default:
      return assertNever(plan, 'plug plan')
  }
}

function portDef(
  request: PortRequest,
  settings: PortSettings,
  plug: NetworkPortPlug,
  floor: FloorPlug | undefined,
): NetworkPortDef {
  const out: Mutable<NetworkPortDef> = { uuid: request.uuid, owner: request.owner, mac: settings.mac }
  if (request.group !== undefined) out.group = request.group
  if (settings.virtualPort !== undefined) out.virtualPort = settings.virtualPort
  if (settings.bandwidth !== undefined) out.bandwidth = settings.bandwidth
  if (floor !== undefined) out.classId = floor.classId
  if (settings.vlan !== undefined) out.vlan = settings.vlan
  if (settings.isolatedPort !== undefined) out.isolatedPort = settings.isolatedPort
  if (settings.trustGuestRxFilters !== undefined) out.trustGuestRxFilters = settings.trustGuestRxFilters
  out.plug = plug
  return out
}

export function allocatePort(input: AllocateInput): Allocation {
  const { network, port } = input
  const ctx: PortContext = { portUuid: port.uuid, network: network.name }
  if (!input.active) throw portError('conflict', ctx, `network '${network.name}' is not active`, FIELD.network)
  const merged = mergePortSettings(network, port, ctx)
  const [plug, device] = plugAndDevice(input, merged.settings, ctx)
  const state = input.floor ?? INITIAL_FLOOR_STATE
  const floor = planFloorPlug({ network, mac: port.mac, bandwidth: merged.settings.bandwidth, state, port: ctx })
  const vp = completeVirtualPort(merged.settings.virtualPort, input.uuidGen, ctx)
  const settings = vp === undefined ? merged.settings : { ...merged.settings, virtualPort: vp }
  const out: Mutable<Allocation> = {
    port: portDef(port, settings, plug, floor),
    pool: device.pool,
    networkConnections: (network.connections ?? 0) + 1,
    floorState: floor?.state ?? state,
  }
  if (merged.portGroup !== undefined) out.portGroup = merged.portGroup.name
  if (device.index !== undefined) out.deviceIndex = device.index
  if (floor !== undefined) out.floor = floor
  return out
}
