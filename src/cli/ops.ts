/**
 * Where a verb runs: here (the service layer over this host's store and kernel, after crash recovery), or with
 * `--url URL` / $HOSTNET_URL on a remote hostnet through its API, printing the same.
 * @module
 */
import type { RemotableOps } from '../service/ops.js'
import { remoteEndpoint } from './remote.js'
import type { RuntimeFlags } from '../service/runtime.js'

export async function withOps<T>(flags: RuntimeFlags, fn: (ops: RemotableOps) => Promise<T>): Promise<T> {
  const remote = remoteEndpoint()
  if (remote !== undefined) {
    const { RemoteOps } = await import('../api/client/remote-ops.js')
    const ops = new RemoteOps(remote)
    try {
      return await fn(ops)
    } finally {
      ops.close()
    }
  }
  const [{ withRuntime }, { LocalOps }] = await Promise.all([import('../service/runtime.js'), import('../service/local.js')])
  return withRuntime(flags, (rt) => fn(new LocalOps(rt)))
}
