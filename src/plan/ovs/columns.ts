/**
 * nmstate's OVS vocabulary ↔ OVS columns, used both ways: the planner turns targets into columns, the backend's
 * query and the simulator turn columns back into the model. The mapping is a bijection on what hostnet writes:
 *
 * | model                                        | Port columns                                     |
 * |----------------------------------------------|--------------------------------------------------|
 * | no vlan (or `vlan: {}`)                      | tag [], trunks [], vlan_mode []                  |
 * | `{mode: access, tag: T}`                     | tag T, vlan_mode access                          |
 * | `{mode: trunk, trunk-tags}`                  | trunks, vlan_mode trunk                          |
 * | `{mode: trunk, tag: T, enable-native: true}` | tag T, trunks, vlan_mode native-untagged         |
 * | `{mode: trunk, tag: T}` (enable-native off)  | tag T, trunks, vlan_mode native-tagged           |
 * | bond active-backup / balance-slb             | bond_mode, lacp []                               |
 * | bond balance-tcp                             | bond_mode balance-tcp, lacp active               |
 * | bond lacp                                    | bond_mode [], lacp active                        |
 * @module
 */
import type { OvsBondConfig, OvsBondMode, OvsBridgeOptions, OvsDbConfig, OvsPortVlan } from '../../model/host/ovs.js'
import { compressTrunkTags, expandTrunkTags } from '../../model/host/ovs.js'
import type { OvsBridgeColumns, OvsPortColumns } from './ops.js'

export function vlanColumns(v: OvsPortVlan | undefined): Pick<OvsPortColumns, 'tag' | 'trunks' | 'vlanMode'> {
  if (v === undefined || v.mode === undefined) return { tag: null, trunks: [], vlanMode: null }
  if (v.mode === 'access') return { tag: v.tag ?? null, trunks: [], vlanMode: 'access' }
  const trunks = expandTrunkTags(v.trunkTags)
  if (v.tag === undefined) return { tag: null, trunks, vlanMode: 'trunk' }
  return { tag: v.tag, trunks, vlanMode: v.enableNative === true ? 'native-untagged' : 'native-tagged' }
}

/** The model of a port's VLAN columns (undefined: no VLAN configuration). */
export interface VlanColumns {
  tag?: number | null | undefined
  trunks?: readonly number[] | undefined
  vlanMode?: string | null | undefined
}

export function vlanFromColumns(c: VlanColumns): OvsPortVlan | undefined {
  const tag = c.tag ?? undefined
  const trunks = c.trunks ?? []
  const trunkTags = trunks.length > 0 ? { trunkTags: compressTrunkTags(trunks) } : {}
  switch (c.vlanMode ?? undefined) {
    case 'access': return tag === undefined ? undefined : { mode: 'access', tag }
    case 'trunk': return { mode: 'trunk', ...trunkTags }
    case 'native-untagged': return { mode: 'trunk', ...(tag === undefined ? {} : { tag, enableNative: true }), ...trunkTags }
    case 'native-tagged': return { mode: 'trunk', ...(tag === undefined ? {} : { tag }), ...trunkTags }
    case undefined:
      // OVS defaults: a tag makes an access port, trunks alone a trunk port, neither: all VLANs
      if (tag !== undefined) return { mode: 'access', tag }
      return trunks.length > 0 ? { mode: 'trunk', ...trunkTags } : undefined
    default: return undefined // dot1q-tunnel: not in nmstate's vocabulary
  }
}

export function bondModeColumns(mode: OvsBondMode | undefined): Pick<OvsPortColumns, 'bondMode' | 'lacp'> {
  switch (mode) {
    case 'active-backup': return { bondMode: 'active-backup', lacp: null }
    case 'balance-slb': return { bondMode: 'balance-slb', lacp: null }
    case 'balance-tcp': return { bondMode: 'balance-tcp', lacp: 'active' }
    case 'lacp': return { bondMode: null, lacp: 'active' }
    case undefined: return { bondMode: null, lacp: null }
  }
}

export function bondModeFromColumns(bondMode: string | null | undefined, lacp: string | null | undefined): OvsBondMode {
  const negotiates = lacp === 'active' || lacp === 'passive'
  if (bondMode === 'balance-tcp') return 'balance-tcp'
  if (negotiates) return 'lacp'
  return bondMode === 'balance-slb' ? 'balance-slb' : 'active-backup'
}

/** Every column of a port (a plain port when `bond` is undefined). `ovsDb` maps only when given. */
export function portColumns(vlan: OvsPortVlan | undefined, bond: OvsBondConfig | undefined): OvsPortColumns {
  const cols: OvsPortColumns = {
    ...vlanColumns(vlan),
    ...bondModeColumns(bond === undefined ? undefined : (bond.mode ?? 'active-backup')),
    bondUpdelay: bond?.updelayMs ?? 0,
    bondDowndelay: bond?.downdelayMs ?? 0,
  }
  if (bond?.ovsDb?.externalIds !== undefined) cols.externalIds = { ...bond.ovsDb.externalIds }
  if (bond?.ovsDb?.otherConfig !== undefined) cols.otherConfig = { ...bond.ovsDb.otherConfig }
  return cols
}

export function bridgeColumns(o: OvsBridgeOptions, ovsDb: OvsDbConfig | undefined): OvsBridgeColumns {
  const cols: OvsBridgeColumns = {}
  if (o.datapath !== undefined) cols.datapathType = o.datapath
  if (o.stp !== undefined) cols.stpEnable = o.stp
  if (o.rstp !== undefined) cols.rstpEnable = o.rstp
  if (o.mcastSnoopingEnable !== undefined) cols.mcastSnoopingEnable = o.mcastSnoopingEnable
  if (o.failMode !== undefined) cols.failMode = o.failMode === '' ? null : o.failMode
  if (ovsDb?.externalIds !== undefined) cols.externalIds = { ...ovsDb.externalIds }
  if (ovsDb?.otherConfig !== undefined) cols.otherConfig = { ...ovsDb.otherConfig }
  return cols
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false
    return a.every((x, i) => sameValue(x, b[i]))
  }
  const ka = Object.keys(a).sort()
  const kb = Object.keys(b).sort()
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
}

/** The columns of `want` that differ from `have` (a missing value in `have` counts as different). */
export function changedColumns<T extends object>(want: T, have: T): Partial<T> {
  const out: Partial<T> = {}
  for (const k of Object.keys(want) as Array<keyof T>) {
    const w = want[k]
    if (w !== undefined && !sameValue(w, have[k])) out[k] = w
  }
  return out
}

export function isEmptyObject(o: object): boolean {
  return Object.keys(o).length === 0
}
