/**
 * What plugging an allocated port means on this host, decided from the port and the network alone (pure):
 *
 * - plug `network`/`bridge` on a Linux bridge: a tap enslaved to it (the network's MTU, the port's isolation flag);
 *   on an Open vSwitch bridge (the port's virtualport is openvswitch): a tap added as an OVS port;
 * - plug `direct`: a macvtap device in the port's mode on the allocated pool interface;
 * - plug `hostdev-pci`: nothing on the host; the VF's address is recorded.
 * With a guest namespace (the stand-in for a VM, which would hold the tap open), a tap becomes a veth whose host
 * end plays the tap and whose peer is the guest's NIC, and a macvtap is moved into the guest namespace.
 * @module
 */
import { assertNever } from '../../errors.js'
import { formatPciAddress } from '../../model/netdev/pci-address.js'
import type { NetworkDef } from '../../model/network/network-def.js'
import type { NetworkPortDef, NetworkPortPlug } from '../../model/networkport.js'
import type { FloorPlug } from '../../model/port/index.js'
import { portDeviceName, tapMac } from './names.js'
import type { GuestEnd, PlugRecord, PortDevice, PortProfileRecord } from './plug-record.js'

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

export interface HostPlugInput {
  /** The allocated port (with its plug). */
  port: NetworkPortDef
  network: NetworkDef
  /** Make the host device (false: allocation only; the floor class is still set up, as libvirt does). */
  plug: boolean
  ifname?: string | undefined
  guest?: GuestEnd | undefined
  floor?: FloorPlug | undefined
  /** 802.1Qbg/Qbh: pre-associate only (libvirt's incoming migration), else associate. */
  profileOp?: PortProfileRecord['op'] | undefined
}

/** Whether a bridge plug goes to an Open vSwitch bridge: the port's (merged) virtualport says so. */
export function isOvsPlug(port: NetworkPortDef): boolean {
  return port.virtualPort?.type === 'openvswitch'
}

function bridgeDevice(i: HostPlugInput, plug: NetworkPortPlug & { type: 'network' | 'bridge' }, ifname: string): PortDevice {
  const ovs = isOvsPlug(i.port)
  const d: Mutable<PortDevice & { kind: 'tap' }> = { kind: 'tap', ifname, mac: tapMac(i.port.mac), guestMac: i.port.mac }
  if (!ovs) d.bridge = plug.bridge
  // libvirt gives taps of the L3 networks the network's MTU
  if (plug.type === 'network' && i.network.mtu !== undefined && i.network.mtu > 0) d.mtu = i.network.mtu
  if (!ovs && i.port.isolatedPort === true) d.isolated = true
  if (i.guest !== undefined) d.guest = i.guest
  return d
}

function deviceFor(i: HostPlugInput, plug: NetworkPortPlug, ifname: string): PortDevice | undefined {
  switch (plug.type) {
    case 'network':
    case 'bridge':
      return bridgeDevice(i, plug, ifname)
    case 'direct': {
      const d: Mutable<PortDevice & { kind: 'macvtap' }> = { kind: 'macvtap', ifname, dev: plug.dev, mode: plug.mode, mac: i.port.mac }
      if (i.guest !== undefined) d.guest = i.guest
      return d
    }
    case 'hostdev-pci':
      return undefined
    default:
      return assertNever(plug, 'plug')
  }
}

/**
 * The association a direct plug needs: its merged virtualport is 802.1Qbg or 802.1Qbh (libvirt associates
 * those for macvtap devices; openvswitch and typeless profiles need nothing here).
 */
function portProfileFor(i: HostPlugInput, plug: NetworkPortPlug): PortProfileRecord | undefined {
  const vp = i.port.virtualPort
  if (plug.type !== 'direct' || (vp?.type !== '802.1Qbg' && vp?.type !== '802.1Qbh')) return undefined
  const input = { type: vp.type, dev: plug.dev, mac: i.port.mac, virtualPort: vp, vmUuid: i.port.owner.uuid }
  return i.profileOp === undefined || i.profileOp === 'associate' ? { input } : { input, op: i.profileOp }
}

/** The plug record of a port (undefined: nothing at all on the host). */
export function hostPlugFor(i: HostPlugInput): PlugRecord | undefined {
  const plug = i.port.plug
  if (plug === undefined) return undefined
  const out: Mutable<PlugRecord> = {}
  if (plug.type === 'hostdev-pci') out.hostdev = formatPciAddress(plug.address)
  if (i.floor !== undefined && (plug.type === 'network' || plug.type === 'bridge')) {
    out.floor = { bridge: plug.bridge, classId: i.floor.classId }
  }
  if (i.plug) {
    const device = deviceFor(i, plug, i.ifname ?? portDeviceName(i.port.uuid))
    if (device !== undefined) {
      out.device = device
      if (device.kind === 'tap' && device.bridge === undefined && plug.type !== 'direct' && plug.type !== 'hostdev-pci') {
        out.ovsBridge = plug.bridge
      }
      if (i.port.bandwidth !== undefined && out.ovsBridge === undefined) out.shaped = true
      const profile = portProfileFor(i, plug)
      if (profile !== undefined) out.portProfile = profile
    }
  }
  return Object.keys(out).length === 0 ? undefined : out
}
