/**
 * A MonitorCache kept current by a client monitor: all columns of the chosen tables, re-established and
 * resynced (with difference events) after every reconnect. With `where` conditions it uses `monitor_cond`
 * (rows outside the conditions are not sent; update2 diffs are expanded with the schema, see update2.ts).
 * @module
 */
import type { OvsdbClient, MonitorRequest } from './client.js'
import { MonitorCache, type TableUpdates } from './monitor-cache.js'
import type { Condition } from './ops.js'
import { update2ToUpdates, type TableUpdates2 } from './update2.js'

export interface MonitoredCache {
  readonly cache: MonitorCache
  readonly monitorId: string
  /** Stop monitoring (the cache keeps its last contents). */
  close(): Promise<void>
}

export interface MonitorCacheOptions {
  /** Per-table conditions: monitor only matching rows (`monitor_cond`). */
  where?: Readonly<Record<string, readonly Condition[]>>
}

/**
 * Monitor `tables` of `db` into a new cache. `tables` is a list (all columns) or a map table → columns.
 * Resolves after the initial snapshot is in the cache.
 */
export async function openMonitorCache(
  client: OvsdbClient,
  db: string,
  tables: readonly string[] | Readonly<Record<string, readonly string[] | undefined>>,
  opts: MonitorCacheOptions = {},
): Promise<MonitoredCache> {
  const names = Array.isArray(tables) ? (tables as readonly string[]) : Object.keys(tables)
  const requests: Record<string, MonitorRequest> = {}
  for (const t of names) {
    const cols = Array.isArray(tables) ? undefined : (tables as Record<string, readonly string[] | undefined>)[t]
    const where = opts.where?.[t]
    requests[t] = { ...(cols === undefined ? {} : { columns: cols }), ...(where === undefined ? {} : { where }) }
  }
  const cache = new MonitorCache(names)
  if (opts.where === undefined) {
    const monitorId = await client.monitor(db, requests, {
      onSnapshot: (updates, resync) => (resync ? cache.replaceAll(updates) : cache.applyUpdates(updates, { initial: true })),
      onUpdate: (updates) => cache.applyUpdates(updates),
    })
    return { cache, monitorId, close: () => client.monitorCancel(monitorId) }
  }
  const schema = await client.getSchema(db)
  const convert = (raw: TableUpdates): TableUpdates =>
    update2ToUpdates(schema, raw as unknown as TableUpdates2, (t, u) => cache.rows(t).get(u))
  const monitorId = await client.monitor(
    db,
    requests,
    {
      onSnapshot: (raw, resync) => {
        const full = update2ToUpdates(schema, raw as unknown as TableUpdates2, () => undefined)
        if (resync) cache.replaceAll(full)
        else cache.applyUpdates(full, { initial: true })
      },
      onUpdate: (raw) => cache.applyUpdates(convert(raw)),
    },
    'monitor_cond',
  )
  return { cache, monitorId, close: () => client.monitorCancel(monitorId) }
}
