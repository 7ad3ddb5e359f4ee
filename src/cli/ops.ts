/**
 * Where a verb runs: here (the service layer over this host's store and kernel, after crash recovery), or with
 * `--url URL` / $HOSTNET_URL on a remote hostnet through its API, printing the same. Each path imports its modules
 * on first use, so a remote verb never loads the store or the drivers, and a local one never the HTTP client.
 * @module
 */
import type { RemotableOps } from '../service/ops.js'
import type { StoreReadOps } from '../service/session.js'
import type { RuntimeFlags } from '../service/runtime.js'
import { remoteEndpoint } from './remote.js'

export interface OpsOptions {
  /** The verb uses the network driver (net-*, net-port-*; default true): imported before it runs. */
  networks?: boolean
}

const LOCAL = Symbol('local')

/** Run `fn` on the remote hostnet when one is given, else LOCAL. */
async function withRemote<T>(fn: (ops: RemotableOps) => Promise<T>): Promise<T | typeof LOCAL> {
  const remote = remoteEndpoint()
  if (remote === undefined) return LOCAL
  const { RemoteOps } = await import('../api/client/remote-ops.js')
  const ops = new RemoteOps(remote)
  try {
    return await fn(ops)
  } finally {
    ops.close()
  }
}

export async function withOps<T>(flags: RuntimeFlags, fn: (ops: RemotableOps) => Promise<T>, opts: OpsOptions = {}): Promise<T> {
  const remote = await withRemote(fn)
  if (remote !== LOCAL) return remote
  const [{ withRuntime }, { LocalOps }] = await Promise.all([import('../service/runtime.js'), import('../service/local.js')])
  return withRuntime(flags, (rt) => fn(new LocalOps(rt)), opts.networks === false ? { networks: false } : {})
}

/** The verbs that read only the store (net-list, net-info): locally they open the store and nothing else. */
export async function withStoreReads<T>(flags: RuntimeFlags, fn: (ops: StoreReadOps) => Promise<T>): Promise<T> {
  const remote = await withRemote(fn)
  if (remote !== LOCAL) return remote
  const { StoreReads, withStore } = await import('../service/session.js')
  return withStore(flags, (store) => fn(new StoreReads(store)))
}
