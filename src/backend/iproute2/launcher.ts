/**
 * A Runner for long-lived processes (the confirm-timer daemon, benchmarks): commands are started by a small
 * launcher child process, started once, instead of by this process. Starting a program costs a fork of the
 * starting process, which grows with its memory: ~2 ms from a fresh process, 8-10 ms from one that has planned
 * a few thousand interfaces; the launcher stays small. Same contract as sys/exec.ts's systemRunner (argv only,
 * no shell; CommandError on a non-zero exit unless allowFailure; timeouts). The launcher does not keep this
 * process alive while idle, and exits when this process does.
 * @module
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Socket } from 'node:net'
import type { Readable, Writable } from 'node:stream'
import { CommandError, HostnetError } from '../../errors.js'
import { DEFAULT_EXEC_TIMEOUT_MS, type ExecOptions, type ExecResult, type Runner } from '../../sys/exec.js'

const CHILD = fileURLToPath(new URL('./launcher-child.js', import.meta.url))

interface Pending {
  argv: readonly string[]
  opts: ExecOptions
  resolve: (r: ExecResult) => void
  reject: (e: unknown) => void
}

interface Header {
  id: number
  exitCode?: number
  timedOut?: boolean
  error?: { code?: string; message: string }
  stdoutBytes: number
  stderrBytes: number
}

type Launcher = ChildProcessByStdio<Writable, Readable, null>

/** The launcher's stdout is a pipe socket: referenced only while answers are awaited. */
const pipe = (p: Launcher): Socket => p.stdout as unknown as Socket

export class LauncherRunner implements Runner {
  private proc: Launcher | undefined
  private nextId = 1
  private readonly pending = new Map<number, Pending>()
  private buf: Buffer = Buffer.alloc(0)
  private header: Header | undefined

  run(argv0: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const argv = opts.netns === undefined ? argv0 : ['ip', 'netns', 'exec', opts.netns, ...argv0]
    if (argv.length === 0) return Promise.reject(new HostnetError('bug', 'exec: empty argv'))
    const proc = this.launcher()
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { argv, opts, resolve, reject })
      pipe(proc).ref()
      const req = { id, argv, input: opts.input, env: opts.env, timeoutMs: opts.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS }
      proc.stdin.write(`${JSON.stringify(req)}\n`)
    })
  }

  /** Stop the launcher (it also stops by itself when this process exits). */
  close(): void {
    this.proc?.stdin.end()
    this.proc = undefined
  }

  private launcher(): Launcher {
    if (this.proc !== undefined) return this.proc
    const proc = spawn(process.execPath, [CHILD], { stdio: ['pipe', 'pipe', 'inherit'] })
    proc.stdout.on('data', (b: Buffer) => this.onData(b))
    const gone = (why: string): void => {
      if (this.proc === proc) this.proc = undefined
      this.buf = Buffer.alloc(0)
      this.header = undefined
      const waiting = [...this.pending.values()]
      this.pending.clear()
      for (const p of waiting) p.reject(new HostnetError('backend-failure', `cannot run ${p.argv[0]}: the process launcher ${why}`, { details: { argv: [...p.argv] } }))
    }
    proc.on('exit', (code, signal) => gone(`exited (${signal ?? code})`))
    proc.on('error', (e) => gone(`failed: ${e.message}`))
    proc.stdin.on('error', () => {
      /* reported by 'exit' */
    })
    proc.unref()
    pipe(proc).unref()
    ;(proc.stdin as Writable & { unref?: () => void }).unref?.()
    this.proc = proc
    return proc
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk])
    for (;;) {
      if (this.header === undefined) {
        const nl = this.buf.indexOf(10)
        if (nl < 0) break
        this.header = JSON.parse(this.buf.subarray(0, nl).toString('utf8')) as Header
        this.buf = this.buf.subarray(nl + 1)
      }
      const h = this.header
      if (this.buf.length < h.stdoutBytes + h.stderrBytes) break
      const stdout = this.buf.subarray(0, h.stdoutBytes).toString('utf8')
      const stderr = this.buf.subarray(h.stdoutBytes, h.stdoutBytes + h.stderrBytes).toString('utf8')
      this.buf = this.buf.subarray(h.stdoutBytes + h.stderrBytes)
      this.header = undefined
      this.settle(h, stdout, stderr)
    }
    if (this.pending.size === 0 && this.proc !== undefined) pipe(this.proc).unref()
  }

  private settle(h: Header, stdout: string, stderr: string): void {
    const p = this.pending.get(h.id)
    if (p === undefined) return
    this.pending.delete(h.id)
    const cmd = p.argv[0]!
    if (h.error !== undefined) {
      const kind = h.error.code === 'ENOENT' ? 'dependency' : 'backend-failure'
      p.reject(new HostnetError(kind, `cannot run ${cmd}: ${h.error.message}`, { details: { argv: [...p.argv] } }))
      return
    }
    const res: ExecResult = { stdout, stderr, exitCode: h.exitCode ?? -1 }
    const timeoutMs = p.opts.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS
    if (h.timedOut === true) p.reject(new HostnetError('timeout', `${cmd} timed out after ${timeoutMs} ms`, { details: { argv: [...p.argv] } }))
    else if (res.exitCode !== 0 && p.opts.allowFailure !== true) p.reject(new CommandError(p.argv, h.exitCode ?? null, stderr))
    else p.resolve(res)
  }
}
