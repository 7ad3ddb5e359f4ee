/**
 * bond: `ip link add NAME type bond mode M OPTIONS` with only the options that differ from the driver's
 * defaults (bond-defaults.ts); mode and options read back under sysfs's option names.
 * @module
 */
import type { BondConfig, BondMode } from '../../../model/host/iface.js'
import { BOND_MODES } from '../../../model/host/iface.js'
import { bondCreateOptions } from '../bond-defaults.js'
import { defined, str, type JsonObject } from '../json-read.js'
import { bondOptionArgs } from '../render-options.js'
import type { LinkKind } from './kind.js'

/** `ip -json` bond keys that differ from the kernel option names hostnet uses (sysfs / nmstate names). */
const BOND_KEY_TO_OPTION: Readonly<Record<string, string>> = {
  ad_lacp_rate: 'lacp_rate',
  ad_lacp_active: 'lacp_active',
  num_peer_notif: 'num_grat_arp',
  peer_notify_delay: 'peer_notif_delay',
}

/** Bond keys that are runtime facts, not options (the active port is chosen by the driver, documents cannot give it). */
const BOND_NON_OPTIONS: ReadonlySet<string> = new Set(['mode', 'ad_info', 'active_slave'])

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

export const bondKind: LinkKind = {
  type: 'bond',
  create: (i) => {
    const mode = i.bond?.mode === undefined ? {} : { mode: i.bond.mode }
    return { args: bondOptionArgs({ ...bondCreateOptions(i.bond?.options ?? {}), ...mode }, i.name) }
  },
  read: (d) => bondConfig(d),
  probe: 'link add name hnc-bond type bond',
}
