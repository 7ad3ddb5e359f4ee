/**
 * A MonitorCache kept current by a client monitor: all columns of the chosen tables, re-established and
 * resynced (with difference events) after every reconnect.
 * @module
 */
import type { OvsdbClient, MonitorRequest } from './client.js'
import { MonitorCache } from './monitor-cache.js'

export interface MonitoredCache {
  readonly cache: MonitorCache
  readonly monitorId: string
  /** Stop monitoring (the cache keeps its last contents). */
  close(): Promise<void>
}

/**
 * Monitor `tables` of `db` into a new cache. `tables` is a list (all columns) or a map table → columns.
 * Resolves after the initial snapshot is in the cache.
 */
export async function openMonitorCache(
  client: OvsdbClient,
  db: string,
  tables: readonly string[] | Readonly<Record<string, readonly string[] | undefined>>,
): Promise<MonitoredCache> {
  const requests: Record<string, MonitorRequest> = {}
  const names = Array.isArray(tables) ? (tables as readonly string[]) : Object.keys(tables)
  for (const t of names) {
    const cols = Array.isArray(tables) ? undefined : (tables as Record<string, readonly string[] | undefined>)[t]
    requests[t] = cols === undefined ? {} : { columns: cols }
  }
  const cache = new MonitorCache(names)
  const monitorId = await client.monitor(db, requests, {
    onSnapshot: (updates, resync) => (resync ? cache.replaceAll(updates) : cache.applyUpdates(updates, { initial: true })),
    onUpdate: (updates) => cache.applyUpdates(updates),
  })
  return { cache, monitorId, close: () => client.monitorCancel(monitorId) }
}
