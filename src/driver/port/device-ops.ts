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

function tapOps(d: TapDevice): LinkOp[] {
  const controller = d.bridge === undefined ? {} : { controller: d.bridge }
  const out: LinkOp[] = []
  if (d.guest === undefined) {
    out.push({ kind: 'tap.add', name: d.ifname, vnetHdr: true })
    out.push({ kind: 'link.set', name: d.ifname, mac: d.mac, ...mtuOf(d.mtu), ...controller, state: 'up' })
  } else {
    const peer = { name: d.guest.name, netns: d.guest.netns, mac: d.guestMac, ...mtuOf(d.mtu) }
    out.push({ kind: 'link.add', name: d.ifname, mac: d.mac, ...mtuOf(d.mtu), ...controller, up: true, type: { kind: 'veth', peer } })
  }
  if (d.bridge !== undefined && d.isolated === true) out.push({ kind: 'link.set', name: d.ifname, bridgePort: { isolated: true } })
  return out
}

function macvtapOps(d: MacvtapDevice): LinkOp[] {
  const type = { kind: 'macvtap', mode: macvtapMode(d.mode) } as const
  // passthrough: the device takes the lower device's MAC at creation; setting its own gives the lower one the guest's
  const out: LinkOp[] =
    d.mode === 'passthrough'
      ? [{ kind: 'link.add', name: d.ifname, lower: d.dev, type }, { kind: 'link.set', name: d.ifname, mac: d.mac, state: 'up' }]
      : [{ kind: 'link.add', name: d.ifname, lower: d.dev, mac: d.mac, up: true, type }]
  if (d.guest !== undefined) out.push({ kind: 'link.set', name: d.ifname, netns: d.guest.netns, rename: d.guest.name })
  return out
}

/** Ops (in the target) that create the devices. */
export function plugOps(devices: readonly PortDevice[]): LinkOp[] {
  return devices.flatMap((d) => {
    switch (d.kind) {
      case 'tap':
        return tapOps(d)
      case 'macvtap':
        return macvtapOps(d)
      default:
        return assertNever(d, 'port device')
    }
  })
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
