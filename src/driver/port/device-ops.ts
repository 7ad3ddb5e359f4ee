/**
 * Port devices as typed link operations (pure; backend/iproute2 renders and runs them). All devices of one call are
 * made by one `ip -batch` in the network's target; guest ends (a veth peer, a macvtap moved over) are brought up by
 * one more batch per guest namespace. Deletion of many devices puts them into one fresh link group and deletes the
 * group: the kernel then unregisters them together (one RCU grace period instead of one per device).
 * @module
 */
import { assertNever } from '../../errors.js'
import type { LinkOp, MacvtapMode } from '../../backend/iproute2/index.js'
import type { MacvtapDevice, PortDevice, TapDevice } from './plug-record.js'

/** The kernel's name of a macvtap mode. */
function macvtapMode(mode: MacvtapDevice['mode']): MacvtapMode {
  return mode === 'passthrough' ? 'passthru' : mode
}

const mtuOf = (mtu: number | undefined): { mtu?: number } => (mtu === undefined ? {} : { mtu })

function tapOps(d: TapDevice, alias: string): LinkOp[] {
  const controller = d.bridge === undefined ? {} : { controller: d.bridge }
  const out: LinkOp[] = []
  if (d.guest === undefined) {
    out.push({ kind: 'tap.add', name: d.ifname, vnetHdr: true }, { kind: 'link.set', name: d.ifname, alias })
    out.push({ kind: 'link.set', name: d.ifname, mac: d.mac, ...mtuOf(d.mtu), ...controller, state: 'up' })
  } else {
    const peer = { name: d.guest.name, netns: d.guest.netns, mac: d.guestMac, ...mtuOf(d.mtu) }
    out.push({ kind: 'link.add', name: d.ifname, mac: d.mac, ...mtuOf(d.mtu), ...controller, up: true, type: { kind: 'veth', peer } })
    out.push({ kind: 'link.set', name: d.ifname, alias })
  }
  if (d.bridge !== undefined && d.isolated === true) out.push({ kind: 'link.set', name: d.ifname, bridgePort: { isolated: true } })
  return out
}

function macvtapOps(d: MacvtapDevice, alias: string): LinkOp[] {
  const type = { kind: 'macvtap', mode: macvtapMode(d.mode) } as const
  // passthrough: the device takes the lower device's MAC at creation; setting its own gives the lower one the guest's
  const out: LinkOp[] =
    d.mode === 'passthrough'
      ? [{ kind: 'link.add', name: d.ifname, lower: d.dev, type }, { kind: 'link.set', name: d.ifname, alias }, { kind: 'link.set', name: d.ifname, mac: d.mac, state: 'up' }]
      : [{ kind: 'link.add', name: d.ifname, lower: d.dev, mac: d.mac, up: true, type }, { kind: 'link.set', name: d.ifname, alias }]
  if (d.guest !== undefined) out.push({ kind: 'link.set', name: d.ifname, netns: d.guest.netns, rename: d.guest.name })
  return out
}

/**
 * The ops (in the target) that create one device, the first one making it, marked with its port's alias (names.ts
 * portDeviceAlias) on the line right after (`link add` takes no alias): a batch that stops anywhere leaves every
 * device it made marked unless it stopped between the two lines (the caller knows which lines took effect), so a
 * rollback never needs to delete a device by its name alone.
 */
export function devicePlugOps(d: PortDevice, alias: string): LinkOp[] {
  switch (d.kind) {
    case 'tap':
      return tapOps(d, alias)
    case 'macvtap':
      return macvtapOps(d, alias)
    default:
      return assertNever(d, 'port device')
  }
}

/** Ops per guest namespace that bring the guest ends up (a device moved to another namespace is down there). */
export function guestUpOps(devices: readonly PortDevice[]): Map<string, LinkOp[]> {
  const out = new Map<string, LinkOp[]>()
  for (const d of devices) {
    if (d.guest === undefined) continue
    const ops = out.get(d.guest.netns) ?? []
    ops.push({ kind: 'link.set', name: d.guest.name, state: 'up' })
    out.set(d.guest.netns, ops)
  }
  return out
}

/** passthrough: give the lower devices their own MACs back (after their macvtap devices are gone). */
export function restoreLowerMacOps(devices: readonly PortDevice[]): LinkOp[] {
  return devices.flatMap((d): LinkOp[] => (d.kind === 'macvtap' && d.lowerMac !== undefined ? [{ kind: 'link.set', name: d.dev, mac: d.lowerMac }] : []))
}
