/**
 * Settling a transaction whose outcome is unknown (the connection dropped after `transact` was sent).
 *
 * Approach: a transaction that must be settleable carries a marker. Two extra mutations set
 * `Open_vSwitch.external_ids:hostnet-txn` to a fresh transaction id (delete the key, then insert it with the
 * new value; both in the same atomic transaction). OVSDB commits all or nothing, so after reconnecting:
 *   - the key holds our id          → the transaction committed (all of it);
 *   - the key holds something else  → it did not commit (none of it), and it is safe to retry.
 * This relies on hostnet being the only writer of that key and on one hostnet writer at a time (the engine's
 * own lock); a `comment` op would not do, because comments are only written to the server's log and cannot
 * be read back. The marker costs two small mutations on the single root row.
 *
 * `transactSettled` wraps it: it runs a marked transaction and, if the outcome is unknown, waits for the
 * client to reconnect, reads the marker and either reports the commit or throws a retryable error whose
 * outcome is known ('not-executed').
 * @module
 */
import { randomUUID } from 'node:crypto'
import { ovsMap, ovsSet, stringMap, type OvsdbValue } from './atoms.js'
import type { OvsdbClient } from './client.js'
import { OvsdbConnectionError } from './errors.js'
import type { MonitorCache } from './monitor-cache.js'
import { Op, mutation, type OperationResult, type OvsdbOperation } from './ops.js'
import { VSWITCH_DB } from './wait-applied.js'

export const TXN_MARKER_KEY = 'hostnet-txn'
export const DEFAULT_SETTLE_TIMEOUT_MS = 30_000

export type TxnOutcome = 'committed' | 'not-committed'

export function newTxnId(): string {
  return randomUUID()
}

/** The two mutations that record `txnId` as the last committed hostnet transaction. */
export function txnMarkerOps(txnId: string): OvsdbOperation[] {
  return [
    Op.mutate(VSWITCH_DB, [], [mutation('external_ids', 'delete', ovsSet([TXN_MARKER_KEY]))]),
    Op.mutate(VSWITCH_DB, [], [mutation('external_ids', 'insert', ovsMap({ [TXN_MARKER_KEY]: txnId }))]),
  ]
}

/** Outcome of the transaction marked `txnId`, read from the server (waits up to `timeoutMs` for a connection). */
export async function resolveTxnOutcome(client: OvsdbClient, txnId: string, timeoutMs = DEFAULT_SETTLE_TIMEOUT_MS): Promise<TxnOutcome> {
  await client.whenConnected(timeoutMs)
  const [r] = await client.transact(VSWITCH_DB, [Op.select(VSWITCH_DB, [], ['external_ids'])], { timeoutMs })
  return outcomeOf(r?.rows?.[0]?.['external_ids'], txnId)
}

/** Outcome read from a cache monitoring Open_vSwitch (valid once the cache has resynced after the reconnect). */
export function txnOutcomeFromCache(cache: MonitorCache, txnId: string): TxnOutcome {
  const [row] = cache.rows(VSWITCH_DB).values()
  return outcomeOf(row?.['external_ids'], txnId)
}

function outcomeOf(externalIds: OvsdbValue | undefined, txnId: string): TxnOutcome {
  return stringMap(externalIds)[TXN_MARKER_KEY] === txnId ? 'committed' : 'not-committed'
}

export interface SettledResult {
  txnId: string
  /** Per-op results; undefined when the answer was lost and the commit was confirmed through the marker. */
  results: OperationResult[] | undefined
  /** Whether the connection was lost and the outcome had to be resolved. */
  recovered: boolean
}

/**
 * Transact `ops` on Open_vSwitch with a marker. Resolves when committed (even if the answer was lost);
 * throws the server's OvsdbTxnError, or an OvsdbConnectionError with outcome 'not-executed' (safe to retry).
 */
export async function transactSettled(
  client: OvsdbClient,
  ops: readonly OvsdbOperation[],
  opts: { txnId?: string; settleTimeoutMs?: number } = {},
): Promise<SettledResult> {
  const txnId = opts.txnId ?? newTxnId()
  try {
    const results = await client.transact(VSWITCH_DB, [...ops, ...txnMarkerOps(txnId)])
    return { txnId, results: results.slice(0, ops.length), recovered: false }
  } catch (e) {
    if (!(e instanceof OvsdbConnectionError) || !e.outcomeUnknown) throw e
    const outcome = await resolveTxnOutcome(client, txnId, opts.settleTimeoutMs)
    if (outcome === 'committed') return { txnId, results: undefined, recovered: true }
    throw new OvsdbConnectionError(client.address, e.failure, {
      method: 'transact',
      outcomeUnknown: false,
      reason: `transaction ${txnId} was not committed (checked after reconnecting)`,
      cause: e,
    })
  }
}
