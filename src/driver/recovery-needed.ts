/**
 * The check before every command: does crash recovery have anything to do? One store read (store/recovery-scan.ts)
 * and, only for active networks, the namespace and bridge probe recovery itself makes. It loads neither the
 * transaction engine nor the network driver, so a command on a settled store pays next to nothing.
 * @module
 */
import type { Store } from '../store/index.js'
import { scanRecovery } from '../store/recovery-scan.js'
import { systemTargetProbe, VanishedCheck, type TargetProbe } from './network/vanished.js'

export interface RecoveryNeed {
  /** Host-interface transactions to finish (txn's recoverPending). */
  transactions: boolean
  /** Networks or ports to repair (the network driver's recover). */
  networks: boolean
}

export async function recoveryNeeded(store: Store, probe: TargetProbe = systemTargetProbe()): Promise<RecoveryNeed> {
  const scan = scanRecovery(store.db, store.nowMs())
  const transactions = scan.transactions > 0
  if (scan.unsettledNetworks > 0 || scan.stalePorts > 0) return { transactions, networks: true }
  const check = new VanishedCheck(probe)
  for (const row of scan.active) {
    let runtime: unknown
    try {
      runtime = row.runtimeJson === null ? undefined : JSON.parse(row.runtimeJson)
    } catch {
      return { transactions, networks: true } // recovery reads it again and reports what is wrong
    }
    if (await check.vanished({ target: row.target, name: row.name, runtime })) return { transactions, networks: true }
  }
  return { transactions, networks: false }
}
