/**
 * `hostnet serve` for the API benchmarks: a child process on a temporary state directory, its API on the Unix
 * sockets under STATE/api; a keep-alive HTTP client for them; its resident memory; stop and clean up.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import * as http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface Answer {
  status: number
  text: string
}

export class ApiServe {
  readonly agent = new http.Agent({ keepAlive: true, maxSockets: 8 })
  log = ''

  private constructor(
    readonly dir: string,
    readonly child: ChildProcess,
  ) {}

  get socket(): string {
    return join(this.dir, 'api', 'hostnet.sock')
  }

  /** `nodeArgs`: options for serve's node (e.g. --cpu-prof --cpu-prof-dir=DIR to profile it); `serveArgs`: more `hostnet serve` arguments (e.g. `--kimchi-netns NS`). */
  static async start(o: { nodeArgs?: readonly string[]; serveArgs?: readonly string[] } = {}): Promise<ApiServe> {
    const dir = mkdtempSync(join(tmpdir(), 'hostnet-apibench-'))
    const bin = fileURLToPath(new URL('../../../bin/hostnet', import.meta.url))
    const child = spawn(process.execPath, [...(o.nodeArgs ?? []), bin, 'serve', '--state-dir', dir, ...(o.serveArgs ?? [])], { stdio: ['ignore', 'pipe', 'pipe'] })
    const s = new ApiServe(dir, child)
    child.stdout?.on('data', (b: Buffer) => (s.log += b.toString()))
    child.stderr?.on('data', (b: Buffer) => (s.log += b.toString()))
    for (let waited = 0; !(existsSync(s.socket) && existsSync(join(dir, 'api', 'hostnet-ro.sock'))); waited += 50) {
      if (child.exitCode !== null || waited > 20_000) {
        await s.stop()
        throw new Error(`hostnet serve did not start: ${s.log}`)
      }
      await new Promise((r) => setTimeout(r, 50))
    }
    return s
  }

  req(method: string, path: string, body?: string, type = 'application/xml'): Promise<Answer> {
    return this.reqAt(method, `/api/v1${path}`, body, type)
  }

  /** A request to any path of the server (e.g. the Kimchi API under /plugins/kimchi). */
  reqAt(method: string, fullPath: string, body?: string, type = 'application/xml'): Promise<Answer> {
    const headers: Record<string, string> = {}
    const buf = body === undefined ? undefined : Buffer.from(body)
    if (buf !== undefined) {
      headers['content-type'] = type
      headers['content-length'] = String(buf.length)
    }
    return new Promise((resolve, reject) => {
      const r = http.request({ socketPath: this.socket, method, path: fullPath, headers, agent: this.agent }, (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => (text += c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
        res.on('error', reject)
      })
      r.on('error', reject)
      r.end(buf)
    })
  }

  /** Throws unless the answer has status `want`. */
  async ok(method: string, path: string, want: number, body?: string, type?: string): Promise<Answer> {
    const a = await this.req(method, path, body, type)
    if (a.status !== want) throw new Error(`${method} ${path}: ${a.status} ${a.text.slice(0, 300)}`)
    return a
  }

  /** VmRSS and VmHWM of serve, MB. */
  memoryMb(): { rss: number; hwm: number } {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8')
    const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN)
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 }
  }

  async stop(): Promise<void> {
    this.agent.destroy()
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r))
      this.child.kill('SIGTERM')
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))])
      if (this.child.exitCode === null) this.child.kill('SIGKILL')
    }
    rmSync(this.dir, { recursive: true, force: true })
  }
}
