/**
 * Per-type sections other than the bridge: `link-aggregation` (bond), `vlan`, `veth`, `mac-vlan`/`mac-vtap`,
 * `vxlan`, `vrf`, `tap`.
 * @module
 */
import { BOND_MODES } from '../../model/host/iface.js'
import type { BondConfig, BondMode, MacvlanConfig, MacvlanMode, TapConfig, VethConfig, VlanConfig, VrfConfig, VxlanConfig } from '../../model/host/iface.js'
import { parseVlanId, VLAN_ID_MAX, VLAN_ID_MIN } from '../../model/values/vlan-id.js'
import { checkKeys, defined, fail, notSupported, opt, readBool, readEnum, readInt, readList, readObj, sub, wrap } from './fields.js'
import type { Ctx } from './fields.js'
import { familyOf, readIfName, readMulticastIp, readUnicastIp } from './values.js'

/** Kernel bonding option names accepted in `link-aggregation.options` (drivers/net/bonding/bond_options.c). */
export const BOND_OPTION_NAMES: readonly string[] = [
  'ad_actor_sys_prio', 'ad_actor_system', 'ad_select', 'ad_user_port_key', 'all_slaves_active', 'arp_all_targets',
  'arp_interval', 'arp_ip_target', 'arp_missed_max', 'arp_validate', 'downdelay', 'fail_over_mac', 'lacp_active',
  'lacp_rate', 'lp_interval', 'miimon', 'min_links', 'ns_ip6_target', 'num_grat_arp', 'num_unsol_na',
  'packets_per_slave', 'peer_notif_delay', 'primary', 'primary_reselect', 'resend_igmp', 'tlb_dynamic_lb',
  'updelay', 'use_carrier', 'xmit_hash_policy',
]

export const MACVLAN_MODES: readonly MacvlanMode[] = ['private', 'vepa', 'bridge', 'passthru', 'source']
export const VXLAN_ID_MAX = 16_777_215
/** Most head-end replication remotes of one VXLAN (one FDB entry each). */
export const VXLAN_REMOTES_MAX = 4096
export const UINT32_MAX = 4_294_967_295

function readBondMode(v: unknown, ctx: Ctx): BondMode {
  if (typeof v === 'number') {
    const m = Number.isInteger(v) ? BOND_MODES[v] : undefined
    if (m === undefined) fail(ctx, `invalid ${ctx.field} ${v}: expected 0..6 or one of ${BOND_MODES.join(', ')}`, v)
    return m
  }
  return readEnum(v, ctx, BOND_MODES)
}

function readBondOptions(v: unknown, ctx: Ctx): Record<string, string | number> {
  const o = readObj(v, ctx)
  const out: Record<string, string | number> = {}
  for (const [k, x] of Object.entries(o)) {
    const c = sub(ctx, k)
    if (k === 'mode') fail(c, `give the bond mode as ${ctx.field.replace(/\.options$/, '')}.mode, not as an option`, x)
    if (!BOND_OPTION_NAMES.includes(k)) fail(c, `unknown bond option '${k}'`, x)
    if (typeof x === 'number') out[k] = readInt(x, c, 0, UINT32_MAX)
    else if (typeof x === 'string' && x !== '' && !/[\s]/.test(x)) out[k] = x
    else fail(c, `bond option ${k} must be a non-negative integer or a word without spaces`, x)
  }
  return out
}

function readNameList(v: unknown, ctx: Ctx): string[] {
  return readList(v, ctx).map((x, i) => readIfName(x, sub(ctx, i)))
}

/** `port` with the nmstate alias `ports`. */
function readPortList(o: Record<string, unknown>, ctx: Ctx): string[] | undefined {
  if (o['port'] !== undefined && o['ports'] !== undefined) fail(sub(ctx, 'ports'), `give either ${ctx.field}.port or ${ctx.field}.ports, not both`)
  return opt(o, o['ports'] !== undefined ? 'ports' : 'port', ctx, readNameList)
}

export function readBond(v: unknown, ctx: Ctx): BondConfig {
  const o = readObj(v, ctx)
  checkKeys(o, ['mode', 'options', 'port', 'ports'], ctx)
  return defined<BondConfig>({
    mode: opt(o, 'mode', ctx, readBondMode),
    options: opt(o, 'options', ctx, readBondOptions),
    ports: readPortList(o, ctx),
  })
}

function readVlanId(v: unknown, ctx: Ctx): number {
  if (typeof v !== 'number') fail(ctx, `invalid ${ctx.field} ${JSON.stringify(v)}: must be an integer in ${VLAN_ID_MIN}..${VLAN_ID_MAX}`, v)
  return wrap(ctx, () => parseVlanId(v, ctx.field))
}

export function readVlan(v: unknown, ctx: Ctx): VlanConfig {
  const o = readObj(v, ctx)
  checkKeys(o, ['base-iface', 'id', 'protocol'], ctx)
  return defined<VlanConfig>({
    baseIface: opt(o, 'base-iface', ctx, readIfName),
    id: opt(o, 'id', ctx, readVlanId),
    protocol: opt(o, 'protocol', ctx, (x, c) => readEnum(x, c, ['802.1q', '802.1ad'] as const)),
  })
}

export function readVeth(v: unknown, ctx: Ctx): VethConfig {
  const o = readObj(v, ctx)
  checkKeys(o, ['peer'], ctx)
  return defined<VethConfig>({ peer: opt(o, 'peer', ctx, readIfName) })
}

export function readMacvlan(v: unknown, ctx: Ctx): MacvlanConfig {
  const o = readObj(v, ctx)
  checkKeys(o, ['base-iface', 'mode'], ctx, (k) =>
    k === 'promiscuous' || k === 'accept-all-mac' ? notSupported(`${ctx.field}.${k} is not supported`) : undefined,
  )
  return defined<MacvlanConfig>({
    baseIface: opt(o, 'base-iface', ctx, readIfName),
    mode: opt(o, 'mode', ctx, (x, c) => readEnum(x, c, MACVLAN_MODES)),
  })
}

export function readVxlan(v: unknown, ctx: Ctx): VxlanConfig {
  const o = readObj(v, ctx)
  checkKeys(o, ['id', 'local', 'remote', 'group', 'destination-port', 'base-iface', 'learning', 'remotes'], ctx)
  const cfg = defined<VxlanConfig>({
    id: opt(o, 'id', ctx, (x, c) => readInt(x, c, 0, VXLAN_ID_MAX)),
    local: opt(o, 'local', ctx, (x, c) => readUnicastIp(x, c)),
    remote: opt(o, 'remote', ctx, (x, c) => readUnicastIp(x, c)),
    group: opt(o, 'group', ctx, readMulticastIp),
    destinationPort: opt(o, 'destination-port', ctx, (x, c) => readInt(x, c, 1, 65535)),
    baseIface: opt(o, 'base-iface', ctx, readIfName),
    learning: opt(o, 'learning', ctx, readBool),
    remotes: opt(o, 'remotes', ctx, readRemotes),
  })
  if (cfg.remote !== undefined && cfg.group !== undefined) fail(sub(ctx, 'group'), `${ctx.field}.remote and ${ctx.field}.group are mutually exclusive`)
  const peer = cfg.remote ?? cfg.group
  if (cfg.local !== undefined && peer !== undefined && familyOf(cfg.local) !== familyOf(peer)) {
    fail(sub(ctx, 'local'), `${ctx.field}.local '${cfg.local}' and ${cfg.remote !== undefined ? 'remote' : 'group'} '${peer}' are of different address families`)
  }
  if (cfg.remotes !== undefined && (cfg.remote !== undefined || cfg.group !== undefined)) {
    fail(sub(ctx, 'remotes'), `${ctx.field}.remotes (head-end replication) and ${cfg.remote !== undefined ? 'remote' : 'group'} are mutually exclusive`)
  }
  const mixed = cfg.local === undefined ? undefined : cfg.remotes?.find((ip) => familyOf(ip) !== familyOf(cfg.local!))
  if (mixed !== undefined) fail(sub(ctx, 'remotes'), `${ctx.field}.remotes '${mixed}' and local '${cfg.local!}' are of different address families`)
  if (cfg.group !== undefined && cfg.baseIface === undefined) fail(sub(ctx, 'group'), `${ctx.field}.group needs ${ctx.field}.base-iface (the device to join the group on)`)
  return cfg
}

/** `remotes`: unicast addresses, at most VXLAN_REMOTES_MAX; sorted and without duplicates. */
function readRemotes(v: unknown, ctx: Ctx): string[] {
  const list = readList(v, ctx)
  if (list.length > VXLAN_REMOTES_MAX) fail(ctx, `${ctx.field} has ${list.length} entries (at most ${VXLAN_REMOTES_MAX})`)
  return [...new Set(list.map((x, i) => readUnicastIp(x, sub(ctx, i))))].sort()
}

export function readVrf(v: unknown, ctx: Ctx): VrfConfig {
  const o = readObj(v, ctx)
  checkKeys(o, ['route-table-id', 'port', 'ports'], ctx)
  return defined<VrfConfig>({
    tableId: opt(o, 'route-table-id', ctx, (x, c) => readInt(x, c, 1, UINT32_MAX)),
    ports: readPortList(o, ctx),
  })
}

export function readTap(v: unknown, ctx: Ctx): TapConfig {
  const o = readObj(v, ctx)
  checkKeys(o, ['mode', 'owner', 'group', 'multi-queue'], ctx)
  return defined<TapConfig>({
    mode: opt(o, 'mode', ctx, (x, c) => readEnum(x, c, ['tap', 'tun'] as const)),
    owner: opt(o, 'owner', ctx, (x, c) => readInt(x, c, 0, UINT32_MAX - 1)),
    group: opt(o, 'group', ctx, (x, c) => readInt(x, c, 0, UINT32_MAX - 1)),
    multiQueue: opt(o, 'multi-queue', ctx, readBool),
  })
}
