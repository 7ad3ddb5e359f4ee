/**
 * Starting and stopping networks with libvirt's semantics, crash-safe through the store: a start first claims
 * the network (inactive → starting, with the subnet and bridge checks against the target's other networks in
 * the same IMMEDIATE transaction), records each step before it runs, and ends active; any failure undoes what
 * was done and leaves the network inactive (a transient one disappears). A stop claims (active → stopping),
 * tears down and ends inactive.
 * @module
 */
import { errorMessage, HostnetError, RollbackError } from '../../errors.js'
import type { Target } from '../../model/target.js'
import { formatNetworkXml } from '../../codec/libvirt-xml/network/index.js'
import { networkObject, type NetworkDef } from '../../model/network/network-def.js'
import type { NetworkRecord } from '../../store/networks.js'
import type { ChangeInput } from '../../store/index.js'
import { errorBrief, errorToJson } from '../../txn/error-json.js'
import { withReverter } from '../../txn/reverter.js'
import { targetFromKey, targetKey } from '../../txn/target-key.js'
import { checkBridgeNotRunning, checkSubnetOverlap } from './checks.js'
import { busy, networkChange, notFound, type DriverContext } from './context.js'
import { currentDef } from './define.js'
import { startKind } from './plan-start.js'
import { readRuntime, type NetworkRuntime } from './runtime-status.js'
import { startNetworkSteps } from './start.js'
import { teardownNetwork } from './teardown.js'

/** Running networks of the target other than `name` (their live definitions). */
function runningOthers(records: readonly NetworkRecord[], name: string): Array<{ name: string; def: NetworkDef }> {
  return records.filter((r) => r.name !== name && r.status !== 'inactive').map((r) => ({ name: r.name, def: currentDef(r) }))
}

/**
 * Claim the network for starting with `def` as its live definition, after the checks against running networks.
 * Returns whether it is transient.
 */
function claimStart(ctx: DriverContext, target: Target, name: string, def: NetworkDef): boolean {
  const key = targetKey(target)
  return ctx.networks.atomically(() => {
    const rec = ctx.networks.get(key, name)
    if (rec === undefined) throw notFound(name)
    if (rec.status === 'active') {
      throw new HostnetError('conflict', `network is already active as '${name}'`, { details: { object: networkObject(name) } })
    }
    if (rec.status !== 'inactive') throw busy(rec)
    const others = runningOthers(ctx.networks.list(key), name)
    checkSubnetOverlap(def, others)
    if (startKind(def) === 'virtual') checkBridgeNotRunning(def, def.bridge?.name ?? '', others)
    const ok = ctx.networks.transition(key, name, {
      from: ['inactive'],
      to: 'starting',
      owner: ctx.owner,
      liveXml: formatNetworkXml(def),
      runtime: {},
      error: null,
    })
    if (!ok) throw new HostnetError('bug', `network '${name}' changed while it was being claimed`)
    return rec.configXml === undefined
  })
}

/** Start the network with `def` as its live definition (`autostart`: started by serve's autostart). */
export async function startWithDef(
  ctx: DriverContext,
  target: Target,
  name: string,
  def: NetworkDef,
  why: { autostart?: boolean } = {},
): Promise<NetworkRuntime> {
  const key = targetKey(target)
  const transient = claimStart(ctx, target, name, def)
  const record = (runtime: NetworkRuntime): void => ctx.networks.setRuntime(key, name, runtime)
  let runtime: NetworkRuntime
  try {
    runtime = await withReverter((r) =>
      startNetworkSteps(
        {
          target,
          def,
          services: ctx.services,
          record,
          ...(ctx.ovsBridgeExists ? { ovsBridgeExists: ctx.ovsBridgeExists } : {}),
          ...(ctx.pauseAfterBridgeMs === undefined ? {} : { pauseAfterBridgeMs: ctx.pauseAfterBridgeMs }),
        },
        r,
      ),
    )
  } catch (e) {
    await failStart(ctx, target, name, def, e)
    throw e
  }
  runtime.startedMs = ctx.store.nowMs()
  const detail = { ...(runtime.bridge === undefined ? {} : { bridge: runtime.bridge }), ...(transient ? { transient } : {}), ...why }
  const change = networkChange(ctx, key, name, 'network.started', { detail })
  ctx.networks.transition(key, name, { from: ['starting'], to: 'active', owner: null, runtime, change })
  return runtime
}

/** After a failed start: make sure nothing is left, then mark the network inactive (a transient one goes). */
async function failStart(ctx: DriverContext, target: Target, name: string, def: NetworkDef, e: unknown): Promise<void> {
  const key = targetKey(target)
  const change = networkChange(ctx, key, name, 'network.started', { outcome: 'failed', detail: { error: errorBrief(e) } })
  if (e instanceof RollbackError) {
    const rec = ctx.networks.get(key, name)
    try {
      await teardownNetwork(target, def, readRuntime(rec?.runtime, name), ctx.services)
    } catch (again) {
      ctx.log(`warning: network '${name}' could not be cleaned up (recovery will retry): ${errorMessage(again)}`)
      ctx.networks.transition(key, name, { from: ['starting'], to: 'stopping', owner: null, error: errorToJson(e), change })
      return
    }
  }
  await deleteTombstonesQuietly(ctx, target)
  finishInactive(ctx, key, name, ['starting'], errorToJson(e), change)
}

/**
 * Mark the network inactive (clearing its live state), or delete it when it is transient; `change` is recorded
 * in the same transaction.
 */
export function finishInactive(ctx: DriverContext, key: string, name: string, from: NetworkRecord['status'][], error: unknown, change: ChangeInput): void {
  ctx.networks.atomically(() => {
    const rec = ctx.networks.get(key, name)
    if (rec === undefined) return
    if (rec.configXml === undefined) {
      ctx.networks.delete(key, name)
      ctx.networks.record({ ...change, detail: { ...change.detail, transient: true } })
      forgetNetwork(ctx, rec)
      return
    }
    ctx.networks.transition(key, name, { from, to: 'inactive', owner: null, liveXml: null, runtime: null, error, change })
  })
}

/** A network record was deleted: its leftover files (the lease database) go too. */
export function forgetNetwork(ctx: DriverContext, rec: NetworkRecord): void {
  try {
    ctx.services.dhcp.forget(targetFromKey(rec.target), rec.name)
  } catch (e) {
    ctx.log(`warning: the files of network '${rec.name}' could not be removed: ${errorMessage(e)}`)
  }
}

export async function deleteTombstonesQuietly(ctx: DriverContext, target: Target): Promise<number> {
  try {
    return await ctx.services.links.deleteTombstones(target)
  } catch (e) {
    ctx.log(`warning: retired bridges could not be deleted yet (hostnet serve retries): ${errorMessage(e)}`)
    return 0
  }
}

export interface DestroyOptions {
  /** Leave the retired bridge for a later bulk deletion (serve, or collectGarbage) instead of deleting it now. */
  deferDelete?: boolean
}

/** Stop an active network (libvirt net-destroy). */
export async function destroyNetwork(ctx: DriverContext, target: Target, rec: NetworkRecord, opts: DestroyOptions = {}): Promise<void> {
  const key = targetKey(target)
  if (rec.status === 'inactive') {
    throw new HostnetError('conflict', `network '${rec.name}' is not active`, { details: { object: networkObject(rec.name) } })
  }
  if (rec.status !== 'active') throw busy(rec)
  if (!ctx.networks.transition(key, rec.name, { from: ['active'], to: 'stopping', owner: ctx.owner })) {
    throw busy(ctx.networks.get(key, rec.name) ?? rec)
  }
  const def = currentDef(rec)
  await releasePorts(ctx, target, rec.name)
  try {
    await teardownNetwork(target, def, readRuntime(rec.runtime, rec.name), ctx.services)
  } catch (e) {
    const change = networkChange(ctx, key, rec.name, 'network.stopped', { outcome: 'failed', detail: { error: errorBrief(e) } })
    ctx.networks.transition(key, rec.name, { from: ['stopping'], to: 'stopping', owner: null, error: errorToJson(e), change })
    throw e
  }
  finishInactive(ctx, key, rec.name, ['stopping'], null, networkChange(ctx, key, rec.name, 'network.stopped'))
  if (opts.deferDelete !== true) await deleteTombstonesQuietly(ctx, target)
}

/** libvirt deletes a network's ports when it stops; ports that cannot be unplugged now are left to recovery. */
async function releasePorts(ctx: DriverContext, target: Target, name: string): Promise<void> {
  try {
    const n = (await ctx.portHooks?.releaseAll(target, name, ctx.actor)) ?? 0
    if (n > 0) ctx.log(`network '${name}': ${n} port(s) deleted`)
  } catch (e) {
    ctx.log(`warning: ports of network '${name}' could not all be unplugged (recovery retries): ${errorMessage(e)}`)
  }
}
