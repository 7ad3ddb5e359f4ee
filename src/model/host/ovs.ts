/**
 * Open vSwitch in the host-interface model, in nmstate's shape:
 * - an `ovs-bridge` exists only in the OVS database (userspace): options, external_ids and its port list;
 * - a port is a plain port (its one interface has the port's name) or a bond (`link-aggregation`, whose members
 *   are the interfaces), with a VLAN configuration;
 * - an `ovs-interface` is an OVS internal port (a kernel device once ovs-vswitchd created it, carrying MTU, MAC,
 *   addresses like any interface) or a patch port (`patch.peer`, OVS only);
 * - any other interface listed as a port is a system port (its `controller` is the OVS bridge).
 * Userspace interfaces are keyed by (name, type): an ovs-bridge and its same-named internal ovs-interface (the
 * bridge's local port) coexist.
 * @module
 */

/** '' = not set: OVS's default, which behaves as standalone. */
export const OVS_FAIL_MODES = ['standalone', 'secure', ''] as const
export type OvsFailMode = (typeof OVS_FAIL_MODES)[number]

export interface OvsBridgeOptions {
  stp?: boolean
  rstp?: boolean
  mcastSnoopingEnable?: boolean
  failMode?: OvsFailMode
  /** OVS datapath type: 'system' (kernel module), 'netdev' (userspace), '' (not set: system). */
  datapath?: string
}

export type OvsTrunkTag = { id: number } | { idRange: { min: number; max: number } }

export const OVS_VLAN_MODES = ['access', 'trunk'] as const
export type OvsVlanMode = (typeof OVS_VLAN_MODES)[number]

/** nmstate's bridge-port `vlan` section. An empty object means "no VLAN configuration" (all VLANs, untagged). */
export interface OvsPortVlan {
  mode?: OvsVlanMode
  /** Access VLAN; with mode trunk, the native VLAN. */
  tag?: number
  trunkTags?: OvsTrunkTag[]
  /** Trunk with a native VLAN: untagged on the wire (true) or tagged (false). */
  enableNative?: boolean
}

export const OVS_BOND_MODES = ['active-backup', 'balance-slb', 'balance-tcp', 'lacp'] as const
export type OvsBondMode = (typeof OVS_BOND_MODES)[number]

/** OVS `external_ids` / `other_config` of a row (nmstate `ovs-db`). A given map replaces the current one. */
export interface OvsDbConfig {
  externalIds?: Record<string, string>
  otherConfig?: Record<string, string>
}

export interface OvsBondConfig {
  mode?: OvsBondMode
  /** Member interfaces. Replaces the current list when given. */
  ports?: string[]
  updelayMs?: number
  downdelayMs?: number
  /** The bond port's own `external_ids` / `other_config` (e.g. lacp-time, bond-detect-mode). */
  ovsDb?: OvsDbConfig
}

export interface OvsBridgePort {
  name: string
  vlan?: OvsPortVlan
  bond?: OvsBondConfig
}

export interface OvsBridgeConfig {
  options?: OvsBridgeOptions
  /** Replaces the current port list when given. */
  ports?: OvsBridgePort[]
}

export interface OvsInterfaceConfig {
  /** A patch port to `peer` (another patch ovs-interface). Without it, an internal port. */
  patch?: { peer: string }
}

/** Prefix of touched-set keys naming OVS bridges (kernel names never contain ':'). */
export const OVS_BRIDGE_KEY_PREFIX = 'ovs-bridge:'

export function ovsBridgeKey(name: string): string {
  return `${OVS_BRIDGE_KEY_PREFIX}${name}`
}

/** The bridge name of a touched key, or undefined for a plain interface name. */
export function bridgeOfKey(key: string): string | undefined {
  return key.startsWith(OVS_BRIDGE_KEY_PREFIX) ? key.slice(OVS_BRIDGE_KEY_PREFIX.length) : undefined
}

/** VLAN ids of trunk tags, expanded and sorted. */
export function expandTrunkTags(tags: readonly OvsTrunkTag[] | undefined): number[] {
  const out = new Set<number>()
  for (const t of tags ?? []) {
    if ('id' in t) out.add(t.id)
    else for (let v = t.idRange.min; v <= t.idRange.max; v++) out.add(v)
  }
  return [...out].sort((a, b) => a - b)
}

/** Sorted VLAN ids as trunk tags: runs of 3 or more become ranges. */
export function compressTrunkTags(ids: readonly number[]): OvsTrunkTag[] {
  const sorted = [...new Set(ids)].sort((a, b) => a - b)
  const out: OvsTrunkTag[] = []
  for (let i = 0; i < sorted.length; ) {
    let j = i
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++
    if (j - i >= 2) out.push({ idRange: { min: sorted[i]!, max: sorted[j]! } })
    else for (let k = i; k <= j; k++) out.push({ id: sorted[k]! })
    i = j + 1
  }
  return out
}
