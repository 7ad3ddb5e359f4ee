/**
 * The store without the runtime, for verbs that only read the store (net-list, net-info): `withStore` opens the
 * store and nothing else, after the check before every command (driver/recovery-needed.ts: one store read). When
 * that check finds something to recover, the verb runs inside the full runtime instead (./runtime.ts, imported
 * then), which recovers first.
 * @module
 */
import { recoveryNeeded } from '../driver/recovery-needed.js'
import { listNetworks, networkDetails, type NetworkDetails, type NetworkSummary } from '../driver/network/query.js'
import type { Target } from '../model/target.js'
import { openStore, resolveStateDir, type Store } from '../store/index.js'
import { NetworkStore } from '../store/networks.js'
import type { RemotableOps } from './ops.js'
import type { RuntimeFlags } from './runtime.js'

/** The verbs answered from the store alone. */
export type StoreReadOps = Pick<RemotableOps, 'netList' | 'netInfo'>

/** net-list and net-info over a store (the same functions the network driver answers them with). */
export class StoreReads implements StoreReadOps {
  private readonly networks: NetworkStore

  constructor(store: Store) {
    this.networks = new NetworkStore(store.db, store.nowMs)
  }

  async netList(target: Target | undefined, opts: { all?: boolean } = {}): Promise<NetworkSummary[]> {
    return listNetworks(this.networks, target, opts.all === true ? { all: true } : {})
  }

  async netInfo(target: Target, name: string): Promise<NetworkDetails> {
    return networkDetails(this.networks, target, name)
  }
}

/**
 * Open the store, recover first, run `fn`, close. With something to recover, `fn` runs inside the full runtime
 * instead (which recovers, then hands `fn` its store).
 */
export async function withStore<T>(flags: Pick<RuntimeFlags, 'stateDir'>, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = openStore(resolveStateDir({ flag: flags.stateDir }))
  try {
    const need = await recoveryNeeded(store)
    if (!need.transactions && !need.networks) return await fn(store)
  } finally {
    store.close()
  }
  const { withRuntime } = await import('./runtime.js')
  return withRuntime(flags, (rt) => fn(rt.store), { networks: false })
}
