/**
 * An API lab: a network namespace (the target, with a Linux bridge `br0` for bridge networks and a veth pair
 * `eth0`/`eth1`), a temp state directory, and `hostnet serve` started on it (its API on the Unix sockets under
 * STATE/api, optionally TCP). `req` speaks raw HTTP to any listener. `close` stops serve, the processes left in
 * the namespace, and removes everything.
 * @module
 */
import { execFileSync, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import * as http from 'node:http'
import * as https from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { makeNetns, removeNetns } from '../helpers/netns.js'
import { runCli, spawnCli, type CliResult } from '../engine/cli-helpers.js'

export interface Answer {
  status: number
  headers: http.IncomingHttpHeaders
  text: string
  json: any
}

export interface ReqOptions {
  body?: string | Buffer
  type?: string
  accept?: string
  headers?: Record<string, string>
  /** Which listener: the read-write socket (default), the read-only one, or TCP. */
  via?: 'rw' | 'ro' | 'tcp'
  token?: string
}

export interface LabOptions {
  /** Extra `hostnet serve` arguments (e.g. --listen, --tls-cert). */
  serveArgs?: string[]
  /** For TCP over TLS: the CA to trust. */
  ca?: Buffer
  env?: Record<string, string>
}

export function ip(ns: string, ...args: string[]): string {
  return execFileSync('ip', ['-n', ns, ...args], { encoding: 'utf8' })
}

export function linkNames(ns: string): string[] {
  return (JSON.parse(ip(ns, '-json', 'link', 'show')) as Array<{ ifname: string }>).map((l) => l.ifname).sort()
}

export function pidsIn(ns: string): number[] {
  return spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout.split('\n').filter((p) => /^\d+$/.test(p)).map(Number)
}

export function commOf(pid: number): string {
  return spawnSync('cat', [`/proc/${pid}/comm`], { encoding: 'utf8' }).stdout.trim()
}

export async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v !== undefined) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

export class ApiLab {
  ns = ''
  dir = ''
  serve: ChildProcess | undefined
  serveLog = ''
  tcp: { host: string; port: number; tls: boolean } | undefined
  private readonly agents = new Map<string, http.Agent>()
  private opts: LabOptions = {}

  get target(): string {
    return `netns:${this.ns}`
  }

  get t(): string[] {
    return ['--netns', this.ns, '--state-dir', this.dir]
  }

  socket(via: 'rw' | 'ro'): string {
    return join(this.dir, 'api', via === 'rw' ? 'hostnet.sock' : 'hostnet-ro.sock')
  }

  static async open(opts: LabOptions = {}): Promise<ApiLab> {
    const lab = new ApiLab()
    lab.opts = opts
    lab.dir = mkdtempSync(join(tmpdir(), 'hostnet-api-'))
    lab.ns = await makeNetns('api')
    try {
      ip(lab.ns, 'link', 'set', 'lo', 'up')
      ip(lab.ns, 'link', 'add', 'br0', 'type', 'bridge')
      ip(lab.ns, 'link', 'set', 'br0', 'up')
      ip(lab.ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth1')
      await lab.startServe()
    } catch (e) {
      await lab.close()
      throw e
    }
    return lab
  }

  async startServe(): Promise<void> {
    this.serveLog = ''
    const child = spawnCli(['serve', '--state-dir', this.dir, '--poll-ms', '200', ...(this.opts.serveArgs ?? [])], this.opts.env ?? {})
    this.serve = child
    child.stdout?.on('data', (b: Buffer) => (this.serveLog += b.toString()))
    child.stderr?.on('data', (b: Buffer) => (this.serveLog += b.toString()))
    await until(`hostnet serve's API (log: ${this.serveLog})`, () => {
      if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}: ${this.serveLog}`)
      const listening = existsSync(this.socket('rw')) && existsSync(this.socket('ro'))
      const tcp = /API listening on (\[[^\]]+\]|[^\s:]+):(\d+) \(tcp\)/.exec(this.serveLog)
      const wantsTcp = (this.opts.serveArgs ?? []).includes('--listen')
      if (!listening || (wantsTcp && tcp === null)) return undefined
      if (tcp !== null) this.tcp = { host: tcp[1]!.replace(/^\[|\]$/g, ''), port: Number(tcp[2]), tls: !(this.opts.serveArgs ?? []).includes('--no-tls') }
      return true
    })
  }

  async stopServe(): Promise<void> {
    const child = this.serve
    if (child === undefined || child.exitCode !== null) return
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGTERM')
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))])
    if (child.exitCode === null) child.kill('SIGKILL')
    this.serve = undefined
  }

  cli(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
    return runCli(args, env)
  }

  private agent(via: string): http.Agent {
    let a = this.agents.get(via)
    if (a === undefined) {
      a = via === 'tcp' && this.tcp?.tls === true ? new https.Agent({ keepAlive: true, ...(this.opts.ca === undefined ? {} : { ca: this.opts.ca }) }) : new http.Agent({ keepAlive: true })
      this.agents.set(via, a)
    }
    return a
  }

  /**
   * One request. A request on a kept-alive socket that the server closed as idle just as it was sent fails
   * with ECONNRESET or EPIPE before the server saw it (Node's documented keep-alive race): asked again once
   * on a new socket.
   */
  async req(method: string, path: string, o: ReqOptions = {}): Promise<Answer> {
    try {
      return await this.reqOnce(method, path, o)
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      if ((e as { reusedSocket?: boolean }).reusedSocket === true && (code === 'ECONNRESET' || code === 'EPIPE')) return this.reqOnce(method, path, o)
      throw e
    }
  }

  private reqOnce(method: string, path: string, o: ReqOptions): Promise<Answer> {
    const via = o.via ?? 'rw'
    const headers: Record<string, string> = { ...(o.headers ?? {}) }
    if (o.accept !== undefined) headers['accept'] = o.accept
    if (o.token !== undefined) headers['authorization'] = `Bearer ${o.token}`
    const body = o.body === undefined ? undefined : Buffer.isBuffer(o.body) ? o.body : Buffer.from(o.body)
    if (body !== undefined) {
      headers['content-type'] = o.type ?? 'application/json'
      headers['content-length'] = String(body.length)
    }
    const full = path.startsWith('/api/') ? path : `/api/v1${path}`
    const base: http.RequestOptions = { method, path: full, headers, agent: this.agent(via) }
    const where: http.RequestOptions = via === 'tcp' ? { host: this.tcp!.host, port: this.tcp!.port } : { socketPath: this.socket(via) }
    const mod = via === 'tcp' && this.tcp?.tls === true ? https : http
    return new Promise((resolve, reject) => {
      const r = mod.request({ ...base, ...where }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          let json: unknown
          try {
            json = JSON.parse(text)
          } catch {
            json = undefined
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json })
        })
        res.on('error', reject)
      })
      r.on('error', (e) => reject(Object.assign(e, { reusedSocket: r.reusedSocket })))
      r.end(body)
    })
  }

  async close(): Promise<void> {
    for (const a of this.agents.values()) a.destroy()
    await this.stopServe()
    if (this.ns !== '') {
      for (const pid of pidsIn(this.ns)) {
        try {
          process.kill(pid, 'SIGKILL')
        } catch {
          // gone already
        }
      }
      await removeNetns(this.ns)
    }
    if (this.dir !== '') rmSync(this.dir, { recursive: true, force: true })
  }
}

export const natXml = (name: string, subnet3: string): string => `<network>
  <name>${name}</name>
  <forward mode='nat'/>
  <ip address='${subnet3}.1' prefix='24'>
    <dhcp>
      <range start='${subnet3}.10' end='${subnet3}.100'/>
    </dhcp>
  </ip>
</network>
`

export const bridgeXml = (name: string, bridge = 'br0'): string => `<network>
  <name>${name}</name>
  <forward mode='bridge'/>
  <bridge name='${bridge}'/>
</network>
`

export const portXml = (uuid: string, mac: string): string => `<networkport>
  <uuid>${uuid}</uuid>
  <owner>
    <name>vm1</name>
    <uuid>6f0a8f3e-2d55-4b0e-9a53-9b0f3c1d2e01</uuid>
  </owner>
  <mac address='${mac}'/>
</networkport>
`
