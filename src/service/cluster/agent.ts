/**
 * The cluster agent of one host (`hostnet agent --etcd URL --host-id ID`): it reads the cluster's configuration
 * from etcd, compiles what its host should have (plan/cluster), makes it so through the same transaction engine
 * and network driver as the CLI (one transaction per logical network or document: a failure rolls that one back
 * and is reported with its object and field, the others go on), reports the result under status/ID, and waits for
 * the next change.
 *
 * Level-triggered: every pass reads the whole config/ prefix at one revision and watches from the next one, so a
 * change is never missed, whether it came during a pass, while etcd was unreachable, while the agent was down, or
 * before etcd compacted its history. What the agent made (each network's hash and devices, each document's hash)
 * is in the host's own store (store/cluster-agent.ts), written before anything is created: a pass applies only what
 * changed (nothing twice), and removes only devices and networks the record proves it made. While etcd cannot be
 * reached the host keeps its last applied state untouched and the agent retries with a bounded backoff.
 * @module
 */
import { createHash } from 'node:crypto'
import type { Target } from '../../model/target.js'
import type { Iface } from '../../model/host/iface.js'
import type { HostState } from '../../model/host/state.js'
import type { HostStatus, StatusFailure } from '../../model/cluster/records.js'
import { compileHost, type HostNetwork } from '../../plan/cluster/compile.js'
import { HostnetError, cut, errorMessage } from '../../errors.js'
import { ClusterAgentRecords, agentActor, type AgentApplied, type Actor } from '../../store/index.js'
import { ClusterState, EtcdUnavailableError, type ClusterSnapshot } from '../../store/etcd/index.js'
import { sleepMs as sleep } from '../../sys/sleep.js'
import { parseDocument, runApply } from '../host.js'
import type { Runtime } from '../runtime.js'

export interface AgentOptions {
  hostId: string
  target: Target
  cluster: ClusterState
  rt: Runtime
  /** Liveness lease (default 10 s; the agent renews it every third of that). */
  leaseTtlSec?: number
  log?: (line: string) => void
  nowMs?: () => number
}

const BACKOFF_MIN_MS = 100
const BACKOFF_MAX_MS = 2000
/** A full read even without a watch event (a safety net, not the mechanism). */
const RESYNC_MS = 60_000
const DEFAULT_LEASE_TTL_SEC = 10

export interface PassResult {
  revision: number
  status: HostStatus
}

const hashOf = (v: unknown): string => createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 32)

function failureOf(object: string, e: unknown): StatusFailure {
  const path = e instanceof HostnetError ? ((e as { path?: string }).path ?? (e.details as { path?: unknown } | undefined)?.path) : undefined
  return { object, message: cut(errorMessage(e), 600), ...(typeof path === 'string' ? { path } : {}) }
}

export class ClusterAgent {
  readonly startMs: number
  private readonly records: ClusterAgentRecords
  private readonly actor: Actor
  private readonly log: (line: string) => void
  private readonly nowMs: () => number
  private lease: string | undefined
  private leaseTimer: NodeJS.Timeout | undefined
  /** Passes run so far (tests, benchmarks). */
  passes = 0

  constructor(private readonly o: AgentOptions) {
    this.nowMs = o.nowMs ?? Date.now
    this.startMs = this.nowMs()
    this.records = new ClusterAgentRecords(o.rt.store.db)
    this.actor = agentActor(o.hostId)
    this.log = o.log ?? (() => undefined)
  }

  private applied(): { revision: number; applied: AgentApplied } {
    const r = this.records.get(this.o.hostId)
    return r === undefined ? { revision: 0, applied: { networks: {}, documents: {} } } : { revision: r.revision, applied: r.applied }
  }

  /** Record what was applied (`revision`: the configuration fully reconciled; default: the one recorded before). */
  private save(applied: AgentApplied, revision = this.applied().revision): void {
    this.records.put(this.o.hostId, revision, applied, this.nowMs())
  }

  /** One pass: read, reconcile, report. Throws EtcdUnavailableError when etcd cannot be read (nothing was changed). */
  async pass(): Promise<PassResult> {
    const snap = await this.o.cluster.read()
    this.log(`revision ${snap.revision}: read`)
    const failures = await this.reconcile(snap)
    const { applied } = this.applied()
    const status: HostStatus = {
      hostId: this.o.hostId,
      revision: snap.revision,
      state: failures.length === 0 ? 'converged' : 'failed',
      failures,
      networks: Object.keys(applied.networks).filter((n) => applied.networks[n]!.hash !== 'pending').sort(),
      documents: Object.keys(applied.documents).sort(),
      timeMs: this.nowMs(),
      agentStartMs: this.startMs,
    }
    this.passes++
    await this.report(status)
    return { revision: snap.revision, status }
  }

  private async report(status: HostStatus): Promise<void> {
    // The report waits for etcd (a pass's result is never lost); the host's state is already applied.
    for (let delay = BACKOFF_MIN_MS; ; delay = Math.min(delay * 2, BACKOFF_MAX_MS)) {
      try {
        await this.o.cluster.putStatus(status)
        return
      } catch (e) {
        if (!(e instanceof EtcdUnavailableError)) throw e
        this.log(`cannot report status (retrying): ${e.message}`)
        await sleep(delay)
      }
    }
  }

  private async reconcile(snap: ClusterSnapshot): Promise<StatusFailure[]> {
    const desired = compileHost(this.o.hostId, snap)
    const failures: StatusFailure[] = snap.invalid.map((i) => ({ object: i.object, message: i.message, ...(i.path === undefined ? {} : { path: i.path }) }))
    const { applied } = this.applied()
    let current: HostState | undefined
    const state = async (): Promise<HostState> => (current ??= await this.o.rt.backend.query(this.o.target))
    const wanted = new Set(desired.networks.filter((n) => n.problem === undefined).map((n) => n.name))
    // Removals first: a device a removed network frees may be what a new one needs.
    for (const name of Object.keys(applied.networks)) {
      if (wanted.has(name) && desired.networks.some((n) => n.name === name)) continue
      try {
        await this.removeNetwork(name, applied, await state())
        current = undefined
      } catch (e) {
        failures.push(failureOf(`network ${name}`, e))
      }
    }
    for (const n of desired.networks) {
      if (n.problem !== undefined) {
        failures.push({ object: `network ${n.name}`, message: n.problem })
        continue
      }
      try {
        if (await this.applyNetwork(n, applied, state)) current = undefined
      } catch (e) {
        failures.push(failureOf(`network ${n.name}`, e))
        current = undefined
      }
    }
    const docs = new Set(desired.documents.map((d) => d.name))
    for (const name of Object.keys(applied.documents)) if (!docs.has(name)) delete applied.documents[name]
    for (const d of desired.documents) {
      const hash = hashOf([d.format, d.text])
      if (applied.documents[d.name] === hash) continue
      try {
        this.log(`revision ${snap.revision}: applying document ${d.name}`)
        await runApply(this.o.rt, this.o.target, parseDocument({ text: d.text, format: d.format }), { actor: this.actor })
        applied.documents[d.name] = hash
        current = undefined
      } catch (e) {
        failures.push(failureOf(`document ${d.name}`, e))
      }
    }
    this.save(applied, snap.revision)
    return failures
  }

  /** Apply one logical network if it changed; true when something was applied. */
  private async applyNetwork(n: HostNetwork, applied: AgentApplied, state: () => Promise<HostState>): Promise<boolean> {
    const hash = hashOf([n.interfaces, n.networkXml])
    const prev = applied.networks[n.name]
    const networks = this.o.rt.networks()
    const existing = networks.list(this.o.target, { all: true }).find((x) => x.name === n.name)
    if (prev?.hash === hash && existing?.state === 'active') return false
    const cur = await state()
    const mine = new Set(prev?.owned ?? [])
    if (prev === undefined) {
      const taken = n.owned.filter((d) => cur.interfaces.some((i) => i.name === d) && !this.ownedByAny(applied, d))
      if (taken.length > 0) throw new HostnetError('conflict', `device '${taken[0]}' exists on host '${this.o.hostId}' and was not made by the cluster agent`, { details: { path: '/bridge' } })
      if (existing !== undefined) throw new HostnetError('conflict', `network '${n.name}' exists on host '${this.o.hostId}' and was not defined by the cluster agent`, { details: { path: '/name' } })
    }
    this.log(`applying network ${n.name}`)
    // The record first: should the agent die from here on, its restart knows these devices are its own.
    applied.networks[n.name] = { ...prev, hash: 'pending', owned: [...new Set([...mine, ...n.owned])], network: n.name }
    this.save(applied)
    const gone = [...mine].filter((d) => !n.owned.includes(d))
    const absent = gone.flatMap((d): Iface[] => {
      const i = cur.interfaces.find((x) => x.name === d)
      return i === undefined ? [] : [{ name: d, type: i.type, state: 'absent' }]
    })
    await runApply(this.o.rt, this.o.target, { interfaces: [...n.interfaces, ...absent] }, { actor: this.actor })
    const who = { actor: this.actor }
    const xmlHash = hashOf(n.networkXml)
    const xmlChanged = prev?.xmlHash !== xmlHash
    if (existing !== undefined && xmlChanged && existing.state === 'active') await networks.destroy(this.o.target, n.name, who)
    if (existing === undefined || xmlChanged) await networks.define(this.o.target, n.networkXml, who)
    if (existing === undefined || xmlChanged || existing.state !== 'active') await networks.start(this.o.target, n.name, who)
    networks.setAutostart(this.o.target, n.name, true, who)
    applied.networks[n.name] = { hash, xmlHash, owned: n.owned, network: n.name }
    this.save(applied)
    return true
  }

  private ownedByAny(applied: AgentApplied, dev: string): boolean {
    return Object.values(applied.networks).some((a) => a.owned.includes(dev))
  }

  private async removeNetwork(name: string, applied: AgentApplied, cur: HostState): Promise<void> {
    const prev = applied.networks[name]!
    const networks = this.o.rt.networks()
    const existing = networks.list(this.o.target, { all: true }).find((x) => x.name === prev.network)
    const who = { actor: this.actor }
    if (existing !== undefined) {
      if (existing.state === 'active') await networks.destroy(this.o.target, prev.network, who)
      if (existing.persistent) networks.undefine(this.o.target, prev.network, who)
    }
    const absent = prev.owned.flatMap((d): Iface[] => {
      const i = cur.interfaces.find((x) => x.name === d)
      return i === undefined ? [] : [{ name: d, type: i.type, state: 'absent' }]
    })
    if (absent.length > 0) await runApply(this.o.rt, this.o.target, { interfaces: absent }, { actor: this.actor })
    delete applied.networks[name]
    this.save(applied)
  }

  private async renewLease(): Promise<void> {
    const etcd = this.o.cluster.etcd
    const ttl = this.o.leaseTtlSec ?? DEFAULT_LEASE_TTL_SEC
    try {
      if (this.lease !== undefined && (await etcd.leaseKeepAlive(this.lease))) return
      this.lease = await etcd.leaseGrant(ttl)
      await etcd.put(this.o.cluster.aliveKey(this.o.hostId), JSON.stringify({ hostId: this.o.hostId, pid: process.pid, agentStartMs: this.startMs }), this.lease)
    } catch (e) {
      this.log(`liveness lease: ${errorMessage(e)}`)
    }
  }

  /** Run until `signal` aborts: pass, then wait for the next change (or etcd's return). */
  async run(signal: AbortSignal, onPass?: (r: PassResult) => void): Promise<void> {
    const ttl = this.o.leaseTtlSec ?? DEFAULT_LEASE_TTL_SEC
    void this.renewLease()
    this.leaseTimer = setInterval(() => void this.renewLease(), Math.max(500, (ttl * 1000) / 3))
    let backoff = BACKOFF_MIN_MS
    try {
      while (!signal.aborted) {
        let revision: number
        try {
          const r = await this.pass()
          onPass?.(r)
          revision = r.revision
          backoff = BACKOFF_MIN_MS
        } catch (e) {
          if (!(e instanceof EtcdUnavailableError)) throw e
          this.log(`etcd unavailable, keeping the last applied state: ${e.message}`)
          await sleep(backoff, signal)
          backoff = Math.min(backoff * 2, BACKOFF_MAX_MS)
          continue
        }
        await this.waitForChange(revision + 1, signal)
      }
    } finally {
      clearInterval(this.leaseTimer)
      if (this.lease !== undefined) await this.o.cluster.etcd.leaseRevoke(this.lease).catch((e: unknown) => this.log(`lease revoke: ${errorMessage(e)}`))
    }
  }

  private async waitForChange(fromRevision: number, signal: AbortSignal): Promise<void> {
    const resync = new AbortController()
    const timer = setTimeout(() => resync.abort(), RESYNC_MS)
    const both = AbortSignal.any([signal, resync.signal])
    try {
      await this.o.cluster.etcd.waitForChange(this.o.cluster.configPrefix, fromRevision, both)
    } catch (e) {
      if (!(e instanceof EtcdUnavailableError)) throw e
      this.log(`watch: ${e.message}`)
      await sleep(BACKOFF_MIN_MS, signal)
    } finally {
      clearTimeout(timer)
    }
  }
}
