/**
 * What crash recovery could have to do, read in one go before every command: the transactions, networks and
 * ports that recovery (txn/recover.ts, driver/network/recover.ts, driver/port/recover.ts) would look at. Each
 * count is a superset of what recovery acts on (it also checks owners and, for active networks, the kernel), so
 * when the scan finds nothing, recovery has nothing to do and need not be loaded.
 * @module
 */
import type Database from 'better-sqlite3'

export interface RecoveryScan {
  /** Transactions applying or rolling back (their owner may be gone), or pending-confirm past their deadline. */
  transactions: number
  /** Networks left starting or stopping. */
  unsettledNetworks: number
  /** Ports being plugged or unplugged, or whose network is not active. */
  stalePorts: number
  /** Active networks: recovery checks that their namespace and bridge still exist. */
  active: ActiveNetworkRow[]
}

export interface ActiveNetworkRow {
  target: string
  name: string
  /** The recorded runtime status as stored (JSON; the driver gives it its type). */
  runtimeJson: string | null
}

const COUNTS_SQL = `SELECT
  (SELECT COUNT(*) FROM transactions
    WHERE status IN ('applying', 'rolling-back') OR (status = 'pending-confirm' AND confirm_deadline_ms <= @nowMs)) AS transactions,
  (SELECT COUNT(*) FROM networks WHERE status IN ('starting', 'stopping')) AS unsettledNetworks,
  (SELECT COUNT(*) FROM network_ports p
    WHERE p.status IN ('plugging', 'unplugging')
       OR NOT EXISTS (SELECT 1 FROM networks n WHERE n.target = p.target AND n.name = p.network AND n.status <> 'inactive')) AS stalePorts`

const ACTIVE_SQL = `SELECT target, name, runtime_json FROM networks WHERE status = 'active' ORDER BY target, name`

/** One read transaction over the three tables (a consistent snapshot). */
export function scanRecovery(db: Database.Database, nowMs: number): RecoveryScan {
  const counts = db.prepare(COUNTS_SQL)
  const active = db.prepare(ACTIVE_SQL)
  return db.transaction(() => {
    const c = counts.get({ nowMs }) as Omit<RecoveryScan, 'active'>
    const rows = active.all() as Array<{ target: string; name: string; runtime_json: string | null }>
    return {
      transactions: c.transactions,
      unsettledNetworks: c.unsettledNetworks,
      stalePorts: c.stalePorts,
      active: rows.map((r) => ({ target: r.target, name: r.name, runtimeJson: r.runtime_json })),
    }
  })()
}
