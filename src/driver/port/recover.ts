/**
 * Port recovery, run before every command and on every serve tick (after network recovery): a port left
 * 'plugging' or 'unplugging' by a process that is gone has whatever its plug record names removed and its row
 * deleted (so after a kill -9 during a port creation, the counts, which follow the rows, equal the
 * ports in the store and no half-plugged device stays); ports of a network that is no longer active (or no
 * longer exists) go the same way. With `scan`, port devices (marked with hostnet's port alias) found in a target
 * without a row are deleted.
 * @module
 */
import { errorMessage } from '../../errors.js'
import type { NetworkDef } from '../../model/network/network-def.js'
import type { PortRecord } from '../../store/ports.js'
import { processRunning, sameProcess } from '../../sys/process.js'
import { targetFromKey } from '../../txn/target-key.js'
import { currentDef } from '../network/define.js'
import { portChange, type PortContext } from './context.js'
import { portOfAlias } from './names.js'
import { deviceLocation, readPlugRecord } from './plug-record.js'
import { finishRelease } from './release.js'
import { deletionGroup } from '../../backend/iproute2/index.js'

export interface PortRecoveryReport {
  /** `target/network/uuid` of ports removed (interrupted, or of a network that stopped). */
  removed: string[]
  /** Port devices without a port that were deleted (`target/name`). */
  orphans: string[]
  failed: Array<{ port: string; error: unknown }>
}

function interrupted(ctx: PortContext, rec: PortRecord): boolean {
  if (rec.status !== 'plugging' && rec.status !== 'unplugging') return false
  if (rec.owner === undefined) return true
  return !sameProcess(rec.owner, ctx.owner) && !processRunning(rec.owner)
}

async function removeOne(ctx: PortContext, rec: PortRecord, network: NetworkDef | undefined, reason: string): Promise<void> {
  const claimed = ctx.ports.transition(rec.target, rec.uuid, {
    from: [rec.status],
    ...(rec.owner === undefined ? {} : { expectOwner: rec.owner }),
    to: 'unplugging',
    owner: ctx.owner,
  })
  if (!claimed) return
  const record = readPlugRecord(rec.plug, rec.uuid)
  const detail = { network: rec.network, ...(rec.device === undefined ? {} : { device: rec.device }), reason }
  if (record === undefined) {
    ctx.ports.atomically(() => {
      if (ctx.ports.delete(rec.target, rec.uuid)) ctx.ports.record(portChange(ctx, rec.target, rec.uuid, 'port.deleted', detail))
    })
    return
  }
  // the floor class goes with the port; the default class keeps its rate until the next floor change
  // a plug that was interrupted may not have made its device: only a device with the port's alias goes
  const item = {
    uuid: rec.uuid,
    record,
    markedOnly: rec.status === 'plugging',
    detail: { ...detail, ...(record.device === undefined ? {} : { device: record.device.ifname }) },
  }
  await finishRelease(ctx, targetFromKey(rec.target), [{ ...item, ...(network === undefined ? {} : { network }) }])
}

/**
 * Delete port devices no port row stands for, in the targets with active networks: only devices hostnet marked
 * as port devices (its alias, with the port's UUID) whose port has no row in this target. A device's name proves
 * nothing: users cannot choose `hnp…` names through hostnet, but any other tool can.
 */
async function scanOrphans(ctx: PortContext, report: PortRecoveryReport): Promise<void> {
  const targets = new Set(ctx.networks.list().filter((n) => n.status === 'active').map((n) => n.target))
  for (const key of targets) {
    const target = targetFromKey(key)
    if (!ctx.services.namespaceExists(target)) continue
    // links first, rows second: a device made after the listing has its row already (rows come first)
    const links = await ctx.services.linkAliases(target)
    const ports = new Set(ctx.ports.listAll().flatMap((p) => (p.target === key ? [p.uuid] : [])))
    const orphans = [...links].flatMap(([name, alias]) => {
      const uuid = portOfAlias(alias)
      return uuid !== undefined && !ports.has(uuid) ? [name] : []
    })
    if (orphans.length === 0) continue
    const res = await ctx.services.linkBatch(target, [{ kind: 'links.delete', names: orphans, group: deletionGroup() }], { force: true })
    if (!res.ok) ctx.log(`warning: port devices without a port in ${key}: ${res.stderr.trim()}`)
    report.orphans.push(...orphans.map((n) => `${key}/${n}`))
  }
}

export async function recoverPorts(ctx: PortContext, opts: { scan?: boolean } = {}): Promise<PortRecoveryReport> {
  const report: PortRecoveryReport = { removed: [], orphans: [], failed: [] }
  for (const rec of ctx.ports.listAll()) {
    const net = ctx.networks.get(rec.target, rec.network)
    const stale = net === undefined || net.status === 'inactive'
    if (!stale && !interrupted(ctx, rec)) continue
    const id = `${rec.target}/${rec.network}/${rec.uuid}`
    const reason = stale ? 'left by a stopped network' : `interrupted while ${rec.status}`
    try {
      ctx.log(`network port '${rec.uuid}' of network '${rec.network}' (${rec.target}) was ${reason}: removing it`)
      await removeOne(ctx, rec, net === undefined ? undefined : currentDef(net), reason)
      report.removed.push(id)
    } catch (e) {
      ctx.log(`warning: recovery of network port '${rec.uuid}' failed: ${errorMessage(e)}`)
      report.failed.push({ port: id, error: e })
    }
  }
  if (opts.scan === true) await scanOrphans(ctx, report)
  return report
}
