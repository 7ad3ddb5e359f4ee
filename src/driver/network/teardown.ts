/**
 * Taking a network down from its recorded runtime status: stop its dnsmasq, remove its firewall table, clear its
 * bandwidth from a bridge it borrowed, retire its bridge (down + renamed to a tombstone; deleted later in bulk). Every step is idempotent and they are
 * independent, so they run in parallel; a failure of one does not stop the others. Used by net-destroy, by a
 * failed start whose undo failed, and by crash recovery.
 * @module
 */
import { errorMessage, HostnetError } from '../../errors.js'
import type { Target } from '../../model/target.js'
import type { NetworkDef } from '../../model/network/network-def.js'
import type { NetworkRuntime } from './runtime-status.js'
import type { NetworkServices } from './services.js'

export interface TeardownResult {
  /** The tombstone the bridge was renamed to, if it existed. */
  tombstone?: string
}

export async function teardownNetwork(
  target: Target,
  def: NetworkDef,
  runtime: NetworkRuntime,
  services: NetworkServices,
): Promise<TeardownResult> {
  const out: TeardownResult = {}
  const bridge = runtime.bridge
  const steps: Array<{ label: string; run: () => Promise<unknown> }> = []
  if (runtime.dnsmasq === true && bridge !== undefined) {
    steps.push({ label: 'stop dnsmasq', run: () => services.dhcp.stop({ target, def, bridgeName: bridge }, runtime.dnsmasqPid) })
  }
  const targetGone = !services.links.targetExists(target)
  if (!targetGone && runtime.firewall === true && bridge !== undefined) {
    steps.push({ label: 'remove the firewall', run: () => services.firewall.remove(target, bridge) })
  }
  if (!targetGone && runtime.bandwidth === true && runtime.ownsBridge !== true && bridge !== undefined) {
    steps.push({ label: `clear the bandwidth from bridge '${bridge}'`, run: () => services.shaping.clearBridge(target, bridge) })
  }
  if (!targetGone && runtime.ownsBridge === true && bridge !== undefined) {
    steps.push({
      label: `remove bridge '${bridge}'`,
      run: async () => {
        const tomb = await services.links.retireBridge(target, bridge)
        if (tomb !== undefined) out.tombstone = tomb
      },
    })
  }
  const results = await Promise.allSettled(steps.map((s) => s.run()))
  const failures: string[] = []
  results.forEach((res, i) => {
    if (res.status === 'rejected') failures.push(`${steps[i]!.label}: ${errorMessage(res.reason)}`)
  })
  if (failures.length > 0) {
    throw new HostnetError('backend-failure', `cannot tear down network '${def.name}': ${failures.join('; ')}`, {
      details: { failures },
    })
  }
  return out
}
