/**
 * What a port has on the host, as recorded in the store (`network_ports.plug_json`) BEFORE the kernel is touched:
 * after a crash, recovery reads it to remove whatever may exist. Every part is optional and undone on its own.
 *
 * - `device`: the host device: a tap on a Linux or Open vSwitch bridge (a veth whose host end plays the tap when
 *   the guest is a namespace), or a macvtap device on a pool interface;
 * - `ovs`: the device is a port of this Open vSwitch bridge (added in one OVSDB transaction with its VLAN,
 *   external_ids and QoS);
 * - `floor`: the port's floor class on the network bridge (tc);
 * - `hostdev`: an SR-IOV VF handed to the guest: nothing is plugged on the host, the address is only recorded;
 * - `portProfile`: an 802.1Qbg (VDP, through lldpad) or 802.1Qbh association of the port's device, with
 *   everything a later process needs to disassociate it, and its outcome once associated.
 * @module
 */
import { HostnetError } from '../../errors.js'
import type { PortProfileInput } from '../../backend/vportprofile/index.js'
import type { MacvlanMode } from '../../model/networkport.js'

/** A guest namespace playing the VM: the device (or the veth peer) goes there under `name`. */
export interface GuestEnd {
  readonly netns: string
  readonly name: string
}

/** A tap on a bridge; with `guest`, a veth whose host end (`ifname`) is the "tap" and whose peer is the guest NIC. */
export interface TapDevice {
  readonly kind: 'tap'
  readonly ifname: string
  /** The Linux bridge it is enslaved to (absent for an Open vSwitch port). */
  readonly bridge?: string
  /** The host end's MAC: the guest's with the first byte 0xfe, as libvirt does (the bridge must not take it). */
  readonly mac: string
  readonly guestMac: string
  readonly mtu?: number
  /** `<port isolated='yes'/>`: the bridge port's isolated flag. */
  readonly isolated?: boolean
  /** macTableManager='libvirt': learning and unicast flooding off, the guest MAC as a static fdb entry. */
  readonly managedFdb?: boolean
  readonly guest?: GuestEnd
}

/** A macvtap device on a pool interface; with `guest`, moved into the guest namespace (renamed `guest.name`). */
export interface MacvtapDevice {
  readonly kind: 'macvtap'
  readonly ifname: string
  /** The pool interface (lower device). */
  readonly dev: string
  readonly mode: MacvlanMode
  readonly mac: string
  readonly guest?: GuestEnd
  /** passthrough: the lower device's MAC before the guest's replaced it (restored at unplug). */
  readonly lowerMac?: string
}

export type PortDevice = TapDevice | MacvtapDevice

/** An 802.1Qbg/802.1Qbh association: what it is about, and (once made) where and how it stands. */
export interface PortProfileRecord {
  readonly input: PortProfileInput
  /** libvirt's migration flow: a pre-association (the hypervisor associates later); default associate. */
  readonly op?: 'preassociate' | 'preassociate-rr' | 'associate'
  /** The device the request went to (802.1Qbg: the root under VLANs and macvtaps) and the VLAN announced. */
  readonly root?: string
  readonly vlan?: number
  /** The answer of lldpad/the driver when it was made: `success (0)`. */
  readonly status?: string
}

export interface PlugRecord {
  readonly device?: PortDevice
  /** The device is a port of this Open vSwitch bridge. */
  readonly ovsBridge?: string
  /** tc bandwidth was applied to the device. */
  readonly shaped?: boolean
  /** The floor class on the network bridge. */
  readonly floor?: { readonly bridge: string; readonly classId: number }
  /** hostdev: the VF's PCI address (`DDDD:BB:SS.F`), nothing plugged on the host. */
  readonly hostdev?: string
  /** The port profile association of the device (direct plugs with an 802.1Qbg/802.1Qbh virtualport). */
  readonly portProfile?: PortProfileRecord
}

/** Whether the record names anything to undo on the host. */
export function recordHasHostState(r: PlugRecord | undefined): boolean {
  return r !== undefined && (r.device !== undefined || r.floor !== undefined || r.portProfile !== undefined)
}

/** Where the device is: the namespace that holds it (undefined: the target) and its name there. */
export function deviceLocation(d: PortDevice): { netns?: string; name: string } {
  if (d.kind === 'macvtap' && d.guest !== undefined) return { netns: d.guest.netns, name: d.guest.name }
  return { name: d.ifname }
}

/** Read a plug record from the store (none is fine; anything but an object is a bug). */
export function readPlugRecord(v: unknown, port: string): PlugRecord | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'object' || Array.isArray(v)) {
    throw new HostnetError('bug', `network port '${port}': the plug record in the store is not an object`)
  }
  return v as PlugRecord
}
