/**
 * etcd for tests: Debian's etcd-server on loopback, on free ports, with its data in a temporary directory; a
 * single member or a cluster of three; stopped (and its directory removed) by the test. Members can be killed
 * and restarted (same data, same ports) to test outages and leader changes.
 * @module
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, openSync, closeSync, readFileSync } from 'node:fs'
import { EtcdClient } from '../../src/store/etcd/index.js'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const ETCD_BIN = '/usr/bin/etcd'

export function haveEtcd(): boolean {
  return spawnSync(ETCD_BIN, ['--version'], { stdio: 'ignore' }).status === 0
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const a = s.address()
      const port = typeof a === 'object' && a !== null ? a.port : 0
      s.close(() => resolve(port))
    })
  })
}

/** TLS of the client URLs (PEM file paths): members require client certificates signed by `ca`. */
export interface EtcdTlsFiles {
  cert: string
  key: string
  ca: string
}

interface Member {
  name: string
  clientPort: number
  peerPort: number
  proc: ChildProcess | undefined
}

export class EtcdCluster {
  readonly dir: string
  private constructor(
    readonly members: Member[],
    dir: string,
    readonly tls: EtcdTlsFiles | undefined,
  ) {
    this.dir = dir
  }

  static async start(size = 1, tls?: EtcdTlsFiles): Promise<EtcdCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'hostnet-etcd-'))
    const members: Member[] = []
    for (let i = 0; i < size; i++) members.push({ name: `m${i}`, clientPort: await freePort(), peerPort: await freePort(), proc: undefined })
    const c = new EtcdCluster(members, dir, tls)
    try {
      for (let i = 0; i < size; i++) c.spawnMember(i)
      await c.waitHealthy()
    } catch (e) {
      await c.stop()
      throw e
    }
    return c
  }

  get endpoints(): string[] {
    return this.members.map((m) => `${this.tls === undefined ? 'http' : 'https'}://127.0.0.1:${m.clientPort}`)
  }

  /** For `--etcd`. */
  get urls(): string {
    return this.endpoints.join(',')
  }

  private spawnMember(i: number): void {
    const m = this.members[i]!
    const initial = this.members.map((x) => `${x.name}=http://127.0.0.1:${x.peerPort}`).join(',')
    const log = openSync(join(this.dir, `${m.name}.log`), 'a')
    m.proc = spawn(
      ETCD_BIN,
      [
        '--name', m.name,
        '--data-dir', join(this.dir, m.name),
        '--listen-client-urls', this.endpoints[i]!,
        '--advertise-client-urls', this.endpoints[i]!,
        ...(this.tls === undefined ? [] : ['--cert-file', this.tls.cert, '--key-file', this.tls.key, '--trusted-ca-file', this.tls.ca, '--client-cert-auth']),
        '--listen-peer-urls', `http://127.0.0.1:${m.peerPort}`,
        '--initial-advertise-peer-urls', `http://127.0.0.1:${m.peerPort}`,
        '--initial-cluster', initial,
        '--initial-cluster-state', 'new',
        '--initial-cluster-token', `hostnet-test-${process.pid}`,
        '--heartbeat-interval', '50',
        '--election-timeout', '500',
        '--snapshot-count', '100000',
      ],
      { stdio: ['ignore', log, log] },
    )
    closeSync(log)
  }

  /** Kill member i (SIGKILL: no goodbye to its peers). */
  async kill(i: number): Promise<void> {
    const p = this.members[i]!.proc
    if (p === undefined || p.exitCode !== null) return
    const done = new Promise((r) => p.once('exit', r))
    p.kill('SIGKILL')
    await done
    this.members[i]!.proc = undefined
  }

  /** Start member i again with its data. */
  async restart(i: number): Promise<void> {
    this.spawnMember(i)
    await this.waitHealthy([i])
  }

  /** The index of the current leader (asked of any member that answers). */
  async leader(): Promise<number> {
    for (let attempt = 0; attempt < 100; attempt++) {
      for (const [i, m] of this.members.entries()) {
        if (m.proc === undefined) continue
        const s = await post(m.clientPort, '/v3/maintenance/status', {}).catch(() => undefined)
        const st = s as { leader?: string; header?: { member_id?: string } } | undefined
        if (st?.leader === undefined || st.leader === '0') continue
        if (st.leader === st.header?.member_id) return i
      }
      await new Promise((r) => setTimeout(r, 50))
    }
    throw new Error('no etcd leader')
  }

  async waitHealthy(which: number[] = this.members.map((_, i) => i), timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    for (const i of which) {
      for (;;) {
        if (await this.answers(i)) break
        if (Date.now() > deadline) throw new Error(`etcd member ${i} did not become healthy`)
        await new Promise((res) => setTimeout(res, 100))
      }
    }
  }

  /** Whether member i answers a read (with TLS: with the member's own certificate as the client's). */
  private async answers(i: number): Promise<boolean> {
    const tls = this.tls === undefined ? undefined : { ca: readFileSync(this.tls.ca), cert: readFileSync(this.tls.cert), key: readFileSync(this.tls.key) }
    const c = new EtcdClient({ endpoints: [this.endpoints[i]!], requestTimeoutMs: 1000, ...(tls === undefined ? {} : { tls }) })
    try {
      await c.get('health')
      return true
    } catch {
      return false
    } finally {
      c.close()
    }
  }

  async stop(): Promise<void> {
    for (let i = 0; i < this.members.length; i++) await this.kill(i)
    rmSync(this.dir, { recursive: true, force: true })
  }
}

async function post(port: number, path: string, body: unknown): Promise<unknown> {
  const r = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(1000) })
  return r.json()
}
