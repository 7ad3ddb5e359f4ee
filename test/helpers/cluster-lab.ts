/**
 * A cluster on this machine for tests and the benchmark: hosts are network namespaces joined by an underlay
 * bridge (in a namespace of its own), each with its own state directory and, when started, its own agent process
 * (`bin/hostnet agent`); etcd from helpers/etcd.ts. Everything made here is removed by `destroy()`.
 * @module
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, openSync, closeSync, rmSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { makeNetns, removeNetns } from './netns.js'
import { repoRoot } from './paths.js'
import { EtcdClient, ClusterState, type EtcdOptions } from '../../src/store/etcd/index.js'
import type { HostStatus } from '../../src/model/cluster/records.js'

export const UNDERLAY_BRIDGE = 'ul0'

export interface LabHost {
  id: string
  netns: string
  stateDir: string
  address: string
  agent: ChildProcess | undefined
  logFile: string
}

export function ip(ns: string, ...args: string[]): string {
  return execFileSync('ip', ['-n', ns, ...args], { encoding: 'utf8' })
}

export function hostnet(args: string[], env: NodeJS.ProcessEnv = {}): string {
  return execFileSync(process.execPath, [join(repoRoot(), 'bin', 'hostnet'), ...args], { encoding: 'utf8', env: { ...process.env, ...env } })
}

export class ClusterLab {
  readonly hosts: LabHost[] = []
  readonly dir: string
  underlay = ''
  readonly etcd: EtcdClient
  readonly cluster: ClusterState

  constructor(
    readonly etcdUrls: string,
    admin: Pick<EtcdOptions, 'tls' | 'auth'> = {},
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'hostnet-cluster-'))
    this.etcd = new EtcdClient({ endpoints: etcdUrls.split(','), requestTimeoutMs: 2000, ...admin })
    this.cluster = new ClusterState(this.etcd)
  }

  /** `count` hosts 10.77.0.1.. on the underlay bridge; host i's underlay NIC is eth0, its switch port `p<i>`. */
  async addHosts(count: number): Promise<void> {
    if (this.underlay === '') {
      this.underlay = await makeNetns('ul')
      ip(this.underlay, 'link', 'add', UNDERLAY_BRIDGE, 'type', 'bridge')
      ip(this.underlay, 'link', 'set', UNDERLAY_BRIDGE, 'up')
    }
    const start = this.hosts.length
    for (let i = start + 1; i <= start + count; i++) {
      const ns = await makeNetns(`h${i}`)
      const stateDir = join(this.dir, `h${i}`)
      ip(this.underlay, 'link', 'add', `p${i}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns)
      ip(this.underlay, 'link', 'set', `p${i}`, 'master', UNDERLAY_BRIDGE, 'up')
      ip(ns, 'link', 'set', 'lo', 'up')
      ip(ns, 'addr', 'add', `10.77.0.${i}/24`, 'dev', 'eth0')
      ip(ns, 'link', 'set', 'eth0', 'up')
      this.hosts.push({ id: `h${i}`, netns: ns, stateDir, address: `10.77.0.${i}`, agent: undefined, logFile: join(this.dir, `h${i}.log`) })
    }
  }

  host(id: string): LabHost {
    const h = this.hosts.find((x) => x.id === id)
    if (h === undefined) throw new Error(`no host ${id}`)
    return h
  }

  /** Cut (or restore) a host's underlay link at the switch. */
  setLink(id: string, up: boolean): void {
    ip(this.underlay, 'link', 'set', `p${id.slice(1)}`, up ? 'up' : 'down')
  }

  startAgent(id: string, env: NodeJS.ProcessEnv = {}, extraArgs: readonly string[] = []): ChildProcess {
    const h = this.host(id)
    const log = openSync(h.logFile, 'a')
    h.agent = spawn(
      process.execPath,
      [join(repoRoot(), 'bin', 'hostnet'), 'agent', '--etcd', this.etcdUrls, '--host-id', h.id, '--netns', h.netns, '--state-dir', h.stateDir, '--lease-ttl', '5', ...extraArgs],
      { stdio: ['ignore', log, log], env: { ...process.env, ...env } },
    )
    closeSync(log)
    return h.agent
  }

  /** Stop a host's agent: SIGTERM (clean) or SIGKILL (a crash). */
  async stopAgent(id: string, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<number | null> {
    const p = this.host(id).agent
    this.host(id).agent = undefined
    if (p === undefined || p.exitCode !== null || p.signalCode !== null) return p?.exitCode ?? null
    const done = new Promise<number | null>((r) => p.once('exit', (code) => r(code)))
    p.kill(signal)
    return done
  }

  log(id: string): string {
    try {
      return readFileSync(this.host(id).logFile, 'utf8')
    } catch {
      return ''
    }
  }

  /** Register every lab host (labels per host from `labels`). */
  async register(labels: (h: LabHost, i: number) => Record<string, string> = () => ({})): Promise<void> {
    for (const [i, h] of this.hosts.entries()) await this.cluster.putHost({ id: h.id, address: h.address, labels: labels(h, i), underlayIface: 'eth0' })
  }

  /**
   * Wait until every host in `ids` reports a revision at or after `revision`, and `ok(status)` holds for it.
   * Returns the statuses. Throws with the laggards (and their agents' logs' tails) after `timeoutMs`.
   */
  async waitFor(ids: readonly string[], revision: number, ok: (s: HostStatus) => boolean = (s) => s.state === 'converged', timeoutMs = 180_000): Promise<Map<string, HostStatus>> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const st = await this.cluster.statuses().catch(() => new Map<string, HostStatus>())
      const lagging = ids.filter((id) => {
        const s = st.get(id)
        return s === undefined || s.revision < revision || !ok(s)
      })
      if (lagging.length === 0) return st
      if (Date.now() > deadline) {
        const detail = lagging.slice(0, 3).map((id) => `${id}: ${JSON.stringify(st.get(id) ?? null)}\n${this.log(id).slice(-1500)}`)
        throw new Error(`hosts not converged to revision ${revision}: ${lagging.join(', ')}\n${detail.join('\n')}`)
      }
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  async destroy(): Promise<void> {
    for (const h of this.hosts) await this.stopAgent(h.id, 'SIGKILL')
    this.etcd.close()
    for (const h of this.hosts) {
      // guests the test left behind: namespaces named after the host (lab/guests.ts)
      for (const ns of execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').map((l) => l.split(' ')[0]!)) {
        if (ns.startsWith(`${h.netns}-g-`)) execFileSync('ip', ['netns', 'delete', ns])
      }
      await removeNetns(h.netns)
    }
    if (this.underlay !== '') await removeNetns(this.underlay)
    rmSync(this.dir, { recursive: true, force: true })
  }
}
