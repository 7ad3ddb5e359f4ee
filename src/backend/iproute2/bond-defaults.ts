/**
 * The bonding driver's defaults for a new bond (drivers/net/bonding: bond_check_params, bond_options.c), as a
 * query reports them. A bond is created with only the options that differ from these: a queried option set
 * (a rollback recreating a deleted bond, a recreate for a mode change) holds every option, and the kernel refuses
 * some of them even at their default value: `updelay 0` while miimon is 0 (EPERM), `lacp_rate slow` outside
 * 802.3ad, `packets_per_slave 1` outside balance-rr, `tlb_dynamic_lb 1` outside balance-tlb/alb ("option not
 * supported in mode"). `active_slave` is left out too: a new bond has no ports yet, so any value is invalid.
 * @module
 */

/** Runtime state a query reports among the options, which a new bond cannot take. */
export const BOND_RUNTIME_OPTIONS: ReadonlySet<string> = new Set(['active_slave'])

export const BOND_KERNEL_DEFAULTS: Readonly<Record<string, string | number>> = {
  miimon: 0,
  updelay: 0,
  downdelay: 0,
  peer_notif_delay: 0,
  use_carrier: 1,
  arp_interval: 0,
  arp_missed_max: 2,
  arp_validate: 'none',
  arp_all_targets: 'any',
  arp_ip_target: '',
  ns_ip6_target: '',
  primary: '',
  primary_reselect: 'always',
  fail_over_mac: 'none',
  xmit_hash_policy: 'layer2',
  resend_igmp: 1,
  num_grat_arp: 1,
  num_unsol_na: 1,
  all_slaves_active: 0,
  min_links: 0,
  lp_interval: 1,
  packets_per_slave: 1,
  lacp_active: 'on',
  lacp_rate: 'slow',
  ad_select: 'stable',
  ad_actor_sys_prio: 65535,
  ad_user_port_key: 0,
  ad_actor_system: '00:00:00:00:00:00',
  tlb_dynamic_lb: 1,
}

/** `options` for a new bond: without runtime state and those at the kernel's default (compared as text). */
export function bondCreateOptions(options: Readonly<Record<string, string | number>>): Record<string, string | number> {
  const out: Record<string, string | number> = {}
  for (const [k, v] of Object.entries(options)) {
    if (BOND_RUNTIME_OPTIONS.has(k)) continue
    const d = BOND_KERNEL_DEFAULTS[k]
    if (d === undefined || String(d) !== String(v)) out[k] = v
  }
  return out
}
