/**
 * The network firewall through backend/nftables: one `inet hostnet_<bridge>` table per network, replaced or
 * deleted by one atomic `nft -f -` run in the target.
 * @module
 */
import type { Target } from '../../backend/backend.js'
import {
  applyNetworkFirewall,
  countNftObjects,
  removeNetworkFirewall,
  renderNetworkFirewall,
  renderNftScript,
} from '../../backend/nftables/index.js'
import type { NetworkDef } from '../../model/network/network-def.js'
import type { Runner } from '../../sys/exec.js'
import type { FirewallService } from './services.js'

export class NftFirewallService implements FirewallService {
  constructor(private readonly opts: { runner?: Runner } = {}) {}

  async apply(target: Target, def: NetworkDef, bridgeName: string): Promise<number> {
    const ruleset = renderNetworkFirewall(def, { bridgeName })
    await applyNetworkFirewall(target, renderNftScript(ruleset, 'replace'), this.runOpts())
    return countNftObjects(ruleset).total
  }

  async remove(target: Target, bridgeName: string): Promise<void> {
    await removeNetworkFirewall(target, bridgeName, this.runOpts())
  }

  objectCount(def: NetworkDef, bridgeName: string): number {
    return countNftObjects(renderNetworkFirewall(def, { bridgeName })).total
  }

  private runOpts(): { runner?: Runner } {
    return this.opts.runner === undefined ? {} : { runner: this.opts.runner }
  }
}
