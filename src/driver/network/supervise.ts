/**
 * dnsmasq supervision (run by `hostnet serve` on every tick): an active network whose dnsmasq died gets a new
 * one. The restart claims the network (active → starting → active), so it never races a net-destroy.
 * @module
 */
import { errorMessage } from '../../errors.js'
import type { ChangeInput } from '../../store/index.js'
import { errorBrief } from '../../txn/error-json.js'
import { targetFromKey } from '../../txn/target-key.js'
import { networkChange, type DriverContext } from './context.js'
import { currentDef } from './define.js'
import { readRuntime } from './runtime-status.js'

export interface SuperviseReport {
  /** `target/name` of networks whose dnsmasq was restarted. */
  restarted: string[]
  failed: Array<{ network: string; error: unknown }>
}

export async function superviseDnsmasq(ctx: DriverContext): Promise<SuperviseReport> {
  const report: SuperviseReport = { restarted: [], failed: [] }
  for (const rec of ctx.networks.list()) {
    if (rec.status !== 'active') continue
    const runtime = readRuntime(rec.runtime, rec.name)
    if (runtime.dnsmasq !== true || runtime.bridge === undefined) continue
    if (runtime.dnsmasqPid !== undefined && ctx.services.dhcp.isRunning(runtime.dnsmasqPid)) continue
    const target = targetFromKey(rec.target)
    if (!ctx.services.links.targetExists(target)) continue // recovery marks it inactive
    if (!ctx.networks.transition(rec.target, rec.name, { from: ['active'], to: 'starting', owner: ctx.owner })) continue
    const id = `${rec.target}/${rec.name}`
    let change: ChangeInput
    try {
      const dctx = { target, def: currentDef(rec), bridgeName: runtime.bridge }
      await ctx.services.dhcp.stop(dctx, runtime.dnsmasqPid)
      runtime.dnsmasqPid = await ctx.services.dhcp.start(dctx)
      runtime.dnsmasqRestarts = (runtime.dnsmasqRestarts ?? 0) + 1
      report.restarted.push(id)
      change = networkChange(ctx, rec.target, rec.name, 'network.dnsmasq-restarted', { detail: { pid: runtime.dnsmasqPid.pid, restarts: runtime.dnsmasqRestarts } })
      ctx.log(`dnsmasq of network '${rec.name}' (${rec.target}) had died: restarted (pid ${runtime.dnsmasqPid.pid})`)
    } catch (e) {
      delete runtime.dnsmasqPid
      change = networkChange(ctx, rec.target, rec.name, 'network.dnsmasq-restarted', { outcome: 'failed', detail: { error: errorBrief(e) } })
      report.failed.push({ network: id, error: e })
      ctx.log(`warning: cannot restart dnsmasq of network '${rec.name}' (${rec.target}): ${errorMessage(e)}`)
    }
    ctx.networks.transition(rec.target, rec.name, { from: ['starting'], to: 'active', owner: null, runtime, change })
  }
  return report
}
