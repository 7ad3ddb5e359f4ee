/**
 * Floor accounting of a network (libvirt's networkCheckBandwidth, networkPlugBandwidth, networkUnplugBandwidth
 * and networkUpdatePortBandwidth), pure: from the network's QoS, the port's bandwidth and the network's floor
 * state to the new state, the port's class id and the new rate of the default class 1:2. The tc commands for
 * these decisions are in backend/tc/render-floor.ts.
 * @module
 */
import { bandwidthHasFloor, bandwidthSupportsFloor } from '../netdev/bandwidth.js'
import type { Bandwidth } from '../netdev/bandwidth.js'
import type { NetworkDef } from '../network/network-def.js'
import type { MacAddr } from '../values/mac.js'
import { nextClassId, normalizeClassIds } from './class-ids.js'
import { FIELD, portError } from './port-error.js'
import type { PortContext } from './port-error.js'
import type { FloorState } from './types.js'

export interface FloorCheckInput {
  network: NetworkDef
  mac: MacAddr
  /** The port's new bandwidth. */
  bandwidth: Bandwidth | undefined
  /** The port's current bandwidth (an update); undefined for a new port. */
  oldBandwidth?: Bandwidth | undefined
  state: FloorState
  port: PortContext
}

/**
 * networkCheckBandwidth: undefined when no floor accounting is involved (libvirt's 1), else the rate the default
 * class is computed from (the network's inbound peak, or average). Throws when the floor cannot be had.
 */
export function checkFloor(c: FloorCheckInput): number | undefined {
  const hasFloor = bandwidthHasFloor(c.bandwidth)
  const net = c.network
  const inbound = net.bandwidth?.inbound
  if (hasFloor && !bandwidthSupportsFloor(net.forward.mode)) {
    throw portError(
      'not-supported',
      c.port,
      `Invalid use of 'floor' on interface with MAC address ${c.mac} - 'floor' is only supported for interface ` +
        `type 'network' with forward type 'nat', 'route', 'open' or none ` +
        `(network '${net.name}' has forward mode '${net.forward.mode}')`,
      FIELD.floor,
    )
  }
  if (hasFloor && inbound === undefined) {
    throw portError(
      'not-supported',
      c.port,
      `Invalid use of 'floor' on interface with MAC address ${c.mac} - network '${net.name}' has no inbound QoS set`,
      FIELD.floor,
    )
  }
  if (inbound === undefined) return undefined
  if (!hasFloor && !bandwidthHasFloor(c.oldBandwidth)) return undefined
  const sum = c.state.floorSum - (c.oldBandwidth?.inbound?.floor ?? 0) + (c.bandwidth?.inbound?.floor ?? 0)
  const [what, limit] = inbound.peak !== undefined ? ['peak', inbound.peak] : ['average', inbound.average ?? 0]
  if (sum > limit) {
    throw portError(
      'conflict',
      c.port,
      `Cannot plug '${c.mac}' interface into '${net.bridge?.name ?? ''}' because new combined inbound ` +
        `floor=${sum} would overcommit ${what}=${limit} on network '${net.name}'`,
      FIELD.floor,
    )
  }
  return limit
}

/** What plugging a port did to the network's floor accounting. */
export interface FloorPlug {
  readonly classId: number
  readonly state: FloorState
  /** The new rate of the default class 1:2 (kB/s): the network's peak (or average) minus the floor sum. */
  readonly defaultClassRate: number
}

/** networkPlugBandwidth: a class id and the new floor sum when the port has a floor on a QoS network. */
export function planFloorPlug(c: Omit<FloorCheckInput, 'oldBandwidth'>): FloorPlug | undefined {
  const rate = checkFloor(c)
  if (rate === undefined) return undefined
  const classId = nextClassId(c.state.classIds)
  const floorSum = c.state.floorSum + (c.bandwidth?.inbound?.floor ?? 0)
  return {
    classId,
    state: { floorSum, classIds: normalizeClassIds([...c.state.classIds, classId]) },
    defaultClassRate: rate - floorSum,
  }
}

export interface FloorUnplugInput {
  network: NetworkDef
  bandwidth: Bandwidth | undefined
  classId: number | undefined
  state: FloorState
}

export interface FloorUnplug {
  readonly classId: number
  readonly state: FloorState
  readonly defaultClassRate: number
}

/** networkUnplugBandwidth: nothing without a class id or without network inbound QoS (libvirt only warns). */
export function planFloorUnplug(c: FloorUnplugInput): FloorUnplug | undefined {
  const inbound = c.network.bandwidth?.inbound
  if (!c.classId || inbound === undefined) return undefined
  const floorSum = c.state.floorSum - (c.bandwidth?.inbound?.floor ?? 0)
  const limit = inbound.peak ?? inbound.average ?? 0
  return {
    classId: c.classId,
    state: { floorSum, classIds: normalizeClassIds(c.state.classIds.filter((id) => id !== c.classId)) },
    defaultClassRate: limit - floorSum,
  }
}

/** networkUpdatePortBandwidth's three outcomes (plus "nothing to do"). */
export type FloorUpdate =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'change'
      readonly classId: number
      readonly floor: number
      readonly state: FloorState
      readonly defaultClassRate: number
    }
  | ({ readonly kind: 'plug' } & FloorPlug)
  | ({ readonly kind: 'unplug' } & FloorUnplug)

/** A port's bandwidth changes (virNetworkPortSetParameters): re-check the floor and adjust the accounting. */
export function planFloorUpdate(c: FloorCheckInput & { classId: number | undefined }): FloorUpdate {
  const oldFloor = c.oldBandwidth?.inbound?.floor ?? 0
  const newFloor = c.bandwidth?.inbound?.floor ?? 0
  if (oldFloor === newFloor) return { kind: 'none' }
  const rate = checkFloor(c)
  if (rate === undefined) return { kind: 'none' }
  if (oldFloor > 0 && newFloor > 0 && c.classId) {
    const floorSum = c.state.floorSum - oldFloor + newFloor
    const state = { floorSum, classIds: c.state.classIds }
    return { kind: 'change', classId: c.classId, floor: newFloor, state, defaultClassRate: rate - floorSum }
  }
  if (newFloor > 0) {
    const plug = planFloorPlug({ network: c.network, mac: c.mac, bandwidth: c.bandwidth, state: c.state, port: c.port })
    return plug === undefined ? { kind: 'none' } : { kind: 'plug', ...plug }
  }
  const unplug = planFloorUnplug({ network: c.network, bandwidth: c.oldBandwidth, classId: c.classId, state: c.state })
  return unplug === undefined ? { kind: 'none' } : { kind: 'unplug', ...unplug }
}
