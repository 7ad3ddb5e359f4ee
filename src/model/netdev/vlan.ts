/**
 * `<vlan>` settings (libvirt's virNetDevVlan): one or more 802.1Q tags (0..4095), trunk mode, and at most one
 * native tag with its mode. Used by networks, portgroups, network ports and domain interfaces.
 *
 * Usage: `selectVlan(fromInterface, fromPortgroup, fromNetwork)` is the precedence at port allocation;
 * `vlanAllowedForNetwork(...)` is the network driver's define-time rule (model/network/validate uses it).
 * @module
 */

export type NativeVlanMode = 'tagged' | 'untagged'

/** libvirt's tag range; host 802.1Q sub-interfaces use model/values/vlan-id (1..4094) instead. */
export const VLAN_TAG_MAX = 4095

export interface Vlan {
  /** Tag ids in document order (duplicates are kept, as libvirt does). At least one. */
  readonly tags: readonly number[]
  /** Trunk mode: implied by more than one tag, or `trunk='yes'` with a single one. */
  readonly trunk: boolean
  /** The native vlan: its mode and its tag id (one of `tags`). */
  readonly nativeMode?: NativeVlanMode
  readonly nativeTag?: number
}

export function vlanIsSet(v: Vlan | undefined): v is Vlan {
  return v !== undefined && v.tags.length > 0
}

/** Port allocation precedence: the interface's vlan (if it has a tag), else the portgroup's, else the network's. */
export function selectVlan(
  fromInterface: Vlan | undefined,
  fromPortgroup: Vlan | undefined,
  fromNetwork: Vlan | undefined,
): Vlan | undefined {
  if (vlanIsSet(fromInterface)) return fromInterface
  if (vlanIsSet(fromPortgroup)) return fromPortgroup
  if (vlanIsSet(fromNetwork)) return fromNetwork
  return undefined
}

export function vlanEquals(a: Vlan | undefined, b: Vlan | undefined): boolean {
  if (!vlanIsSet(a) || !vlanIsSet(b)) return vlanIsSet(a) === vlanIsSet(b)
  return (
    a.trunk === b.trunk &&
    a.nativeMode === b.nativeMode &&
    (a.nativeMode === undefined || a.nativeTag === b.nativeTag) &&
    a.tags.length === b.tags.length &&
    a.tags.every((t, i) => t === b.tags[i])
  )
}

/**
 * libvirt's `vlanAllowed` for a network: transparent vlan tagging works for hostdev (SR-IOV VF) and passthrough
 * pools and for bridge networks on an Open vSwitch bridge (the network has `<virtualport type='openvswitch'>`).
 */
export function vlanAllowedForNetwork(forwardMode: string, networkVirtualPortType: string | undefined): boolean {
  return (
    forwardMode === 'hostdev' ||
    forwardMode === 'passthrough' ||
    (forwardMode === 'bridge' && networkVirtualPortType === 'openvswitch')
  )
}
