/**
 * The inputs and outputs of the pure port core: what a port asks for, what it ends up with, and how it is
 * plugged.
 * @module
 */
import type { Bandwidth } from '../netdev/bandwidth.js'
import type { PciAddress } from '../netdev/pci-address.js'
import type { VirtualPort } from '../netdev/virtualport.js'
import type { Vlan } from '../netdev/vlan.js'
import type { ForwardDriverName } from '../network/forward.js'
import type { MacTableManager } from '../network/network-def.js'
import type { MacvlanMode, NetworkPortDef } from '../networkport.js'
import type { MacAddr } from '../values/mac.js'

/** The settings a port requests and the effective settings it gets (the QoS part of a `<networkport>`). */
export interface PortSettings {
  readonly mac: MacAddr
  readonly virtualPort?: VirtualPort
  readonly bandwidth?: Bandwidth
  readonly vlan?: Vlan
  readonly trustGuestRxFilters?: boolean
  readonly isolatedPort?: boolean
}

/** A port to allocate: a `<networkport>` without plug and class id (what `net-port-create` receives). */
export type PortRequest = Omit<NetworkPortDef, 'plug' | 'classId'>

/** How a port will be plugged, decided by the forward mode (before a pool device is chosen). */
export type PlugPlan =
  | { readonly kind: 'network' | 'bridge'; readonly bridge?: string; readonly macTableManager?: MacTableManager }
  | { readonly kind: 'direct'; readonly mode: MacvlanMode; readonly exclusive: boolean }
  | { readonly kind: 'hostdev-pci'; readonly managed?: boolean; readonly driver?: ForwardDriverName }

/** A device of a network's pool and how many ports use it. */
export type PoolDevice =
  | { readonly kind: 'netdev'; readonly dev: string; readonly connections: number }
  | { readonly kind: 'pci'; readonly address: PciAddress; readonly connections: number }

/** A virtual function of an SR-IOV PF, as read from sysfs (sys/sysfs-pci.ts). */
export interface VirtualFunction {
  readonly address: PciAddress
  /** The VF's network device, when it is bound to a network driver. */
  readonly netdev?: string
}

/** A network's floor accounting (libvirt's `<networkstatus><class_id bitmap/><floor sum/>`). */
export interface FloorState {
  /** Sum of the granted floors, kB/s. */
  readonly floorSum: number
  /** tc class ids in use on the bridge; 0, 1 and 2 are always reserved. */
  readonly classIds: readonly number[]
}

export const INITIAL_FLOOR_STATE: FloorState = { floorSum: 0, classIds: [0, 1, 2] }
