/**
 * linux-bridge: `ip link add NAME type bridge OPTIONS`; options and port options from `info_data` /
 * `info_slave_data`, kernel time values in centiseconds.
 * @module
 */
import type { BridgeOptions, BridgePortOptions } from '../../../model/host/iface.js'
import { bool, defined, num, type JsonObject } from '../json-read.js'
import { CENTISECONDS_PER_SECOND } from '../query-sections.js'
import { bridgeOptionArgs } from '../render-options.js'
import type { LinkKind } from './kind.js'

function centiToSec(v: number | undefined): number | undefined {
  return v === undefined ? undefined : v / CENTISECONDS_PER_SECOND
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

/**
 * VLAN filtering off is the kernel's default for a new bridge; saying so explicitly fails on kernels built
 * without bridge VLAN filtering (EOPNOTSUPP), e.g. when a rollback recreates a bridge from a snapshot.
 */
function createBridgeOptions(o: BridgeOptions): BridgeOptions {
  if (o.vlanFiltering !== false) return o
  const { vlanFiltering: _omitted, ...rest } = o
  return rest
}

export const linuxBridgeKind: LinkKind = {
  type: 'linux-bridge',
  create: (i) => ({ args: bridgeOptionArgs(createBridgeOptions(i.bridge?.options ?? {}), i.name) }),
  read: (d) => ({ options: bridgeOptions(d) }),
  readPort: bridgePortOptions,
  probe: 'link add name hnc-br type bridge',
}
