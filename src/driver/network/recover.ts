/**
 * Network recovery, run before commands (like the host-interface journal's): a network left 'starting' or
 * 'stopping' by a process that is gone (or by none) is torn down from its recorded runtime status and marked
 * inactive; an 'active' network whose namespace or bridge is gone (a reboot, a deleted namespace) is marked
 * inactive, and its dnsmasq (which would keep a deleted namespace alive) is stopped.
 * @module
 */
import { errorMessage, HostnetError } from '../../errors.js'
import type { NetworkRecord } from '../../store/networks.js'
import { processRunning, sameProcess } from '../../sys/process.js'
import { errorBrief, errorToJson } from '../../txn/error-json.js'
import { targetFromKey } from '../../txn/target-key.js'
import { networkChange, type DriverContext } from './context.js'
import type { PortRecoveryReport } from '../port/recover.js'
import { currentDef } from './define.js'
import { deleteTombstonesQuietly, finishInactive } from './lifecycle.js'
import { readRuntime } from './runtime-status.js'
import { teardownNetwork } from './teardown.js'
import { VanishedCheck } from './vanished.js'

export interface NetworkRecoveryReport {
  /** `target/name` of networks torn down (interrupted starts and stops, vanished targets). */
  recovered: string[]
  failed: Array<{ network: string; error: unknown }>
  /** What port recovery did (set by NetworkDriver.recover). */
  ports?: PortRecoveryReport
}

function orphaned(ctx: DriverContext, rec: NetworkRecord): boolean {
  if (rec.status !== 'starting' && rec.status !== 'stopping') return false
  if (rec.owner === undefined) return true
  return !sameProcess(rec.owner, ctx.owner) && !processRunning(rec.owner)
}

async function recoverOne(ctx: DriverContext, rec: NetworkRecord): Promise<void> {
  const target = targetFromKey(rec.target)
  const claimed = ctx.networks.transition(rec.target, rec.name, {
    from: [rec.status],
    ...(rec.owner === undefined || rec.status === 'active' ? {} : { expectOwner: rec.owner }),
    to: 'stopping',
    owner: ctx.owner,
  })
  if (!claimed) return
  const reason =
    rec.status === 'active'
      ? `found without its bridge (or its namespace) in ${rec.target}`
      : `interrupted while ${rec.status} (process ${rec.owner?.pid ?? '?'} is gone)`
  ctx.log(`network '${rec.name}' (${rec.target}) was ${reason}: tearing it down`)
  try {
    await teardownNetwork(target, currentDef(rec), readRuntime(rec.runtime, rec.name), ctx.services)
  } catch (e) {
    const change = networkChange(ctx, rec.target, rec.name, 'network.stopped', { outcome: 'failed', detail: { reason, error: errorBrief(e) } })
    ctx.networks.transition(rec.target, rec.name, { from: ['stopping'], to: 'stopping', owner: null, error: errorToJson(e), change })
    throw e
  }
  if (ctx.services.links.targetExists(target)) await deleteTombstonesQuietly(ctx, target)
  const error = new HostnetError(rec.status === 'active' ? 'not-found' : 'backend-failure', `network '${rec.name}' was ${reason}`)
  finishInactive(ctx, rec.target, rec.name, ['stopping'], errorToJson(error), networkChange(ctx, rec.target, rec.name, 'network.stopped', { detail: { reason } }))
}

export async function recoverNetworks(ctx: DriverContext): Promise<NetworkRecoveryReport> {
  const report: NetworkRecoveryReport = { recovered: [], failed: [] }
  const check = new VanishedCheck(ctx.services.links)
  for (const rec of ctx.networks.list()) {
    if (!orphaned(ctx, rec) && !(rec.status === 'active' && (await check.vanished(rec)))) continue
    try {
      await recoverOne(ctx, rec)
      report.recovered.push(`${rec.target}/${rec.name}`)
    } catch (e) {
      ctx.log(`warning: recovery of network '${rec.name}' failed: ${errorMessage(e)}`)
      report.failed.push({ network: `${rec.target}/${rec.name}`, error: e })
    }
  }
  return report
}
