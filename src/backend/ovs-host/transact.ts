/**
 * Applying one `ovs.transact` op: read the database, render the changes, and send them in ONE transaction
 * together with hostnet's commit marker (outcome.ts) and the next_cfg bump, then wait until ovs-vswitchd has
 * applied that configuration (cur_cfg), so that internal ports exist before the kernel ops that follow use them.
 *
 * Never ambiguous: if the connection drops with the transaction in flight, the client reconnects and the
 * marker tells whether it committed (then we wait for vswitchd as usual) or not (then nothing of it happened and
 * an OvsdbConnectionError with outcome 'not-executed' is thrown). An OVSDB error (constraint violation,
 * duplicate name, referential integrity) is an OvsdbTxnError carrying OVSDB's `error` and `details`; OVSDB
 * transactions are atomic, so nothing of it took effect.
 * @module
 */
import type { OvsChange } from '../../plan/ovs/ops.js'
import type { OvsdbClient } from '../ovsdb/client.js'
import { OvsdbConnectionError } from '../ovsdb/errors.js'
import { Op } from '../ovsdb/ops.js'
import type { MonitorCache } from '../ovsdb/monitor-cache.js'
import { DEFAULT_SETTLE_TIMEOUT_MS, newTxnId, resolveTxnOutcome, txnMarkerOps, txnOutcomeFromCache } from '../ovsdb/outcome.js'
import { DEFAULT_APPLY_TIMEOUT_MS, VSWITCH_DB, bumpNextCfgOps, waitCurCfg } from '../ovsdb/wait-applied.js'
import { readOvsDb } from './read.js'
import { needsUuids, renderOvsChanges } from './render.js'

export interface OvsTransactOptions {
  /** How long ovs-vswitchd may take to apply (default 30 s). */
  applyTimeoutMs?: number
  /** How long to wait for a reconnection to settle an unknown outcome (default 30 s). */
  settleTimeoutMs?: number
  /** A monitor cache of the database: once applied, wait until it shows the transaction (queries read it). */
  cache?: MonitorCache
  /** Test hook: runs after the read and before the transaction is sent (e.g. to race another writer). */
  beforeTransact?: () => Promise<void>
}

export interface OvsTransactResult {
  txnId: string
  nextCfg: number
  /** The connection dropped and the commit was confirmed through the marker. */
  recovered: boolean
  operations: number
}

async function currentNextCfg(client: OvsdbClient): Promise<number> {
  const [r] = await client.transact(VSWITCH_DB, [Op.select(VSWITCH_DB, [], ['next_cfg'])])
  const n = r?.rows?.[0]?.['next_cfg']
  return typeof n === 'number' ? n : 0
}

/** waitCurCfg, once more after a reconnection if the connection dropped while waiting (the commit is known). */
async function waitApplied(client: OvsdbClient, nextCfg: number, opts: OvsTransactOptions): Promise<void> {
  const timeoutMs = opts.applyTimeoutMs ?? DEFAULT_APPLY_TIMEOUT_MS
  try {
    await waitCurCfg(client, nextCfg, { timeoutMs })
  } catch (e) {
    if (!(e instanceof OvsdbConnectionError)) throw e
    await client.whenConnected(opts.settleTimeoutMs ?? DEFAULT_SETTLE_TIMEOUT_MS)
    await waitCurCfg(client, nextCfg, { timeoutMs })
  }
}

/** Commit `changes` in one transaction and wait until ovs-vswitchd applied them. */
export async function transactOvsChanges(
  client: OvsdbClient,
  changes: readonly OvsChange[],
  opts: OvsTransactOptions = {},
): Promise<OvsTransactResult> {
  const ops = renderOvsChanges(changes, needsUuids(changes) ? await readOvsDb(client) : undefined)
  await opts.beforeTransact?.()
  const txnId = newTxnId()
  let nextCfg: number
  let recovered = false
  try {
    const results = await client.transact(VSWITCH_DB, [...ops, ...txnMarkerOps(txnId), ...bumpNextCfgOps()])
    const n = results[results.length - 1]?.rows?.[0]?.['next_cfg']
    nextCfg = typeof n === 'number' ? n : 0
  } catch (e) {
    if (!(e instanceof OvsdbConnectionError) || !e.outcomeUnknown) throw e
    const outcome = await resolveTxnOutcome(client, txnId, opts.settleTimeoutMs)
    if (outcome !== 'committed') {
      throw new OvsdbConnectionError(client.address, e.failure, {
        method: 'transact',
        outcomeUnknown: false,
        reason: `transaction ${txnId} was not committed (checked after reconnecting)`,
        cause: e,
      })
    }
    recovered = true
    nextCfg = await currentNextCfg(client)
  }
  await waitApplied(client, nextCfg, opts)
  const cache = opts.cache
  if (cache !== undefined) {
    const seen = (): true | undefined => (txnOutcomeFromCache(cache, txnId) === 'committed' ? true : undefined)
    await cache.waitFor(seen, opts.settleTimeoutMs ?? DEFAULT_SETTLE_TIMEOUT_MS, `the monitor to show transaction ${txnId}`)
  }
  return { txnId, nextCfg, recovered, operations: ops.length }
}
