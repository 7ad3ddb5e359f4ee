/**
 * What the target kernel can do, as far as planning cares. Unset fields mean "assume yes".
 * @module
 */
import type { IfaceType } from '../model/host/iface.js'

export interface KernelCaps {
  /** Interface types the kernel can create (e.g. no 'bond' without the bonding module). */
  creatableKinds?: ReadonlySet<IfaceType>
  /** Whether bridges support VLAN filtering (CONFIG_BRIDGE_VLAN_FILTERING). */
  bridgeVlanFiltering?: boolean
  /** Datapath type for new OVS bridges that do not give one ('system' with the openvswitch module, else 'netdev'). */
  ovsDatapath?: string
}
