/**
 * What a started network holds on the system, as recorded in the store (`networks.runtime_json`). Every field is
 * written BEFORE the step that creates the thing it names, so after a crash recovery knows what may exist and
 * tears it down (each teardown step is idempotent).
 * @module
 */
import { HostnetError } from '../../errors.js'
import type { ProcessIdentity } from '../../sys/process.js'

export interface NetworkRuntime {
  /** The bridge device the network uses (created by the start for the L3 modes, borrowed for mode bridge). */
  bridge?: string
  /** The start creates (or created) the bridge: teardown deletes it. */
  ownsBridge?: boolean
  /** A firewall table may exist for the bridge. */
  firewall?: boolean
  /** A dnsmasq may run for the network (its pid once known). */
  dnsmasq?: boolean
  /** The supervised dnsmasq (pid + start time, so a recycled pid is not mistaken for it). */
  dnsmasqPid?: ProcessIdentity
  /**
   * The network's `<bandwidth>` (an htb tree, an ingress policer) is set on the bridge: teardown clears it from a
   * bridge the network does not own (a bridge it owns takes the qdiscs with it).
   */
  bandwidth?: boolean
  /** nft objects the firewall created (for reports and the benchmark). */
  nftObjects?: number
  /** How often the supervisor restarted dnsmasq. */
  dnsmasqRestarts?: number
  startedMs?: number
}

/** Read the runtime JSON of the store, tolerating a missing one. */
export function readRuntime(value: unknown, network: string): NetworkRuntime {
  if (value === undefined || value === null) return {}
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new HostnetError('bug', `network '${network}': runtime status in the store is not an object`)
  }
  return value as NetworkRuntime
}
