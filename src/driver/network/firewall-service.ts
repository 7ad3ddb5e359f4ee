/**
 * The network firewall through backend/nftables: a network's base chains in the target's `inet hostnet` table,
 * replaced or deleted by one atomic nft transaction in the target: a one-shot `nft -f -`, or, for long-lived drivers, a
 * line in a kept `nft -i` session (backend/nftables session.ts), which spares nft's cache rebuild.
 * @module
 */
import type { Target } from '../../model/target.js'
import {
  applyNetworkFirewall,
  countNftObjects,
  emptyRuleset,
  NftSessions,
  renderNetworkFirewall,
  renderNftScript,
} from '../../backend/nftables/index.js'
import type { NetworkDef } from '../../model/network/network-def.js'
import type { Runner } from '../../sys/exec.js'
import type { FirewallService } from './services.js'

export class NftFirewallService implements FirewallService {
  private readonly sessions: NftSessions | undefined

  constructor(private readonly opts: { runner?: Runner; sessions?: boolean } = {}) {
    this.sessions = opts.sessions === true && opts.runner === undefined ? new NftSessions() : undefined
  }

  async apply(target: Target, def: NetworkDef, bridgeName: string): Promise<number> {
    const ruleset = renderNetworkFirewall(def, { bridgeName })
    await this.run(target, renderNftScript(ruleset, 'replace'))
    return countNftObjects(ruleset).total
  }

  async remove(target: Target, bridgeName: string): Promise<void> {
    await this.run(target, renderNftScript(emptyRuleset(bridgeName), 'delete'))
  }

  objectCount(def: NetworkDef, bridgeName: string): number {
    return countNftObjects(renderNetworkFirewall(def, { bridgeName })).total
  }

  render(def: NetworkDef, bridgeName: string): string {
    return renderNftScript(renderNetworkFirewall(def, { bridgeName }), 'replace')
  }

  close(): void {
    this.sessions?.closeAll()
  }

  private async run(target: Target, script: string): Promise<void> {
    if (this.sessions !== undefined && (await this.sessions.run(target, script)) === 'ok') return
    await applyNetworkFirewall(target, script, this.opts.runner === undefined ? {} : { runner: this.opts.runner })
  }
}
