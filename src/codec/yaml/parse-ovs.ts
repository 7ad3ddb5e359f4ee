/**
 * Open vSwitch sections in nmstate's shape: `bridge:` of an ovs-bridge, `patch:` of an ovs-interface, and the
 * `ovs-db:` of a bridge, an interface or a bond.
 *
 * ```yaml
 * - name: ovs-br0
 *   type: ovs-bridge
 *   bridge:
 *     options: {stp: false, fail-mode: standalone, datapath: netdev}
 *     port:
 *       - name: ovs0
 *         vlan: {mode: access, tag: 2}
 *       - name: uplink
 *         vlan: {mode: trunk, trunk-tags: [{id: 1}, {id-range: {min: 10, max: 20}}]}
 *       - name: bond1
 *         link-aggregation: {mode: active-backup, port: [{name: eth1}, {name: eth2}], bond-updelay: 100}
 *   ovs-db: {external_ids: {owner: ops}}
 * - {name: patch0, type: ovs-interface, patch: {peer: patch1}}
 * ```
 * @module
 */
import { OVS_BOND_MODES, OVS_FAIL_MODES, OVS_VLAN_MODES } from '../../model/host/ovs.js'
import type { OvsBondConfig, OvsBridgeConfig, OvsBridgeOptions, OvsBridgePort, OvsDbConfig } from '../../model/host/ovs.js'
import type { OvsInterfaceConfig, OvsPortVlan, OvsTrunkTag } from '../../model/host/ovs.js'
import { checkKeys, defined, fail, notSupported, opt, readBool, readEnum, readInt, readList, readObj, readString, sub } from './fields.js'
import type { Ctx, Obj } from './fields.js'
import { readIfName } from './values.js'

/** VLAN ids OVS accepts in tag and trunks. */
export const OVS_VLAN_MAX = 4095
/** Bond up/down delay bound (ms): OVS takes an integer; a day is plenty. */
const DELAY_MAX_MS = 86_400_000

function readVlanId(v: unknown, ctx: Ctx): number {
  return readInt(v, ctx, 0, OVS_VLAN_MAX)
}

/** A string→string map; numbers and booleans are accepted and kept as their text (OVS stores strings). */
function readStringMap(v: unknown, ctx: Ctx): Record<string, string> {
  const o = readObj(v, ctx)
  const out: Record<string, string> = {}
  for (const [k, x] of Object.entries(o)) {
    if (typeof x === 'string') out[k] = x
    else if (typeof x === 'number' || typeof x === 'boolean') out[k] = String(x)
    else fail(sub(ctx, k), `${ctx.field}.${k} must be a string, not ${x === null ? 'null' : typeof x}`, x)
  }
  return out
}

export function readOvsDb(v: unknown, ctx: Ctx): OvsDbConfig {
  const o = readObj(v, ctx)
  checkKeys(o, ['external_ids', 'other_config'], ctx)
  return defined<OvsDbConfig>({
    externalIds: opt(o, 'external_ids', ctx, readStringMap),
    otherConfig: opt(o, 'other_config', ctx, readStringMap),
  })
}

function readStpFlag(v: unknown, ctx: Ctx): boolean {
  if (typeof v === 'boolean') return v
  const o = readObj(v, ctx)
  checkKeys(o, ['enabled'], ctx)
  if (o['enabled'] === undefined) fail(ctx, `${ctx.field} needs enabled`, v)
  return readBool(o['enabled'], sub(ctx, 'enabled'))
}

function readOptions(v: unknown, ctx: Ctx): OvsBridgeOptions {
  const o = readObj(v, ctx)
  checkKeys(o, ['stp', 'rstp', 'mcast-snooping-enable', 'fail-mode', 'datapath'], ctx)
  return defined<OvsBridgeOptions>({
    stp: opt(o, 'stp', ctx, readStpFlag),
    rstp: opt(o, 'rstp', ctx, readBool),
    mcastSnoopingEnable: opt(o, 'mcast-snooping-enable', ctx, readBool),
    failMode: opt(o, 'fail-mode', ctx, (x, c) => readEnum(x, c, OVS_FAIL_MODES)),
    datapath: opt(o, 'datapath', ctx, (x, c) => {
      const s = readString(x, c)
      if (!/^([a-z][a-z0-9_-]*)?$/.test(s)) fail(c, `invalid ${c.field} '${s}': expected a datapath type such as system or netdev`, x)
      return s
    }),
  })
}

function readTrunkTag(v: unknown, ctx: Ctx): OvsTrunkTag {
  const o = readObj(v, ctx)
  checkKeys(o, ['id', 'id-range'], ctx)
  if ((o['id'] === undefined) === (o['id-range'] === undefined)) fail(ctx, `${ctx.field} needs exactly one of id and id-range`, v)
  if (o['id'] !== undefined) return { id: readVlanId(o['id'], sub(ctx, 'id')) }
  const rc = sub(ctx, 'id-range')
  const r = readObj(o['id-range'], rc)
  checkKeys(r, ['min', 'max'], rc)
  if (r['min'] === undefined || r['max'] === undefined) fail(rc, `${rc.field} needs min and max`, o['id-range'])
  const min = readVlanId(r['min'], sub(rc, 'min'))
  const max = readVlanId(r['max'], sub(rc, 'max'))
  if (min > max) fail(rc, `invalid ${rc.field}: min ${min} is larger than max ${max}`, o['id-range'])
  return { idRange: { min, max } }
}

export function readPortVlan(v: unknown, ctx: Ctx): OvsPortVlan {
  const o = readObj(v, ctx)
  checkKeys(o, ['mode', 'tag', 'trunk-tags', 'enable-native'], ctx)
  const vlan = defined<OvsPortVlan>({
    mode: opt(o, 'mode', ctx, (x, c) => readEnum(x, c, OVS_VLAN_MODES)),
    tag: opt(o, 'tag', ctx, readVlanId),
    trunkTags: opt(o, 'trunk-tags', ctx, (x, c) => readList(x, c).map((t, i) => readTrunkTag(t, sub(c, i)))),
    enableNative: opt(o, 'enable-native', ctx, readBool),
  })
  checkVlan(vlan, o, ctx)
  return vlan
}

function checkVlan(vlan: OvsPortVlan, o: Obj, ctx: Ctx): void {
  const mode = vlan.mode
  if (mode === undefined && Object.keys(o).length > 0) fail(sub(ctx, 'mode'), `${ctx.field}.mode is required (access or trunk)`, o)
  if (mode === 'access') {
    if (vlan.tag === undefined) fail(sub(ctx, 'tag'), `${ctx.field}.tag is required in access mode`, o)
    if (vlan.trunkTags !== undefined) fail(sub(ctx, 'trunk-tags'), `${ctx.field}.trunk-tags does not apply to access mode`, o['trunk-tags'])
    if (vlan.enableNative !== undefined) fail(sub(ctx, 'enable-native'), `${ctx.field}.enable-native does not apply to access mode`, o['enable-native'])
  }
  if (mode === 'trunk' && vlan.enableNative === true && vlan.tag === undefined) {
    fail(sub(ctx, 'tag'), `${ctx.field}.tag (the native VLAN) is required with enable-native`, o)
  }
}

function readNamedList(v: unknown, ctx: Ctx): string[] {
  const names = readList(v, ctx).map((x, i) => {
    const c = sub(ctx, i)
    if (typeof x === 'string') return readIfName(x, c)
    const o = readObj(x, c)
    checkKeys(o, ['name'], c)
    if (o['name'] === undefined) fail(c, `${c.field} needs a name`, x)
    return readIfName(o['name'], sub(c, 'name'))
  })
  names.forEach((n, i) => {
    if (names.indexOf(n) !== i) fail(sub(ctx, i), `${ctx.field} lists '${n}' twice`, n)
  })
  return names
}

function readBondDelay(v: unknown, ctx: Ctx): number {
  return readInt(v, ctx, 0, DELAY_MAX_MS)
}

export function readOvsBond(v: unknown, ctx: Ctx): OvsBondConfig {
  const o = readObj(v, ctx)
  checkKeys(o, ['mode', 'port', 'ports', 'bond-updelay', 'bond-downdelay', 'ovs-db'], ctx)
  if (o['port'] !== undefined && o['ports'] !== undefined) fail(sub(ctx, 'ports'), `give either ${ctx.field}.port or ${ctx.field}.ports, not both`)
  return defined<OvsBondConfig>({
    mode: opt(o, 'mode', ctx, (x, c) => readEnum(x, c, OVS_BOND_MODES)),
    ports: opt(o, o['ports'] !== undefined ? 'ports' : 'port', ctx, readNamedList),
    updelayMs: opt(o, 'bond-updelay', ctx, readBondDelay),
    downdelayMs: opt(o, 'bond-downdelay', ctx, readBondDelay),
    ovsDb: opt(o, 'ovs-db', ctx, readOvsDb),
  })
}

function readOvsPort(v: unknown, ctx: Ctx): OvsBridgePort {
  const o = readObj(v, ctx)
  checkKeys(o, ['name', 'vlan', 'link-aggregation'], ctx)
  if (o['name'] === undefined) fail(ctx, `${ctx.field} needs a name`, v)
  const name = readIfName(o['name'], sub(ctx, 'name'))
  const rest = defined<Omit<OvsBridgePort, 'name'>>({ vlan: opt(o, 'vlan', ctx, readPortVlan), bond: opt(o, 'link-aggregation', ctx, readOvsBond) })
  return { name, ...rest }
}

export function readOvsBridge(v: unknown, ctx: Ctx): OvsBridgeConfig {
  const o = readObj(v, ctx)
  checkKeys(o, ['options', 'port', 'ports'], ctx, (k) => (k === 'allow-extra-patch-ports' ? notSupported(`${k} is not supported by hostnet`) : undefined))
  if (o['port'] !== undefined && o['ports'] !== undefined) fail(sub(ctx, 'ports'), `give either ${ctx.field}.port or ${ctx.field}.ports, not both`)
  const key = o['ports'] !== undefined ? 'ports' : 'port'
  const ports = opt(o, key, ctx, (x, c) => readList(x, c).map((p, i) => readOvsPort(p, sub(c, i))))
  ports?.forEach((p, i) => {
    if (ports.findIndex((q) => q.name === p.name) !== i) {
      fail(sub(sub(sub(ctx, key), i), 'name'), `${ctx.field}.${key} lists port '${p.name}' twice`, p.name)
    }
  })
  return defined<OvsBridgeConfig>({ options: opt(o, 'options', ctx, readOptions), ports })
}

export function readOvsPatch(v: unknown, ctx: Ctx): OvsInterfaceConfig {
  const o = readObj(v, ctx)
  checkKeys(o, ['peer'], ctx)
  if (o['peer'] === undefined) fail(ctx, `${ctx.field} needs a peer`, v)
  return { patch: { peer: readIfName(o['peer'], sub(ctx, 'peer')) } }
}
