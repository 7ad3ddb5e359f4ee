/**
 * `bond` (kernel kind `bond`, document section `link-aggregation`): a controller whose MTU is its ports', which
 * enslaves ports down and closes the ports it releases (the bonding driver does: bond_enslave, bond_release).
 *
 * ```yaml
 * link-aggregation:
 *   mode: active-backup
 *   options: {miimon: 100, primary: eth1}
 *   port: [eth1, eth2]
 * ```
 * @module
 */
import { defineType, UINT32_MAX } from './descriptor.js'

export const BOND_MODES = ['balance-rr', 'active-backup', 'balance-xor', 'broadcast', '802.3ad', 'balance-tlb', 'balance-alb'] as const
export type BondMode = (typeof BOND_MODES)[number]

export interface BondConfig {
  mode?: BondMode
  /** Kernel bonding option names (miimon, updelay, downdelay, arp_interval, arp_ip_target, primary, ...). */
  options?: Record<string, string | number>
  ports?: string[]
}

declare module '../iface.js' {
  interface IfaceTypeMap {
    bond: BondConfig
  }
  interface Iface {
    bond?: BondConfig
  }
}

/** Kernel bonding option names accepted in `link-aggregation.options` (drivers/net/bonding/bond_options.c). */
export const BOND_OPTION_NAMES: readonly string[] = [
  'ad_actor_sys_prio', 'ad_actor_system', 'ad_select', 'ad_user_port_key', 'all_slaves_active', 'arp_all_targets',
  'arp_interval', 'arp_ip_target', 'arp_missed_max', 'arp_validate', 'downdelay', 'fail_over_mac', 'lacp_active',
  'lacp_rate', 'lp_interval', 'miimon', 'min_links', 'ns_ip6_target', 'num_grat_arp', 'num_unsol_na',
  'packets_per_slave', 'peer_notif_delay', 'primary', 'primary_reselect', 'resend_igmp', 'tlb_dynamic_lb',
  'updelay', 'use_carrier', 'xmit_hash_policy',
]

function modeIsNoOption(key: string, field: string): string | undefined {
  return key === 'mode' ? `give the bond mode as ${field.replace(/\.options$/, '')}.mode, not as an option` : undefined
}

export const bond = defineType({
  type: 'bond',
  kernelKind: 'bond',
  creatable: true,
  section: {
    prop: 'bond',
    key: 'link-aggregation',
    fields: [
      { key: 'mode', yaml: 'mode', value: { kind: 'enum', values: BOND_MODES, numbered: true }, immutable: true, kernelDefault: 'balance-rr' },
      {
        key: 'options',
        yaml: 'options',
        value: { kind: 'kernel-options', what: 'bond option', names: BOND_OPTION_NAMES, max: UINT32_MAX, keyHint: modeIsNoOption },
      },
      { key: 'ports', yaml: 'port', alias: 'ports', value: { kind: 'ifnames' } },
    ],
  },
  controller: { kernel: true, portsField: 'ports', setsPortMtu: true, portsDown: true },
})
