/**
 * "Wait until applied", as `ovs-vsctl` does without `--no-wait`: the transaction also bumps
 * `Open_vSwitch.next_cfg` and reads it back (N); ovs-vswitchd copies next_cfg to `cur_cfg` once it has
 * reconfigured, so the change is live when `cur_cfg >= N`.
 *
 * The wait itself is done by the server: a second transaction holding one `wait` operation
 * (`where cur_cfg >= N`, until the selection is not empty, with our timeout). ovsdb-server re-evaluates it on
 * every commit and answers as soon as vswitchd writes cur_cfg — no polling and no monitor needed. A cache that
 * already monitors Open_vSwitch can wait locally instead (waitCurCfgInCache).
 *
 * If waiting fails, the changes ARE committed (only the apply is in doubt): the 'timeout' error says so in
 * `details.committed`.
 * @module
 */
import { HostnetError } from '../../errors.js'
import type { OvsdbClient, TransactOptions } from './client.js'
import { OvsdbTxnError } from './errors.js'
import type { MonitorCache } from './monitor-cache.js'
import { Op, cond, mutation, type OperationResult, type OvsdbOperation } from './ops.js'

export const VSWITCH_DB = 'Open_vSwitch'
export const DEFAULT_APPLY_TIMEOUT_MS = 30_000
/** Extra time the client gives the server to answer a `wait` that the server itself times out. */
const ANSWER_MARGIN_MS = 5000

export interface WaitAppliedOptions {
  /** How long ovs-vswitchd may take to apply (default 30 s). */
  timeoutMs?: number
  signal?: AbortSignal
}

export interface AppliedResult {
  /** Results of the caller's operations (the bump and read-back are stripped). */
  results: OperationResult[]
  nextCfg: number
  /** Time from sending the transaction until vswitchd had applied it. */
  elapsedMs: number
}

/** The operations that bump next_cfg and read it back (append them to a transaction). */
export function bumpNextCfgOps(): OvsdbOperation[] {
  return [Op.mutate(VSWITCH_DB, [], [mutation('next_cfg', '+=', 1)]), Op.select(VSWITCH_DB, [], ['next_cfg'])]
}

/** Transact `ops` on Open_vSwitch and wait until ovs-vswitchd has applied them. */
export async function transactAndWait(client: OvsdbClient, ops: readonly OvsdbOperation[], opts: WaitAppliedOptions = {}): Promise<AppliedResult> {
  const startMs = performance.now()
  const txnOpts: TransactOptions = opts.signal ? { signal: opts.signal } : {}
  const results = await client.transact(VSWITCH_DB, [...ops, ...bumpNextCfgOps()], txnOpts)
  const nextCfg = results[results.length - 1]?.rows?.[0]?.['next_cfg']
  if (typeof nextCfg !== 'number') {
    const details = { results: results.slice(-2) }
    throw new HostnetError('backend-failure', 'OVSDB database has no Open_vSwitch row (run ovs-vsctl init)', { details })
  }
  await waitCurCfg(client, nextCfg, opts)
  return { results: results.slice(0, ops.length), nextCfg, elapsedMs: performance.now() - startMs }
}

/** Wait (server-side) until `cur_cfg >= nextCfg`; HostnetError kind 'timeout' if vswitchd does not get there in time. */
export async function waitCurCfg(client: OvsdbClient, nextCfg: number, opts: WaitAppliedOptions = {}): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_APPLY_TIMEOUT_MS
  const wait = Op.wait(VSWITCH_DB, [cond('cur_cfg', '>=', nextCfg)], { columns: [], until: '!=', rows: [], timeoutMs })
  try {
    await client.transact(VSWITCH_DB, [wait], { timeoutMs: timeoutMs + ANSWER_MARGIN_MS, ...(opts.signal ? { signal: opts.signal } : {}) })
  } catch (e) {
    if (!(e instanceof OvsdbTxnError) || e.kind !== 'timeout') throw e
    throw await applyTimeout(client, nextCfg, timeoutMs, e)
  }
}

/** Wait on a cache that monitors Open_vSwitch (with cur_cfg). */
export function waitCurCfgInCache(cache: MonitorCache, nextCfg: number, timeoutMs: number = DEFAULT_APPLY_TIMEOUT_MS): Promise<number> {
  const probe = (): number | undefined => {
    for (const row of cache.rows(VSWITCH_DB).values()) {
      const cur = row['cur_cfg']
      if (typeof cur === 'number' && cur >= nextCfg) return cur
    }
    return undefined
  }
  return cache.waitFor(probe, timeoutMs, `ovs-vswitchd to apply configuration ${nextCfg} (cur_cfg >= ${nextCfg})`)
}

async function applyTimeout(client: OvsdbClient, nextCfg: number, timeoutMs: number, cause: unknown): Promise<HostnetError> {
  let curCfg: unknown
  try {
    const [r] = await client.transact(VSWITCH_DB, [Op.select(VSWITCH_DB, [], ['cur_cfg'])])
    curCfg = r?.rows?.[0]?.['cur_cfg']
  } catch (e) {
    curCfg = `unknown (${e instanceof Error ? e.message : String(e)})`
  }
  return new HostnetError(
    'timeout',
    `ovs-vswitchd did not apply OVSDB configuration ${nextCfg} within ${timeoutMs} ms (cur_cfg is ${String(curCfg)}); ` +
      'the changes are committed to the database',
    { cause, details: { nextCfg, curCfg, timeoutMs, committed: true } },
  )
}
