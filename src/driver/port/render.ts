/**
 * `ip -batch` lines that plug and unplug port devices (pure). All devices of one call are made by one `ip`
 * process in the network's target; guest ends (a veth peer, a macvtap moved over) are brought up by one more
 * batch per guest namespace. Deletion of many devices puts them into one fresh link group and deletes the group:
 * the kernel then unregisters them together (one RCU grace period instead of one per device).
 * @module
 */
import { assertNever } from '../../errors.js'
import type { MacvtapDevice, PortDevice, TapDevice } from './plug-record.js'

/** The kernel's name of a macvtap mode. */
function macvtapMode(mode: MacvtapDevice['mode']): string {
  return mode === 'passthrough' ? 'passthru' : mode
}

function mtuPart(mtu: number | undefined): string {
  return mtu === undefined ? '' : ` mtu ${mtu}`
}

function tapLines(d: TapDevice): string[] {
  const master = d.bridge === undefined ? '' : ` master ${d.bridge}`
  const out: string[] = []
  if (d.guest === undefined) {
    out.push(`tuntap add dev ${d.ifname} mode tap vnet_hdr`)
    out.push(`link set dev ${d.ifname} address ${d.mac}${mtuPart(d.mtu)}${master} up`)
  } else {
    const peer = `peer name ${d.guest.name} netns ${d.guest.netns} address ${d.guestMac}${mtuPart(d.mtu)}`
    out.push(`link add ${d.ifname} address ${d.mac}${mtuPart(d.mtu)}${master} up type veth ${peer}`)
  }
  if (d.bridge !== undefined && d.isolated === true) out.push(`link set dev ${d.ifname} type bridge_slave isolated on`)
  return out
}

function macvtapLines(d: MacvtapDevice): string[] {
  const mode = macvtapMode(d.mode)
  // passthrough: the device takes the lower device's MAC at creation; setting its own gives the lower one the guest's
  const out =
    d.mode === 'passthrough'
      ? [`link add link ${d.dev} name ${d.ifname} type macvtap mode ${mode}`, `link set dev ${d.ifname} address ${d.mac} up`]
      : [`link add link ${d.dev} name ${d.ifname} address ${d.mac} up type macvtap mode ${mode}`]
  if (d.guest !== undefined) out.push(`link set dev ${d.ifname} netns ${d.guest.netns} name ${d.guest.name}`)
  return out
}

/** Lines (in the target) that create the devices. */
export function plugLines(devices: readonly PortDevice[]): string[] {
  return devices.flatMap((d) => {
    switch (d.kind) {
      case 'tap':
        return tapLines(d)
      case 'macvtap':
        return macvtapLines(d)
      default:
        return assertNever(d, 'port device')
    }
  })
}

/** Lines per guest namespace that bring the guest ends up (a device moved to another namespace is down there). */
export function guestUpLines(devices: readonly PortDevice[]): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const d of devices) {
    if (d.guest === undefined) continue
    const lines = out.get(d.guest.netns) ?? []
    lines.push(`link set dev ${d.guest.name} up`)
    out.set(d.guest.netns, lines)
  }
  return out
}

/** A link group for one bulk deletion: random in 2^30..2^31-1, far from the groups people number by hand. */
export function deletionGroup(random: () => number = Math.random): number {
  return 0x40000000 + Math.floor(random() * 0x3fffffff)
}

/** Lines deleting devices of one namespace: one `link delete` for one device, one group deletion for several. */
export function deleteLines(names: readonly string[], group: number): string[] {
  if (names.length === 0) return []
  if (names.length === 1) return [`link delete dev ${names[0]!}`]
  return [...names.map((n) => `link set dev ${n} group ${group}`), `link delete group ${group}`]
}

/** passthrough: give the lower devices their own MACs back (after their macvtap devices are gone). */
export function restoreLowerMacLines(devices: readonly PortDevice[]): string[] {
  return devices.flatMap((d) => (d.kind === 'macvtap' && d.lowerMac !== undefined ? [`link set dev ${d.dev} address ${d.lowerMac}`] : []))
}
