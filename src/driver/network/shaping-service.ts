/**
 * A network's own `<bandwidth>` on its bridge, as libvirt's bridge driver sets it at start
 * (networkStartNetworkVirtual / networkStartNetworkBridge: virNetDevBandwidthSet with the hierarchical class,
 * directions swapped): the htb tree (root 1:, class 1:1 at the network's rate, default class 1:2 with its sfq)
 * and the ingress policer. backend/tc renders it; this runs it inside the target.
 * @module
 */
import { applyShapingCommands, renderClearBandwidth, renderNetworkBandwidth } from '../../backend/tc/index.js'
import type { Bandwidth } from '../../model/netdev/bandwidth.js'
import type { Target } from '../../model/target.js'
import { systemRunner, type Runner } from '../../sys/exec.js'
import type { ShapingService } from './services.js'

const netnsOpt = (t: Target): { netns?: string } => (t.kind === 'netns' ? { netns: t.name } : {})

export class TcShapingService implements ShapingService {
  constructor(private readonly runner: Runner = systemRunner) {}

  async setBridge(target: Target, bridge: string, bandwidth: Bandwidth): Promise<void> {
    await applyShapingCommands(this.runner, renderNetworkBandwidth(bridge, bandwidth), netnsOpt(target))
  }

  async clearBridge(target: Target, bridge: string): Promise<void> {
    await applyShapingCommands(this.runner, renderClearBandwidth(bridge), netnsOpt(target))
  }
}
