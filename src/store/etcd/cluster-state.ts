/**
 * The cluster's records in etcd, under one prefix (default `/hostnet/`):
 *   config/hosts/ID, config/networks/NAME, config/documents/NAME  what the admin defines (agents watch config/)
 *   config/generation                                            rewritten by every admin change (deletions too),
 *                                                                so the configuration's revision is its newest key's
 *   vni/VNI                                                      the logical network holding a VNI (unique)
 *   status/ID                                                    each host's report (written by its agent only)
 *   alive/ID                                                     the agent's liveness, under a lease
 * Every admin write is a compare-and-swap on the revisions it read, so two admins never overwrite each other.
 * @module
 */
import { randomUUID } from 'node:crypto'
import { HostnetError, ValidationError } from '../../errors.js'
import {
  VNI_AUTO_MIN,
  VNI_MAX,
  checkHostDocument,
  checkHostRecord,
  checkHostStatus,
  checkLogicalNetwork,
  readRecord,
  type HostDocument,
  type HostRecord,
  type HostStatus,
  type LogicalNetwork,
} from '../../model/cluster/records.js'
import type { Compare, EtcdClient, KeyValue, TxnOp } from './client.js'

export const DEFAULT_CLUSTER_PREFIX = '/hostnet/'

/** A record that failed its checks: left out of the configuration, reported by every agent that reads it. */
export interface InvalidRecord {
  key: string
  object: string
  message: string
  path?: string
}

export interface ClusterSnapshot {
  /** The store's revision at the read (status writes move it too). */
  revision: number
  /** The revision of the configuration's last change: a host whose report is at or after it has seen it. */
  configRevision: number
  hosts: Map<string, HostRecord>
  networks: Map<string, LogicalNetwork>
  documents: Map<string, HostDocument>
  invalid: InvalidRecord[]
}

/** A logical network as an admin defines it: VNI and bridge may be left to hostnet. */
export interface NetworkInput {
  name: string
  segment: { kind: 'vxlan'; vni?: number } | { kind: 'vlan'; physical: string; vlanId: number }
  bridge?: string
  mtu?: number
  hosts?: Record<string, string>
}

export interface AliveRecord {
  hostId: string
  pid: number
  agentStartMs: number
}

const CAS_ATTEMPTS = 16

export class ClusterState {
  readonly configPrefix: string
  readonly hostsPrefix: string
  readonly networksPrefix: string
  readonly documentsPrefix: string
  readonly vniPrefix: string
  readonly statusPrefix: string
  readonly alivePrefix: string
  readonly generationKey: string

  constructor(
    readonly etcd: EtcdClient,
    readonly prefix = DEFAULT_CLUSTER_PREFIX,
  ) {
    if (!prefix.startsWith('/') || !prefix.endsWith('/')) throw new ValidationError(`invalid cluster prefix '${prefix}': it starts and ends with '/'`, { path: '--prefix' })
    this.configPrefix = `${prefix}config/`
    this.hostsPrefix = `${this.configPrefix}hosts/`
    this.networksPrefix = `${this.configPrefix}networks/`
    this.documentsPrefix = `${this.configPrefix}documents/`
    this.vniPrefix = `${prefix}vni/`
    this.statusPrefix = `${prefix}status/`
    this.alivePrefix = `${prefix}alive/`
    this.generationKey = `${this.configPrefix}generation`
  }

  private bump(): TxnOp {
    return { put: { key: this.generationKey, value: '' } }
  }

  /** An admin change: `ops` and the generation bump, when `compare` holds; the revision, or undefined. */
  private async change(compare: Compare[], ops: TxnOp[]): Promise<number | undefined> {
    const r = await this.etcd.txn(compare, [...ops, this.bump()])
    return r.succeeded ? r.revision : undefined
  }

  statusKey(hostId: string): string {
    return `${this.statusPrefix}${hostId}`
  }

  aliveKey(hostId: string): string {
    return `${this.alivePrefix}${hostId}`
  }

  /** Everything under config/ at one revision; records that fail their checks are listed in `invalid`. */
  async read(): Promise<ClusterSnapshot> {
    const { revision, kvs } = await this.etcd.rangePrefix(this.configPrefix)
    const snap: ClusterSnapshot = { revision, configRevision: 0, hosts: new Map(), networks: new Map(), documents: new Map(), invalid: [] }
    for (const e of kvs) {
      snap.configRevision = Math.max(snap.configRevision, e.modRevision)
      if (e.key === this.generationKey) continue
      const take = <T extends { name?: string; id?: string }>(prefix: string, check: (v: unknown) => T, what: string, into: Map<string, T>): boolean => {
        if (!e.key.startsWith(prefix)) return false
        const name = e.key.slice(prefix.length)
        try {
          const rec = readRecord(e.value, check, `${what} '${name}'`)
          const recName = rec.name ?? rec.id
          if (recName !== name) throw new ValidationError(`invalid ${what} '${name}': its record names '${String(recName)}'`, { path: what === 'host' ? '/id' : '/name' })
          into.set(name, rec)
        } catch (err) {
          const v = err as HostnetError & { path?: string }
          snap.invalid.push({ key: e.key, object: `${what} ${name}`, message: v.message, ...(v.path === undefined ? {} : { path: v.path }) })
        }
        return true
      }
      void (
        take(this.hostsPrefix, checkHostRecord, 'host', snap.hosts) ||
        take(this.networksPrefix, checkLogicalNetwork, 'network', snap.networks) ||
        take(this.documentsPrefix, checkHostDocument, 'document', snap.documents)
      )
    }
    return snap
  }

  /** Add or replace a host (its id, address, labels): members' head-end replication follows. */
  async putHost(h: HostRecord): Promise<number> {
    const rec = checkHostRecord(h)
    return (await this.change([], [{ put: { key: `${this.hostsPrefix}${rec.id}`, value: JSON.stringify(rec) } }]))!
  }

  /** The revision of the removal, or undefined when there was no such host. */
  async removeHost(id: string): Promise<number | undefined> {
    return this.change([{ key: `${this.hostsPrefix}${id}`, target: 'CREATE', result: 'GREATER', revision: 0 }], [{ delete: { key: `${this.hostsPrefix}${id}` } }, { delete: { key: this.statusKey(id) } }])
  }

  /**
   * Define (or redefine) a logical network. A VXLAN network's VNI is claimed under vni/ in the same transaction
   * (given: it must be free or already this network's; not given: the network's current one, else the lowest free
   * from VNI_AUTO_MIN). The bridge defaults to `vbr<VNI>` (VLAN: `vbr<physical>-<id>` when short enough).
   */
  async defineNetwork(input: NetworkInput): Promise<{ network: LogicalNetwork; revision: number }> {
    const key = `${this.networksPrefix}${input.name}`
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const old = await this.etcd.get(key)
      const oldNet = old === undefined ? undefined : tryRead(old.value)
      let vni: number | undefined
      if (input.segment.kind === 'vxlan') {
        vni = input.segment.vni ?? (oldNet?.segment.kind === 'vxlan' ? oldNet.segment.vni : await this.freeVni())
      }
      const segment = input.segment.kind === 'vxlan' ? { kind: 'vxlan' as const, vni: vni! } : input.segment
      const bridge = input.bridge ?? (segment.kind === 'vxlan' ? `vbr${segment.vni}` : `vbr${segment.vlanId}`)
      const network = checkLogicalNetwork({ name: input.name, uuid: oldNet?.uuid ?? randomUUID(), segment, bridge, hosts: input.hosts ?? {}, ...(input.mtu === undefined ? {} : { mtu: input.mtu }) })
      const compare: Compare[] = [{ key, target: 'MOD', result: 'EQUAL', revision: old?.modRevision ?? 0 }]
      const ops: TxnOp[] = [{ put: { key, value: JSON.stringify(network) } }]
      const oldVni = oldNet?.segment.kind === 'vxlan' ? oldNet.segment.vni : undefined
      if (vni !== undefined && vni !== oldVni) {
        compare.push({ key: `${this.vniPrefix}${vni}`, target: 'CREATE', result: 'EQUAL', revision: 0 })
        ops.push({ put: { key: `${this.vniPrefix}${vni}`, value: input.name } })
      }
      if (oldVni !== undefined && oldVni !== vni) ops.push({ delete: { key: `${this.vniPrefix}${oldVni}` } })
      const revision = await this.change(compare, ops)
      if (revision !== undefined) return { network, revision }
      if (input.segment.kind === 'vxlan' && input.segment.vni !== undefined) {
        const holder = await this.etcd.get(`${this.vniPrefix}${input.segment.vni}`)
        if (holder !== undefined && holder.value !== input.name) {
          throw new HostnetError('conflict', `VNI ${input.segment.vni} is already used by logical network '${holder.value}'`, { details: { path: '/segment/vni' } })
        }
      }
    }
    throw new HostnetError('conflict', `logical network '${input.name}' kept changing while it was being defined (${CAS_ATTEMPTS} attempts)`)
  }

  private async freeVni(): Promise<number> {
    const { kvs } = await this.etcd.rangePrefix(this.vniPrefix)
    const used = new Set(kvs.map((e) => Number(e.key.slice(this.vniPrefix.length))))
    for (let v = VNI_AUTO_MIN; v <= VNI_MAX; v++) if (!used.has(v)) return v
    throw new HostnetError('conflict', 'no free VNI left')
  }

  /** Remove a logical network and free its VNI: the revision of the removal, or undefined when there was none. */
  async undefineNetwork(name: string): Promise<number | undefined> {
    const key = `${this.networksPrefix}${name}`
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const old = await this.etcd.get(key)
      if (old === undefined) return undefined
      const net = tryRead(old.value)
      const ops: TxnOp[] = [{ delete: { key } }, ...(net?.segment.kind === 'vxlan' ? [{ delete: { key: `${this.vniPrefix}${net.segment.vni}` } }] : [])]
      const revision = await this.change([{ key, target: 'MOD', result: 'EQUAL', revision: old.modRevision }], ops)
      if (revision !== undefined) return revision
    }
    throw new HostnetError('conflict', `logical network '${name}' kept changing while it was being removed`)
  }

  async putDocument(d: HostDocument): Promise<number> {
    const rec = checkHostDocument(d)
    return (await this.change([], [{ put: { key: `${this.documentsPrefix}${rec.name}`, value: JSON.stringify(rec) } }]))!
  }

  /** The revision of the removal, or undefined when there was no such document. */
  async deleteDocument(name: string): Promise<number | undefined> {
    return this.change([{ key: `${this.documentsPrefix}${name}`, target: 'CREATE', result: 'GREATER', revision: 0 }], [{ delete: { key: `${this.documentsPrefix}${name}` } }])
  }

  async putStatus(s: HostStatus): Promise<void> {
    await this.etcd.put(this.statusKey(s.hostId), JSON.stringify(s))
  }

  async statuses(): Promise<Map<string, HostStatus>> {
    return mapRecords(await this.etcd.rangePrefix(this.statusPrefix), this.statusPrefix, (v) => readRecord(v, checkHostStatus, 'status'))
  }

  async alive(): Promise<Map<string, AliveRecord>> {
    return mapRecords(await this.etcd.rangePrefix(this.alivePrefix), this.alivePrefix, (v) => JSON.parse(v) as AliveRecord)
  }
}

function tryRead(text: string): LogicalNetwork | undefined {
  try {
    return readRecord(text, checkLogicalNetwork, 'network')
  } catch {
    return undefined // an invalid stored record: redefining it replaces it
  }
}

function mapRecords<T>(r: { kvs: KeyValue[] }, prefix: string, read: (v: string) => T): Map<string, T> {
  const out = new Map<string, T>()
  for (const e of r.kvs) {
    try {
      out.set(e.key.slice(prefix.length), read(e.value))
    } catch {
      // a report that cannot be read is shown as missing
    }
  }
  return out
}
