/**
 * A port lab for the concurrency, crash and accounting tests: a "host" namespace (the networks' target) with a
 * pool of veth "NICs" (`p0`..`pN`, each paired with `q0`..`qN` in the same namespace), a temp state directory and
 * a real NetworkDriver over it. Worker processes (stress-worker.ts) open their own store on the same directory.
 * `close` kills the lab's child processes, stops its networks and removes the namespaces and the directory.
 * @module
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Target } from '../../src/model/target.js'
import { Iproute2Backend } from '../../src/backend/iproute2/index.js'
import { createNetworkDriver, NetworkDriver, realNetworkServices } from '../../src/driver/network/index.js'
import { isPortDeviceName, type PortServices } from '../../src/driver/port/index.js'
import type { ShapingService } from '../../src/driver/network/services.js'
import { renderClearBandwidth, renderNetworkBandwidth } from '../../src/backend/tc/index.js'
import { openStore, type Store } from '../../src/store/index.js'
import { makeNetns, removeNetns } from '../helpers/netns.js'

export function ipIn(ns: string, ...args: string[]): string {
  return execFileSync('ip', ['-n', ns, ...args], { encoding: 'utf8' })
}

export function ipBatchIn(ns: string, lines: readonly string[]): void {
  const r = spawnSync('ip', ['-n', ns, '-batch', '-'], { input: `${lines.join('\n')}\n`, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`ip -n ${ns} -batch: ${r.stderr}`)
}

export interface LinkInfo {
  ifname: string
  link?: string
  address?: string
  linkinfo?: { info_kind?: string; info_data?: { mode?: string } }
}

export function linksIn(ns: string): LinkInfo[] {
  return JSON.parse(ipIn(ns, '-json', '-details', 'link', 'show')) as LinkInfo[]
}

/** The port devices (`hnp` + 12 hex digits) in a namespace. */
export function portDevicesIn(ns: string): string[] {
  return linksIn(ns)
    .map((l) => l.ifname)
    .filter(isPortDeviceName)
    .sort()
}

export function passthroughXml(name: string, pool: readonly string[]): string {
  const ifaces = pool.map((d) => `<interface dev='${d}'/>`).join('')
  return `<network><name>${name}</name><forward mode='passthrough'>${ifaces}</forward></network>`
}

/** A fresh `<networkport>` (random UUID and MAC) owned by `vm`. */
export function newPortXml(uuid: string, vm: string, mac: string, extra = ''): string {
  return `<networkport><uuid>${uuid}</uuid><owner><name>${vm}</name><uuid>${uuid}</uuid></owner><mac address='${mac}'/>${extra}</networkport>`
}

export function macFor(i: number): string {
  const h = (n: number): string => n.toString(16).padStart(2, '0')
  return `52:54:00:${h((i >> 16) & 0xff)}:${h((i >> 8) & 0xff)}:${h(i & 0xff)}`
}

/** `connections` of the live network XML and of each forward `<interface>`. */
export function liveConnections(xml: string): { network: number; devices: Record<string, number> } {
  const net = /<network[^>]*\sconnections='(\d+)'/.exec(xml)
  const devices: Record<string, number> = {}
  for (const m of xml.matchAll(/<interface dev='([^']+)'(?: connections='(\d+)')?/g)) devices[m[1]!] = Number(m[2] ?? 0)
  return { network: Number(net?.[1] ?? 0), devices }
}

export class PortLab {
  readonly namespaces: string[] = []
  readonly children = new Set<ChildProcess>()
  host = ''
  target!: Target
  dir = ''
  store!: Store
  driver!: NetworkDriver

  static async open(opts: { portServices?: PortServices } = {}): Promise<PortLab> {
    const lab = new PortLab()
    lab.portServices = opts.portServices
    lab.dir = mkdtempSync(join(tmpdir(), 'hostnet-portlab-'))
    try {
      lab.host = await lab.ns('h')
      lab.target = { kind: 'netns', name: lab.host }
      ipIn(lab.host, 'link', 'set', 'lo', 'up')
      lab.store = openStore(lab.dir)
      lab.driver = lab.makeDriver()
    } catch (e) {
      await lab.close()
      throw e
    }
    return lab
  }

  /** Port services for the drivers this lab makes (undefined: the real ones). */
  portServices: PortServices | undefined
  /** OVSDB address for the drivers this lab makes (a private OVS). */
  ovsdb: string | undefined

  makeDriver(opts: { pauseAfterPlugMs?: number } = {}): NetworkDriver {
    if (this.portServices !== undefined) {
      const ports = this.portServices
      // the network's own <bandwidth> goes through the same tc as the ports' (a test's recorder sees both)
      const shaping: ShapingService = {
        setBridge: (t, bridge, bandwidth) => ports.tc(t, renderNetworkBandwidth(bridge, bandwidth)),
        clearBridge: (t, bridge) => ports.tc(t, renderClearBandwidth(bridge)),
      }
      const services = { ...realNetworkServices({ backend: new Iproute2Backend(), stateDir: this.dir, dnsmasqLogToFile: true }), shaping }
      return new NetworkDriver({ store: this.store, services, ports: { services: ports } })
    }
    return createNetworkDriver({
      backend: new Iproute2Backend(),
      store: this.store,
      stateDir: this.dir,
      dnsmasqLogToFile: true,
      ...(this.ovsdb === undefined ? {} : { ovsdb: this.ovsdb }),
      ...(opts.pauseAfterPlugMs === undefined ? {} : { portPauseAfterPlugMs: opts.pauseAfterPlugMs }),
    })
  }

  /** Close the driver and the store, open new ones on the same directory (a restart). */
  reopen(): void {
    this.driver.close()
    this.store.close()
    this.store = openStore(this.dir)
    this.driver = this.makeDriver()
  }

  async ns(tag: string): Promise<string> {
    const n = await makeNetns(tag)
    this.namespaces.push(n)
    return n
  }

  /** `count` veth pairs `pI`/`qI` in the host namespace, up; returns the pool names `p0`..`p(count-1)`. */
  makePool(count: number): string[] {
    const lines: string[] = []
    for (let i = 0; i < count; i++) {
      lines.push(`link add p${i} type veth peer name q${i}`, `link set dev p${i} up`, `link set dev q${i} up`)
    }
    ipBatchIn(this.host, lines)
    return Array.from({ length: count }, (_, i) => `p${i}`)
  }

  async startNetwork(xml: string): Promise<void> {
    const def = await this.driver.define(this.target, xml)
    await this.driver.start(this.target, def.name)
  }

  /** Spawn a worker (stress-worker.js) on this lab's state directory. */
  spawnWorker(args: readonly string[], env: Record<string, string> = {}): ChildProcess {
    const script = fileURLToPath(new URL('./stress-worker.js', import.meta.url))
    // detached: its own process group, so a crash test can wait for the children a killed worker leaves running
    const child = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env }, detached: true })
    this.children.add(child)
    child.on('exit', () => this.children.delete(child))
    return child
  }

  /** Spawn the hostnet CLI on this lab's state directory. */
  spawnCli(args: readonly string[], env: Record<string, string> = {}): ChildProcess {
    const cli = fileURLToPath(new URL('../../../bin/hostnet', import.meta.url))
    const child = spawn(process.execPath, [cli, ...args, '--state-dir', this.dir], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env }, detached: true })
    this.children.add(child)
    child.on('exit', () => this.children.delete(child))
    return child
  }

  async close(): Promise<void> {
    for (const c of this.children) killGroup(c)
    try {
      if (this.driver !== undefined) {
        for (const rec of this.driver.list(undefined)) {
          if (rec.state !== 'inactive') await this.driver.destroy({ kind: 'netns', name: rec.target.slice('netns:'.length) }, rec.name).catch(() => undefined)
        }
        this.driver.close()
      }
    } finally {
      this.store?.close()
      for (const ns of this.namespaces) {
        const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout.split('\n').filter((p) => /^\d+$/.test(p))
        for (const pid of pids) process.kill(Number(pid), 'SIGKILL')
        await removeNetns(ns)
      }
      if (existsSync(this.dir)) rmSync(this.dir, { recursive: true, force: true })
    }
  }
}

/** Collect a child's stdout and wait for its exit. */
export function finished(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (b: Buffer) => (stdout += b.toString()))
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()))
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })))
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0)
    return true
  } catch {
    return false // ESRCH: nobody left in the group
  }
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return
  try {
    process.kill(-child.pid, 'SIGKILL')
  } catch {
    // the group is empty already
  }
}

/**
 * kill -9 of the hostnet process alone (what a crash is); then wait until the commands it had started (an `ip`
 * in the middle of its batch) have finished too, as they would before anyone restarts hostnet. After 10 s the
 * leftovers are killed.
 */
export async function crash(child: ChildProcess): Promise<void> {
  const pid = child.pid
  if (pid === undefined) return
  const exited = new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())))
  child.kill('SIGKILL')
  await exited
  const deadline = Date.now() + 10_000
  while (groupAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
  killGroup(child)
}

/** Poll `cond` every 20 ms until it holds or `timeoutMs` passed; returns whether it held. */
export async function waitFor(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (cond()) return true
    if (Date.now() > deadline) return false
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** Resolves when a worker printed `ready` (rejects if it exits first). */
export function workerReady(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString()
      if (out.includes('ready')) resolve()
    })
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready`)))
  })
}
