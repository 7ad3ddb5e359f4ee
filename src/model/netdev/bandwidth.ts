/**
 * `<bandwidth>` QoS settings (libvirt's virNetDevBandwidth) and their pure rules.
 *
 * Units: average, peak and floor in kilobytes per second, burst in kibibytes. A rate keeps only non-zero values
 * (libvirt stores 0 for "unset" and never formats zeros); the codec drops rates with neither average nor floor.
 *
 * Usage: `bandwidthHasFloor(bw)`, `bandwidthSupportsFloor(forwardMode)`, `checkFloorFits(...)` for the
 * network driver's floor accounting (networkCheckBandwidth), `selectBandwidth(interface, portgroup)` for the
 * precedence at port allocation.
 * @module
 */
import { HostnetError } from '../../errors.js'

export interface BandwidthRate {
  /** kilobytes per second */
  readonly average?: number
  /** kilobytes per second */
  readonly peak?: number
  /** kibibytes */
  readonly burst?: number
  /** kilobytes per second; inbound only, only where the context allows it (port / interface on an L3 network) */
  readonly floor?: number
}

export interface Bandwidth {
  readonly inbound?: BandwidthRate
  readonly outbound?: BandwidthRate
}

/** libvirt's parse limits (average/peak/floor: 1 << 54, burst: UINT_MAX >> 10); ours are capped at 2^53 - 1. */
export const BANDWIDTH_RATE_MAX = Number.MAX_SAFE_INTEGER
export const BANDWIDTH_BURST_MAX = 0xffffffff >>> 10

/** Whether a rate would be formatted (libvirt prints a rate only when average or floor is non-zero). */
export function rateIsSet(rate: BandwidthRate | undefined): rate is BandwidthRate {
  return rate !== undefined && ((rate.average ?? 0) > 0 || (rate.floor ?? 0) > 0)
}

export function bandwidthHasFloor(bw: Bandwidth | undefined): boolean {
  return (bw?.inbound?.floor ?? 0) > 0
}

/** Whether QoS with a floor can be used on networks of this forward mode (only libvirt-managed L3 bridges). */
export function bandwidthSupportsFloor(mode: string): boolean {
  return mode === 'none' || mode === 'nat' || mode === 'route' || mode === 'open'
}

/** Port allocation precedence: the interface's own bandwidth, else the portgroup's (the network's never). */
export function selectBandwidth(
  fromInterface: Bandwidth | undefined,
  fromPortgroup: Bandwidth | undefined,
): Bandwidth | undefined {
  return fromInterface ?? fromPortgroup
}

export interface FloorCheck {
  /** The network's own `<bandwidth>`. */
  networkBandwidth: Bandwidth | undefined
  /** Sum of the floors already granted on this network (kB/s). */
  floorSum: number
  /** The floor requested by the new port (kB/s); the old floor of the same port when it is being updated. */
  newFloor: number
  oldFloor?: number
  networkName: string
  forwardMode: string
}

/**
 * libvirt's networkCheckBandwidth for a port that asks for an inbound floor: the network must be an L3 network
 * with inbound QoS, and the new sum of floors must not exceed the network's inbound peak (or average).
 * Returns the new floor sum.
 */
export function checkFloorFits(c: FloorCheck): number {
  const extra = c.newFloor - (c.oldFloor ?? 0)
  if (c.newFloor <= 0) return c.floorSum - (c.oldFloor ?? 0)
  if (!bandwidthSupportsFloor(c.forwardMode)) {
    throw new HostnetError(
      'not-supported',
      `Invalid use of 'floor' on network '${c.networkName}': floor needs an interface of type network on a nat, route, open or isolated network`,
    )
  }
  const inbound = c.networkBandwidth?.inbound
  const limit = inbound?.peak ?? inbound?.average ?? 0
  if (!rateIsSet(inbound) || limit === 0) {
    throw new HostnetError(
      'not-supported',
      `Network '${c.networkName}' has no inbound QoS set, so a 'floor' cannot be guaranteed`,
    )
  }
  const sum = c.floorSum + extra
  if (sum > limit) {
    throw new HostnetError(
      'conflict',
      `Cannot plug a port with floor ${c.newFloor} kB/s into network '${c.networkName}': it would overcommit the network (${sum} > ${limit} kB/s)`,
      { details: { floorSum: c.floorSum, newFloor: c.newFloor, limit } },
    )
  }
  return sum
}
