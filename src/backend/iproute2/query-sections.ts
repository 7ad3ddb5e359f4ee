/**
 * Per-kind sections of a link read from `linkinfo.info_data` / `info_slave_data` of `ip -json -details`.
 * Kernel time values arrive in centiseconds (USER_HZ clock ticks) and become seconds here.
 * @module
 */
import type {
  BondConfig,
  BondMode,
  BridgeOptions,
  BridgePortOptions,
  MacvlanConfig,
  MacvlanMode,
  TapConfig,
  VlanConfig,
  VrfConfig,
  VxlanConfig,
} from '../../model/host/iface.js'
import { BOND_MODES } from '../../model/host/iface.js'
import { formatIp, tryParseIpv4, tryParseIpv6 } from '../../model/values/ip.js'
import { asArray, bool, defined, num, str, type JsonObject } from './json-read.js'

/** Resolves the user and group names iproute2 prints for tun/tap owners (it prints names when it can). */
export interface IdResolver {
  userId(name: string): number | undefined
  groupId(name: string): number | undefined
}

export const CENTISECONDS_PER_SECOND = 100

function centiToSec(v: number | undefined): number | undefined {
  return v === undefined ? undefined : v / CENTISECONDS_PER_SECOND
}

/** Canonical text of an address iproute2 printed, or undefined when it is not an IP address. */
export function canonicalIp(s: string | undefined): string | undefined {
  if (s === undefined) return undefined
  const v4 = tryParseIpv4(s)
  if (v4 !== undefined) return formatIp({ family: 'ipv4', value: v4 })
  const v6 = tryParseIpv6(s)
  return v6 === undefined ? undefined : formatIp({ family: 'ipv6', value: v6 })
}

export function bridgeOptions(d: JsonObject | undefined): BridgeOptions {
  const stp = num(d, 'stp_state')
  return defined<BridgeOptions>({
    stp: stp === undefined ? undefined : stp !== 0,
    forwardDelaySec: centiToSec(num(d, 'forward_delay')),
    helloTimeSec: centiToSec(num(d, 'hello_time')),
    maxAgeSec: centiToSec(num(d, 'max_age')),
    priority: num(d, 'priority'),
    macAgeingTimeSec: centiToSec(num(d, 'ageing_time')),
    multicastSnooping: bool(d, 'mcast_snooping'),
    vlanFiltering: bool(d, 'vlan_filtering'),
    groupFwdMask: num(d, 'group_fwd_mask'),
  })
}

export function bridgePortOptions(d: JsonObject | undefined): BridgePortOptions {
  return defined<BridgePortOptions>({
    hairpin: bool(d, 'hairpin'),
    isolated: bool(d, 'isolated'),
    stpPathCost: num(d, 'cost'),
    stpPriority: num(d, 'priority'),
    learning: bool(d, 'learning'),
    unicastFlood: bool(d, 'flood'),
  })
}

/** `ip -json` bond keys that differ from the kernel option names hostnet uses (sysfs / nmstate names). */
const BOND_KEY_TO_OPTION: Readonly<Record<string, string>> = {
  ad_lacp_rate: 'lacp_rate',
  ad_lacp_active: 'lacp_active',
  num_peer_notif: 'num_grat_arp',
}

/** Bond keys that are runtime facts, not options. */
const BOND_NON_OPTIONS: ReadonlySet<string> = new Set(['mode', 'ad_info'])

function bondMode(d: JsonObject | undefined): BondMode | undefined {
  const m = str(d, 'mode')
  return (BOND_MODES as readonly string[]).includes(m ?? '') ? (m as BondMode) : undefined
}

export function bondConfig(d: JsonObject | undefined): BondConfig {
  const options: Record<string, string | number> = {}
  for (const [key, v] of Object.entries(d ?? {})) {
    if (BOND_NON_OPTIONS.has(key)) continue
    const name = BOND_KEY_TO_OPTION[key] ?? key
    if (typeof v === 'number' || typeof v === 'string') options[name] = v
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) options[name] = v.join(',')
  }
  return defined<BondConfig>({ mode: bondMode(d), options })
}

export function vlanConfig(d: JsonObject | undefined, base: string | undefined): VlanConfig {
  const p = str(d, 'protocol')?.toLowerCase()
  return defined<VlanConfig>({
    baseIface: base,
    id: num(d, 'id'),
    protocol: p === '802.1q' || p === '802.1ad' ? p : undefined,
  })
}

const MACVLAN_MODES: readonly MacvlanMode[] = ['private', 'vepa', 'bridge', 'passthru', 'source']

export function macvlanConfig(d: JsonObject | undefined, base: string | undefined): MacvlanConfig {
  const m = str(d, 'mode')
  return defined<MacvlanConfig>({ baseIface: base, mode: MACVLAN_MODES.find((x) => x === m) })
}

export function vxlanConfig(d: JsonObject | undefined): VxlanConfig {
  return defined<VxlanConfig>({
    id: num(d, 'id'),
    local: canonicalIp(str(d, 'local') ?? str(d, 'local6')),
    remote: canonicalIp(str(d, 'remote') ?? str(d, 'remote6')),
    group: canonicalIp(str(d, 'group') ?? str(d, 'group6')),
    destinationPort: num(d, 'port'),
    baseIface: str(d, 'link'),
    learning: bool(d, 'learning'),
  })
}

export function vrfConfig(d: JsonObject | undefined): VrfConfig {
  return defined<VrfConfig>({ tableId: num(d, 'table') })
}

function ownerId(d: JsonObject | undefined, key: string, lookup: (name: string) => number | undefined): number | undefined {
  return num(d, key) ?? (str(d, key) === undefined ? undefined : lookup(str(d, key)!))
}

export function tapConfig(d: JsonObject | undefined, ids: IdResolver): TapConfig {
  const t = str(d, 'type')
  return defined<TapConfig>({
    mode: t === 'tap' || t === 'tun' ? t : undefined,
    owner: ownerId(d, 'user', (n) => ids.userId(n)),
    group: ownerId(d, 'group', (n) => ids.groupId(n)),
    multiQueue: bool(d, 'multi_queue'),
  })
}

/** Names in a JSON array of strings (ignoring anything else). */
export function stringList(v: unknown): string[] {
  return asArray(v).filter((x): x is string => typeof x === 'string')
}
