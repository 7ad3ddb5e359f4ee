/**
 * Option arguments shared by link creation and the set-options operations: bridge, bridge port and bond.
 * Bridge timers are given in seconds and written in centiseconds, as `ip link ... type bridge` expects.
 * @module
 */
import { ValidationError } from '../../errors.js'
import type { BridgeOptions, BridgePortOptions } from '../../model/host/iface.js'
import { centisecondsToken, onOff, uintToken, valueToken, zeroOne } from './render-tokens.js'

export function bridgeOptionArgs(o: BridgeOptions, name: string): string[] {
  const out: string[] = []
  const what = (f: string): string => `${f} of bridge '${name}'`
  if (o.stp !== undefined) out.push('stp_state', zeroOne(o.stp))
  if (o.forwardDelaySec !== undefined) out.push('forward_delay', centisecondsToken(o.forwardDelaySec, what('forward delay')))
  if (o.helloTimeSec !== undefined) out.push('hello_time', centisecondsToken(o.helloTimeSec, what('hello time')))
  if (o.maxAgeSec !== undefined) out.push('max_age', centisecondsToken(o.maxAgeSec, what('max age')))
  if (o.priority !== undefined) out.push('priority', uintToken(o.priority, what('priority'), 0xffff))
  if (o.macAgeingTimeSec !== undefined) out.push('ageing_time', centisecondsToken(o.macAgeingTimeSec, what('MAC ageing time')))
  if (o.multicastSnooping !== undefined) out.push('mcast_snooping', zeroOne(o.multicastSnooping))
  if (o.vlanFiltering !== undefined) out.push('vlan_filtering', zeroOne(o.vlanFiltering))
  if (o.groupFwdMask !== undefined) out.push('group_fwd_mask', uintToken(o.groupFwdMask, what('group forward mask'), 0xffff))
  return out
}

export function bridgePortOptionArgs(o: BridgePortOptions, name: string): string[] {
  const out: string[] = []
  const what = (f: string): string => `${f} of bridge port '${name}'`
  if (o.hairpin !== undefined) out.push('hairpin', onOff(o.hairpin))
  if (o.isolated !== undefined) out.push('isolated', onOff(o.isolated))
  if (o.stpPathCost !== undefined) out.push('cost', uintToken(o.stpPathCost, what('STP path cost')))
  if (o.stpPriority !== undefined) out.push('priority', uintToken(o.stpPriority, what('STP priority'), 63))
  if (o.learning !== undefined) out.push('learning', onOff(o.learning))
  if (o.unicastFlood !== undefined) out.push('flood', onOff(o.unicastFlood))
  return out
}

/** Kernel bonding option names `ip link ... type bond` accepts under the same name. */
export const BOND_OPTION_NAMES: ReadonlySet<string> = new Set([
  'active_slave', 'ad_actor_sys_prio', 'ad_actor_system', 'ad_select', 'ad_user_port_key', 'all_slaves_active',
  'arp_all_targets', 'arp_interval', 'arp_ip_target', 'arp_missed_max', 'arp_validate', 'downdelay', 'fail_over_mac',
  'lacp_active', 'lacp_rate', 'lp_interval', 'miimon', 'min_links', 'mode', 'num_grat_arp', 'num_unsol_na',
  'packets_per_slave', 'peer_notif_delay', 'primary', 'primary_reselect', 'resend_igmp', 'tlb_dynamic_lb',
  'updelay', 'use_carrier', 'xmit_hash_policy',
])

/** Option names (sysfs's, nmstate's) that `ip link ... type bond` spells otherwise. */
const IP_BOND_KEYWORD: Readonly<Record<string, string>> = { peer_notif_delay: 'peer_notify_delay' }

/** `mode` first (the kernel validates other options against the mode), then the rest in a stable order. */
export function bondOptionArgs(options: Readonly<Record<string, string | number>>, name: string): string[] {
  const out: string[] = []
  const keys = Object.keys(options).sort((a, b) => (a === 'mode' ? -1 : b === 'mode' ? 1 : a < b ? -1 : a > b ? 1 : 0))
  for (const key of keys) {
    if (!BOND_OPTION_NAMES.has(key)) {
      throw new ValidationError(`unknown option '${key}' of bond '${name}'`, { value: key, object: `interface '${name}'` })
    }
    out.push(IP_BOND_KEYWORD[key] ?? key, valueToken(options[key]!, `value of option '${key}' of bond '${name}'`))
  }
  return out
}
