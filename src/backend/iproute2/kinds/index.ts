/**
 * The interface types iproute2 makes and reads, one file each. Order is the caps probe's (caps.ts): the veth and
 * the bridge first, later probe lines use them as base.
 * @module
 */
import type { IfaceType } from '../../../model/host/iface.js'
import { bondKind } from './bond.js'
import { dummyKind } from './dummy.js'
import { ipvlanKind } from './ipvlan.js'
import type { LinkKind } from './kind.js'
import { linuxBridgeKind } from './linux-bridge.js'
import { macVlanKind, macVtapKind } from './mac-vlan.js'
import { tapKind } from './tap.js'
import { vethKind } from './veth.js'
import { vlanKind } from './vlan.js'
import { vrfKind } from './vrf.js'
import { vxlanKind } from './vxlan.js'

export const LINK_KINDS: readonly LinkKind[] = [vethKind, linuxBridgeKind, bondKind, vlanKind, dummyKind, vrfKind, macVlanKind, macVtapKind, ipvlanKind, vxlanKind, tapKind]

const BY_TYPE: ReadonlyMap<IfaceType, LinkKind> = new Map(LINK_KINDS.map((k) => [k.type, k] as const))

/** What iproute2 does for `type`, if it handles it. */
export function linkKind(type: IfaceType): LinkKind | undefined {
  return BY_TYPE.get(type)
}
