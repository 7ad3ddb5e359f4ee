/**
 * Open vSwitch sections → plain objects with the YAML keys parse-ovs.ts reads.
 * @module
 */
import type { OvsBondConfig, OvsBridgeConfig, OvsBridgeOptions, OvsDbConfig, OvsInterfaceConfig, OvsPortVlan } from '../../model/host/ovs.js'
import type { Obj } from './fields.js'

function clean(o: Record<string, unknown>): Obj {
  const out: Obj = {}
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v
  return out
}

export function ovsDbToPlain(d: OvsDbConfig): Obj {
  return clean({ external_ids: d.externalIds, other_config: d.otherConfig })
}

function options(o: OvsBridgeOptions): Obj {
  // nmstate's form: stp: {enabled: ...} (a plain boolean is read too)
  return clean({ stp: o.stp === undefined ? undefined : { enabled: o.stp }, rstp: o.rstp, 'mcast-snooping-enable': o.mcastSnoopingEnable, 'fail-mode': o.failMode, datapath: o.datapath })
}

function vlan(v: OvsPortVlan): Obj {
  const tags = v.trunkTags?.map((t) => ('id' in t ? { id: t.id } : { 'id-range': { min: t.idRange.min, max: t.idRange.max } }))
  return clean({ mode: v.mode, tag: v.tag, 'trunk-tags': tags, 'enable-native': v.enableNative })
}

function bond(b: OvsBondConfig): Obj {
  return clean({
    mode: b.mode,
    port: b.ports?.map((name) => ({ name })),
    'bond-updelay': b.updelayMs,
    'bond-downdelay': b.downdelayMs,
    'ovs-db': b.ovsDb && ovsDbToPlain(b.ovsDb),
  })
}

export function ovsBridgeToPlain(b: OvsBridgeConfig): Obj {
  return clean({
    options: b.options && options(b.options),
    port: b.ports?.map((p) => clean({ name: p.name, vlan: p.vlan && vlan(p.vlan), 'link-aggregation': p.bond && bond(p.bond) })),
  })
}

export function ovsInterfaceToPlain(i: OvsInterfaceConfig): Obj | undefined {
  return i.patch === undefined ? undefined : { peer: i.patch.peer }
}
