/** Every host's convergence, as `hostnet cluster status` and `GET /cluster/status` show it. */
import type { HostStatus, Labels } from '../../model/cluster/records.js'
import type { ClusterState } from '../../store/etcd/index.js'

export interface ClusterStatusView {
  /** The configuration's revision (its last change). */
  revision: number
  hosts: Array<{ id: string; address: string; labels: Labels; alive: boolean; status: HostStatus | null; converged: boolean }>
}

/** Every host's convergence to the configuration at `revision` (the current one). */
export async function clusterStatus(c: ClusterState): Promise<ClusterStatusView> {
  const [snap, statuses, alive] = await Promise.all([c.read(), c.statuses(), c.alive()])
  return {
    revision: snap.configRevision,
    hosts: [...snap.hosts.values()].map((h) => {
      const s = statuses.get(h.id)
      return { id: h.id, address: h.address, labels: h.labels, alive: alive.has(h.id), status: s ?? null, converged: s !== undefined && s.revision >= snap.configRevision && s.state === 'converged' }
    }),
  }
}

