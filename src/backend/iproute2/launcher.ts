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
import { StringDecoder } from 'node:string_decoder'
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
  /** Streaming: stdout text as it comes (the result's stdout is then empty). */
  onStdout?: (text: string) => void
  decoder?: StringDecoder
}

/** A runner that can hand out a command's stdout while it runs. */
export interface StreamingRunner extends Runner {
  runStreaming(argv: readonly string[], opts: ExecOptions, onStdout: (text: string) => void): Promise<ExecResult>
}

export function isStreamingRunner(r: Runner): r is StreamingRunner {
  return typeof (r as Partial<StreamingRunner>).runStreaming === 'function'
}

interface Header {
  id: number
  chunk?: boolean
  exitCode?: number
  timedOut?: boolean
  error?: { code?: string; message: string }
  stdoutBytes: number
  stderrBytes: number
}

type Launcher = ChildProcessByStdio<Writable, Readable, null>

/** The launcher's stdout is a pipe socket: referenced only while answers are awaited. */
const pipe = (p: Launcher): Socket => p.stdout as unknown as Socket

/** One launcher process and the answers it owes. */
interface Session {
  proc: Launcher
  pending: Map<number, Pending>
  /** Received bytes not consumed yet: `buf` and then `more` (chunks not joined until enough bytes are there). */
  buf: Buffer
  more: Buffer[]
  moreBytes: number
  header: Header | undefined
}

export class LauncherRunner implements StreamingRunner {
  private session: Session | undefined
  private nextId = 1

  run(argv0: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    return this.start(argv0, opts, undefined)
  }

  runStreaming(argv: readonly string[], opts: ExecOptions, onStdout: (text: string) => void): Promise<ExecResult> {
    return this.start(argv, opts, onStdout)
  }

  private start(argv0: readonly string[], opts: ExecOptions, onStdout: ((text: string) => void) | undefined): Promise<ExecResult> {
    const argv = opts.netns === undefined ? argv0 : ['ip', 'netns', 'exec', opts.netns, ...argv0]
    if (argv.length === 0) return Promise.reject(new HostnetError('bug', 'exec: empty argv'))
    const s = this.launcher()
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      const stream = onStdout === undefined ? {} : { onStdout, decoder: new StringDecoder('utf8') }
      s.pending.set(id, { argv, opts, resolve, reject, ...stream })
      pipe(s.proc).ref()
      const req = { id, argv, input: opts.input, env: opts.env, timeoutMs: opts.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS, stream: onStdout !== undefined }
      s.proc.stdin.write(`${JSON.stringify(req)}\n`)
    })
  }

  /** Stop the launcher once it answered what it owes (it also stops by itself when this process exits). */
  close(): void {
    this.session?.proc.stdin.end()
    this.session = undefined
  }

  private launcher(): Session {
    if (this.session !== undefined) return this.session
    const proc = spawn(process.execPath, [CHILD], { stdio: ['pipe', 'pipe', 'inherit'] })
    const s: Session = { proc, pending: new Map(), buf: Buffer.alloc(0), more: [], moreBytes: 0, header: undefined }
    proc.stdout.on('data', (b: Buffer) => onData(s, b))
    const gone = (why: string): void => {
      if (this.session === s) this.session = undefined
      const waiting = [...s.pending.values()]
      s.pending.clear()
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
    this.session = s
    return s
  }
}

/** Make `s.buf` hold at least `n` bytes if that many were received (joining the chunks once). */
function gather(s: Session, n: number): boolean {
  if (s.buf.length >= n) return true
  if (s.buf.length + s.moreBytes < n) return false
  s.buf = Buffer.concat([s.buf, ...s.more])
  s.more = []
  s.moreBytes = 0
  return true
}

function onData(s: Session, chunk: Buffer): void {
  s.more.push(chunk)
  s.moreBytes += chunk.length
  for (;;) {
    if (s.header === undefined) {
      let nl = s.buf.indexOf(10)
      if (nl < 0 && s.moreBytes > 0) {
        gather(s, s.buf.length + s.moreBytes)
        nl = s.buf.indexOf(10)
      }
      if (nl < 0) break
      s.header = JSON.parse(s.buf.subarray(0, nl).toString('utf8')) as Header
      s.buf = s.buf.subarray(nl + 1)
    }
    const h = s.header
    if (!gather(s, h.stdoutBytes + h.stderrBytes)) break
    const out = s.buf.subarray(0, h.stdoutBytes)
    const stderr = s.buf.subarray(h.stdoutBytes, h.stdoutBytes + h.stderrBytes).toString('utf8')
    s.buf = s.buf.subarray(h.stdoutBytes + h.stderrBytes)
    s.header = undefined
    const p = s.pending.get(h.id)
    if (p === undefined) continue
    if (h.chunk === true) {
      deliver(p, out, false)
      continue
    }
    s.pending.delete(h.id)
    if (p.onStdout !== undefined && h.error === undefined) deliver(p, out, true)
    settle(p, h, p.onStdout === undefined ? out.toString('utf8') : '', stderr)
  }
  if (s.pending.size === 0) pipe(s.proc).unref()
}

/** Hand streamed stdout bytes to the caller (whole characters only, until the end). */
function deliver(p: Pending, bytes: Buffer, end: boolean): void {
  if (p.onStdout === undefined || p.decoder === undefined) return
  const text = end ? p.decoder.write(bytes) + p.decoder.end() : p.decoder.write(bytes)
  if (text !== '') p.onStdout(text)
}

function settle(p: Pending, h: Header, stdout: string, stderr: string): void {
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
