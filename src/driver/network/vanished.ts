/**
 * Whether an active network is still there: its target namespace exists and, when the network made its own bridge,
 * the bridge is among the target's devices (libvirt's networkUpdateState). Shared by recovery (recover.ts) and by
 * the check before every command (driver/recovery-needed.ts), which probes the system without building the driver.
 * @module
 */
import type { Target } from '../../model/target.js'
import { netnsExists } from '../../sys/netns.js'
import { targetFromKey } from '../../txn/target-key.js'
import { readRuntime } from './runtime-status.js'

/** The two reads the check needs (the network driver's LinkService has both). */
export interface TargetProbe {
  targetExists(target: Target): boolean
  linkNames(target: Target): Promise<Set<string>>
}

/** The system's namespaces and devices; backend/iproute2 is imported on the first device listing. */
export function systemTargetProbe(): TargetProbe {
  return {
    targetExists: (target) => target.kind === 'host' || netnsExists(target.name),
    linkNames: async (target) => new (await import('../../backend/iproute2/index.js')).LinkLayer().names(target),
  }
}

/** Checks active networks, listing each target's devices once. */
export class VanishedCheck {
  private readonly devices = new Map<string, Set<string> | undefined>()

  constructor(private readonly probe: TargetProbe) {}

  /** True when the (active) network's namespace is gone, or the bridge it made is; a failed device listing counts as present. */
  async vanished(rec: { target: string; name: string; runtime: unknown }): Promise<boolean> {
    const target = targetFromKey(rec.target)
    if (!this.probe.targetExists(target)) return true
    const runtime = readRuntime(rec.runtime, rec.name)
    if (runtime.ownsBridge !== true || runtime.bridge === undefined) return false
    if (!this.devices.has(rec.target)) this.devices.set(rec.target, await this.probe.linkNames(target).catch(() => undefined))
    const names = this.devices.get(rec.target)
    return names !== undefined && !names.has(runtime.bridge)
  }
}
