/**
 * A network port (libvirt's virNetworkPortDef, `<networkport>`, since libvirt 5.5.0): one guest interface's
 * connection to a virtual network, as the network driver allocates it. The owner is the domain; `plug` says
 * how the guest is connected (absent until the port is plugged).
 *
 * The codec is codec/libvirt-xml/networkport.ts.
 * @module
 */
import type { Bandwidth } from './netdev/bandwidth.js'
import type { PciAddress } from './netdev/pci-address.js'
import type { VirtualPort } from './netdev/virtualport.js'
import type { Vlan } from './netdev/vlan.js'
import type { ForwardDriverName } from './network/forward.js'
import type { MacTableManager } from './network/network-def.js'
import type { MacAddr } from './values/mac.js'
import type { Uuid } from './values/uuid.js'

/** macvtap modes (libvirt's virNetDevMacVLanMode, in libvirt's enum order: vepa is the default). */
export const MACVLAN_MODES = ['vepa', 'private', 'bridge', 'passthrough'] as const
export type MacvlanMode = (typeof MACVLAN_MODES)[number]

export const PLUG_TYPES = ['network', 'bridge', 'direct', 'hostdev-pci'] as const
export type PlugType = (typeof PLUG_TYPES)[number]

/** A tap device on a bridge: the network's own bridge (`network`) or an existing host bridge (`bridge`). */
export interface BridgePlug {
  readonly type: 'network' | 'bridge'
  readonly bridge: string
  readonly macTableManager?: MacTableManager
}

/** A macvtap device on a host interface. */
export interface DirectPlug {
  readonly type: 'direct'
  readonly dev: string
  readonly mode: MacvlanMode
}

/** An SR-IOV virtual function assigned to the guest. */
export interface HostdevPciPlug {
  readonly type: 'hostdev-pci'
  readonly managed?: boolean
  readonly driver?: ForwardDriverName
  readonly address: PciAddress
}

export type NetworkPortPlug = BridgePlug | DirectPlug | HostdevPciPlug

export interface NetworkPortOwner {
  /** The domain's name. */
  readonly name: string
  readonly uuid: Uuid
}

export interface NetworkPortDef {
  readonly uuid: Uuid
  readonly owner: NetworkPortOwner
  /** The portgroup the port was allocated from. */
  readonly group?: string
  /** The guest's MAC (unicast). */
  readonly mac: MacAddr
  readonly virtualPort?: VirtualPort
  /** May carry an inbound `floor` (checked against the network at allocation, not at parse time). */
  readonly bandwidth?: Bandwidth
  /** tc class of the port's floor on the network bridge (status); only kept with a bandwidth. */
  readonly classId?: number
  readonly vlan?: Vlan
  readonly isolatedPort?: boolean
  readonly trustGuestRxFilters?: boolean
  readonly plug?: NetworkPortPlug
}

/** `network port '5d744f21-…'`, the object name used in messages. */
export function networkPortObject(uuid: string): string {
  return `network port '${uuid}'`
}
