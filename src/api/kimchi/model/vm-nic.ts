/**
 * A guest NIC as libvirt receives it and as Kimchi shows it (pure):
 * - `resolvedInterface`: a NIC on a hostnet network, from its allocated port: libvirt gets the connection the port
 *   resolved to (a tap on the network's or a host bridge, a macvtap on a pool device, or a VF) with the port's
 *   virtualport, VLAN, bandwidth and isolation, so the guest needs no libvirt network driver. (A floor is
 *   hostnet's accounting on its network, not something libvirt's bridge type accepts: it is left out.)
 * - `kimchiIface`: Kimchi's representation of a domain `<interface>` (type mapping direct → macvtap, bridge with
 *   an openvswitch virtualport → ovs), with `network` from hostnet's port when the NIC has one.
 * - `generateMac`: Kimchi's random 52:54:00 address, unique within the VM.
 * @module
 */
import { assertNever } from '../../../errors.js'
import type { Bandwidth } from '../../../model/netdev/bandwidth.js'
import type { DomainInterfaceCommon, DomainInterfaceData, DomainInterfaceDef } from '../../../model/domain-interface.js'
import type { NetworkPortDef } from '../../../model/networkport.js'

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

function withoutFloor(bw: Bandwidth | undefined): Bandwidth | undefined {
  if (bw?.inbound?.floor === undefined) return bw
  const { floor: _floor, ...inbound } = bw.inbound
  const out: Mutable<Bandwidth> = { ...bw }
  if (inbound.average === undefined) delete out.inbound
  else out.inbound = inbound
  return out.inbound === undefined && out.outbound === undefined ? undefined : out
}

export function resolvedInterface(port: NetworkPortDef, model: string | undefined): DomainInterfaceDef {
  const plug = port.plug
  if (plug === undefined) throw new Error(`network port ${port.uuid} was not allocated`)
  let data: DomainInterfaceData
  switch (plug.type) {
    case 'network':
    case 'bridge':
      data = { type: 'bridge', bridge: plug.bridge }
      break
    case 'direct':
      data = { type: 'direct', dev: plug.dev, mode: plug.mode }
      break
    case 'hostdev-pci':
      data = { type: 'hostdev', address: plug.address, ...(plug.managed === true ? { managed: true } : {}) }
      break
    default:
      return assertNever(plug, 'plug')
  }
  const common: Mutable<DomainInterfaceCommon> = { mac: port.mac }
  if (port.virtualPort !== undefined) common.virtualPort = port.virtualPort
  const bw = withoutFloor(port.bandwidth)
  if (bw !== undefined) common.bandwidth = bw
  if (port.vlan !== undefined) common.vlan = port.vlan
  if (port.isolatedPort === true) common.isolatedPort = true
  if (port.trustGuestRxFilters !== undefined) common.trustGuestRxFilters = port.trustGuestRxFilters
  if (model !== undefined) common.model = model
  return { ...common, ...data } as DomainInterfaceDef
}

export interface KimchiIface {
  type: string
  mac: string
  network?: string | null
  source?: string
  mode?: string | null
  bridge?: string
  model?: string
  ips?: string[]
}

/** Kimchi's lookup of one NIC; `hostnetNetwork`: the network of the NIC's hostnet port, if it has one. */
export function kimchiIface(i: DomainInterfaceDef, hostnetNetwork: string | undefined): Omit<KimchiIface, 'ips'> {
  const mac = String(i.mac)
  let out: Omit<KimchiIface, 'ips'>
  if (hostnetNetwork !== undefined) out = { type: 'network', mac, network: hostnetNetwork }
  else if (i.type === 'direct') out = { type: 'macvtap', mac, source: i.dev, mode: i.mode }
  else if (i.type === 'bridge' && i.virtualPort?.type === 'openvswitch') out = { type: 'ovs', mac, source: i.bridge }
  else if (i.type === 'bridge') out = { type: 'bridge', mac, network: null, bridge: i.bridge }
  else if (i.type === 'network') out = { type: 'network', mac, network: i.network }
  else out = { type: i.type, mac, network: null }
  if (i.model !== undefined) out.model = i.model
  return out
}

/** A random 52:54:00:XX:XX:XX (4th byte 00-7f) not in `taken` (lower-case colon form). */
export function generateMac(taken: ReadonlySet<string>, random: () => number = Math.random): string {
  for (let i = 0; i < 10_000; i++) {
    const b = [Math.floor(random() * 0x80), Math.floor(random() * 0x100), Math.floor(random() * 0x100)]
    const mac = `52:54:00:${b.map((x) => x.toString(16).padStart(2, '0')).join(':')}`
    if (!taken.has(mac)) return mac
  }
  throw new Error('no free MAC address found')
}
