/**
 * The DHCP clients of host interfaces: one dhcpcd per interface and family, started and owned by hostnet. Its
 * record (`<state-dir>/dhcp-clients/<target>/<iface>.<family>/client.json`) is written before the process starts
 * and names it by pid and start time once it runs; only a process matching its record is ever signalled, and a
 * record is the only way a client is found (never by name). Each client runs through the netlink helper's
 * `private` command: in the target's network namespace, with a mount namespace of its own where /run is empty and
 * /var/lib/dhcpcd is the record's directory (dhcpcd keeps its pid file, socket and lease in fixed paths, so
 * clients of same-named interfaces in different namespaces would collide otherwise).
 *
 * dhcpcd configures the lease's address and routes itself and removes them when it stops (SIGTERM). The name
 * servers of clients with auto-dns go to the target's resolver: `/etc/netns/NAME/resolv.conf` for a namespace
 * (what `ip netns exec` shows as /etc/resolv.conf), written and removed only when hostnet wrote it (its first line).
 * @module
 */
import { spawn } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { HostnetError } from '../../errors.js'
import type { DhcpClientConfig, DhcpFamily, DhcpLease } from '../../model/host/dhcp.js'
import { describeTarget, type Target } from '../../model/target.js'
import { checkNetnsName } from '../../sys/netns.js'
import { processIdentity, processRunning, type ProcessIdentity } from '../../sys/process.js'
import { sleepMs } from '../../sys/sleep.js'
import { defaultHelperPath } from '../netlink/index.js'
import { DHCPCD_DB_DIR, dhcpcdArgv } from './argv.js'
import { MAX_LEASE_BYTES, parseDhcpv4Lease } from './lease.js'

/** How long an apply waits for the leases of the clients it started (nmstate's DHCP timeout). */
export const DHCP_LEASE_TIMEOUT_MS = 30_000
const STOP_TIMEOUT_MS = 5_000
const RESOLV_MARK = '# written by hostnet: name servers of DHCP leases (auto-dns)'

export interface DhcpClientRecord {
  readonly ifname: string
  readonly family: DhcpFamily
  readonly client: DhcpClientConfig
  /** The dhcpcd process, once it runs. */
  owner?: ProcessIdentity
  readonly startedMs: number
}

/** A client hostnet runs, as queries report it. */
export interface RunningDhcpClient {
  readonly ifname: string
  readonly family: DhcpFamily
  readonly client: DhcpClientConfig
  readonly lease?: DhcpLease
}

export interface DhcpcdClientsOptions {
  /** hostnet's state directory: the clients' records live under it. */
  stateDir: string
  /** The netlink helper (native/build/hostnet-nl). */
  helper?: string
  /** How long an apply waits for leases (default {@link DHCP_LEASE_TIMEOUT_MS}). */
  leaseTimeoutMs?: number
  /** Where per-namespace /etc files live (default /etc/netns, as `ip netns exec` reads them). */
  etcNetnsDir?: string
}

function targetDirName(t: Target): string {
  return t.kind === 'host' ? 'host' : `netns.${checkNetnsName(t.name)}`
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw e
  }
}

export class DhcpcdClients {
  private readonly helper: string
  readonly leaseTimeoutMs: number
  private readonly etcNetnsDir: string

  constructor(private readonly o: DhcpcdClientsOptions) {
    this.helper = o.helper ?? defaultHelperPath()
    this.leaseTimeoutMs = o.leaseTimeoutMs ?? DHCP_LEASE_TIMEOUT_MS
    this.etcNetnsDir = o.etcNetnsDir ?? '/etc/netns'
  }

  private targetDir(t: Target): string {
    return join(this.o.stateDir, 'dhcp-clients', targetDirName(t))
  }

  private clientDir(t: Target, ifname: string, family: DhcpFamily): string {
    return join(this.targetDir(t), `${ifname}.${family}`)
  }

  private readRecord(dir: string): DhcpClientRecord | undefined {
    const v = readJson(join(dir, 'client.json')) as DhcpClientRecord | undefined
    return v !== undefined && typeof v.ifname === 'string' && (v.family === 'ipv4' || v.family === 'ipv6') ? v : undefined
  }

  private writeRecord(dir: string, r: DhcpClientRecord): void {
    mkdirSync(join(dir, 'lib'), { recursive: true })
    const tmp = join(dir, 'client.json.tmp')
    writeFileSync(tmp, `${JSON.stringify(r)}\n`)
    renameSync(tmp, join(dir, 'client.json'))
  }

  private records(t: Target): Array<{ dir: string; record: DhcpClientRecord }> {
    let names: string[]
    try {
      names = readdirSync(this.targetDir(t))
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw e
    }
    const out: Array<{ dir: string; record: DhcpClientRecord }> = []
    for (const n of names.sort()) {
      const dir = join(this.targetDir(t), n)
      const record = this.readRecord(dir)
      if (record !== undefined) out.push({ dir, record })
    }
    return out
  }

  private lease(dir: string, r: DhcpClientRecord): DhcpLease | undefined {
    if (r.family !== 'ipv4') return undefined
    let buf: Buffer
    try {
      buf = readFileSync(join(dir, 'lib', `${r.ifname}.lease`))
    } catch {
      return undefined
    }
    return buf.length > MAX_LEASE_BYTES ? undefined : parseDhcpv4Lease(buf)
  }

  /** The clients of the target whose process runs (a record whose process died is not one). */
  list(t: Target): RunningDhcpClient[] {
    const out: RunningDhcpClient[] = []
    for (const { dir, record } of this.records(t)) {
      if (record.owner === undefined || !processRunning(record.owner)) continue
      const lease = this.lease(dir, record)
      out.push({ ifname: record.ifname, family: record.family, client: record.client, ...(lease === undefined ? {} : { lease }) })
    }
    return out
  }

  /** Refuse what cannot be done before anything is started (the host's resolver is not written by hostnet). */
  check(t: Target, client: DhcpClientConfig, ifname: string): void {
    if (t.kind === 'host' && client.autoDns) {
      throw new HostnetError('not-supported', `interface '${ifname}': ${client.family}.auto-dns on the host: hostnet writes the resolver of network namespaces only; give auto-dns: false`)
    }
  }

  /** Start the client (a dead one of the same record is replaced); resolves once the process runs. */
  async start(t: Target, ifname: string, client: DhcpClientConfig): Promise<void> {
    this.check(t, client, ifname)
    const dir = this.clientDir(t, ifname, client.family)
    await this.stop(t, ifname, client.family)
    const record: DhcpClientRecord = { ifname, family: client.family, client, startedMs: Date.now() }
    this.writeRecord(dir, record) // before the process exists: whatever runs later is findable
    const ns = t.kind === 'netns' ? ['--netns', t.name] : []
    const argv = [...ns, 'private', '--tmpfs', '/run', '--bind', `${join(dir, 'lib')}:${DHCPCD_DB_DIR}`, '--', ...dhcpcdArgv(ifname, client)]
    const log = openSync(join(dir, 'dhcpcd.log'), 'a')
    const child = spawn(this.helper, argv, { detached: true, stdio: ['ignore', log, log] })
    closeSync(log)
    child.once('error', () => undefined)
    child.unref()
    const pid = child.pid
    if (pid === undefined) throw new HostnetError('dependency', `cannot start the DHCP client of '${ifname}' in ${describeTarget(t)} (the netlink helper did not start)`)
    record.owner = processIdentity(pid)
    this.writeRecord(dir, record)
    // dhcpcd refuses a bad interface or option at once: wait a moment for such an exit
    for (let i = 0; i < 10; i++) {
      await sleepMs(10)
      if (!processRunning(record.owner)) {
        const tail = readFileSync(join(dir, 'dhcpcd.log'), 'utf8').trim().split('\n').slice(-2).join('; ')
        rmSync(dir, { recursive: true, force: true })
        throw new HostnetError('backend-failure', `the DHCP client of '${ifname}' (${client.family}) in ${describeTarget(t)} exited at once: ${tail}`)
      }
    }
  }

  /** Stop the recorded client (SIGTERM: dhcpcd removes its address and routes; SIGKILL after a while). */
  async stop(t: Target, ifname: string, family: DhcpFamily): Promise<void> {
    const dir = this.clientDir(t, ifname, family)
    const record = this.readRecord(dir)
    const owner = record?.owner
    if (owner !== undefined && processRunning(owner)) {
      process.kill(owner.pid, 'SIGTERM')
      const deadline = Date.now() + STOP_TIMEOUT_MS
      while (processRunning(owner) && Date.now() < deadline) await sleepMs(10)
      if (processRunning(owner)) process.kill(owner.pid, 'SIGKILL')
    }
    rmSync(dir, { recursive: true, force: true })
    try {
      rmdirSync(this.targetDir(t))
    } catch {
      // other clients remain (or none was ever started)
    }
  }

  /** Wait until every listed IPv4 client holds a lease, or the timeout passed (verification then reports it). */
  async waitForLeases(t: Target, clients: ReadonlyArray<{ ifname: string; family: DhcpFamily }>): Promise<void> {
    const want = clients.filter((c) => c.family === 'ipv4')
    const deadline = Date.now() + this.leaseTimeoutMs
    for (let intervalMs = 20; ; intervalMs = Math.min(intervalMs * 2, 200)) {
      const have = this.list(t)
      const missing = want.filter((w) => !have.some((h) => h.ifname === w.ifname && h.family === w.family && h.lease !== undefined))
      if (missing.length === 0 || Date.now() >= deadline) return
      await sleepMs(intervalMs)
    }
  }

  /** The target's resolver from the leases of auto-dns clients (namespaces only; ours only). */
  writeResolver(t: Target): void {
    if (t.kind !== 'netns') return
    const servers: string[] = []
    const search: string[] = []
    for (const c of this.list(t)) {
      if (!c.client.autoDns) continue
      for (const s of c.lease?.dns ?? []) if (!servers.includes(s)) servers.push(s)
      const d = c.lease?.domain
      if (d !== undefined && /^[A-Za-z0-9.-]{1,253}$/.test(d) && !search.includes(d)) search.push(d)
    }
    const dir = join(this.etcNetnsDir, t.name)
    const path = join(dir, 'resolv.conf')
    const ours = existsSync(path) ? readFileSync(path, 'utf8').startsWith(RESOLV_MARK) : undefined
    if (ours === false) return // someone else's file: left alone
    if (servers.length === 0) {
      if (ours === true) rmSync(path, { force: true })
      try {
        rmdirSync(dir)
      } catch {
        // not empty, or absent
      }
      return
    }
    const text = [RESOLV_MARK, ...(search.length > 0 ? [`search ${search.slice(0, 6).join(' ')}`] : []), ...servers.slice(0, 3).map((s) => `nameserver ${s}`), ''].join('\n')
    mkdirSync(dir, { recursive: true })
    writeFileSync(`${path}.tmp`, text)
    renameSync(`${path}.tmp`, path)
  }

  /** Every family of every interface of the target with a record (for clean-up and tests). */
  recorded(t: Target): Array<{ ifname: string; family: DhcpFamily }> {
    return this.records(t).map(({ record }) => ({ ifname: record.ifname, family: record.family }))
  }
}


