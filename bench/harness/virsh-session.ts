/**
 * One long-lived interactive virsh process driven over pipes, with a time per command.
 *
 * virsh reads commands from stdin (one per line; readline echoes them back on stdout). After each command the
 * session writes two marker commands (see virsh-line.ts): `echo --err` prints a marker on stderr as soon as the
 * command has finished, which stops the clock (stderr is unbuffered) and cuts the command's error lines;
 * `echo --xml` prints a marker on stdout that cuts the command's output. Commands run strictly one after
 * another: the next line is written only when both markers of the previous one have arrived, so `ms` is the
 * time one command takes as seen by its client, including the round trip to the daemon (and ~0.1 ms of pipe
 * latency). Opening the session runs one marker pair first (connection set-up, banner), reported as `connectMs`.
 * @module
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { HostnetError } from '../../src/errors.js'
import { cleanOutput, cutAtMarker, errorLines, markersFor, virshCommandLine } from './virsh-line.js'

export interface VirshStep {
  argv: string[]
  /** Wall time from writing the command to virsh until it had finished (its stderr marker arrived). */
  ms: number
  /** No `error:` line on stderr. */
  ok: boolean
  /** What the command printed on stdout (echo and prompts removed, trailing blank lines trimmed). */
  output: string
  /** What it printed on stderr (virsh's `error: ...` lines). */
  error: string
}

export interface VirshSessionOptions {
  /** The command that starts virsh, e.g. `['virsh', '-c', URI]` or the same behind `nsenter`. */
  argv: readonly string[]
  /** Environment of virsh (merged over a minimal PATH/LC_ALL/TERM/COLUMNS set). */
  env?: Record<string, string>
  /** Limit for one command (default 300 s); on expiry virsh is killed and the session fails. */
  commandTimeoutMs?: number
}

interface Pending {
  lines: string[]
  errMarker: string
  outMarker: string
  t0: number
  ms: number | undefined
  error: string | undefined
  resolve: (step: { ms: number; output: string; error: string }) => void
  reject: (e: Error) => void
  timer: NodeJS.Timeout
}

const BASE_ENV: Record<string, string> = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  LC_ALL: 'C',
  TERM: 'dumb',
  // readline scrolls lines longer than the terminal width horizontally, which garbles the echo we strip
  COLUMNS: '100000',
  VIRSH_HISTSIZE: '0',
}

export class VirshSession {
  /** Time of the opening marker pair: virsh start-up and connection to the daemon. */
  connectMs = 0
  private out = ''
  private err = ''
  private pending: Pending | undefined
  private queue: Promise<unknown> = Promise.resolve()
  private exited: string | undefined
  private seq = 0
  private readonly tokenPrefix = `hn${randomBytes(4).toString('hex')}`
  private readonly closed: Promise<void>

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly commandTimeoutMs: number,
  ) {
    child.stdout.setEncoding('utf8')
    child.stderr.setEncoding('utf8')
    child.stdout.on('data', (s: string) => {
      this.out += s
      this.check()
    })
    child.stderr.on('data', (s: string) => {
      this.err += s
      this.check()
    })
    child.stdin.on('error', () => {
      // EPIPE when virsh died; the 'close' handler reports that
    })
    this.closed = new Promise((resolve) => {
      child.on('close', (code, sig) => {
        this.exited = `virsh exited (${sig ?? `code ${code}`})`
        const p = this.pending
        this.pending = undefined
        if (p !== undefined) {
          clearTimeout(p.timer)
          p.reject(new HostnetError('backend-failure', `${this.exited}: ${this.err.slice(-2000).trim()}`))
        }
        resolve()
      })
    })
  }

  static async open(opts: VirshSessionOptions): Promise<VirshSession> {
    const [cmd, ...args] = opts.argv
    if (cmd === undefined) throw new HostnetError('bug', 'VirshSession: empty argv')
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...BASE_ENV, ...opts.env } })
    const spawnFailed = new Promise<never>((_, reject) => {
      child.once('error', (e) => reject(new HostnetError('dependency', `cannot run ${cmd}: ${e.message}`, { cause: e })))
    })
    spawnFailed.catch(() => undefined) // also reported by the race below, or by 'close' later
    const session = new VirshSession(child, opts.commandTimeoutMs ?? 300_000)
    const first = await Promise.race([session.roundTrip(null), spawnFailed])
    if (errorLines(first.error).length > 0) {
      session.kill()
      throw new HostnetError('backend-failure', `virsh could not connect: ${first.error.trim()}`)
    }
    session.connectMs = first.ms
    return session
  }

  /** Runs one command; calls are queued, so concurrent callers still run one at a time. */
  run(argv: readonly string[]): Promise<VirshStep> {
    const line = virshCommandLine(argv) // throws synchronously on bad input
    const next = this.queue.then(async () => {
      const r = await this.roundTrip(line)
      return { argv: [...argv], ms: r.ms, ok: errorLines(r.error).length === 0, output: r.output, error: r.error.trim() }
    })
    this.queue = next.catch(() => undefined)
    return next
  }

  /** Asks virsh to quit and waits for it (SIGKILL after 5 s). Idempotent. */
  /** The virsh process (for its CPU time). */
  get pid(): number | undefined {
    return this.child.pid
  }

  async close(): Promise<void> {
    await this.queue
    if (this.exited === undefined) {
      this.child.stdin.end('quit\n')
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000)
      await this.closed
      clearTimeout(timer)
    }
  }

  /** Kills virsh at once (for error paths). */
  kill(): void {
    if (this.exited === undefined) this.child.kill('SIGKILL')
  }

  private roundTrip(line: string | null): Promise<{ ms: number; output: string; error: string }> {
    if (this.exited !== undefined) return Promise.reject(new HostnetError('backend-failure', this.exited))
    this.seq += 1
    const m = markersFor(`${this.tokenPrefix}-${this.seq}`)
    const lines = line === null ? [...m.lines] : [line, ...m.lines]
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.child.kill('SIGKILL')
        reject(new HostnetError('timeout', `virsh command timed out after ${this.commandTimeoutMs} ms: ${line ?? '(connect)'}`))
      }, this.commandTimeoutMs)
      const { errMarker, outMarker } = m
      this.pending = { lines, errMarker, outMarker, t0: performance.now(), ms: undefined, error: undefined, resolve, reject, timer }
      this.child.stdin.write(`${lines.join('\n')}\n`)
    })
  }

  private check(): void {
    const p = this.pending
    if (p === undefined) return
    if (p.ms === undefined) {
      const cut = cutAtMarker(this.err, p.errMarker, true)
      if (cut !== undefined) {
        p.ms = performance.now() - p.t0
        p.error = cut.segment
        this.err = cut.rest
      }
    }
    if (p.ms === undefined) return
    const cut = cutAtMarker(this.out, p.outMarker, false)
    if (cut === undefined) return
    this.out = cut.rest
    this.pending = undefined
    clearTimeout(p.timer)
    p.resolve({ ms: p.ms, output: cleanOutput(cut.segment, p.lines), error: p.error ?? '' })
  }
}

/** Runs `commands` in one virsh process and closes it. */
export async function runVirshSession(opts: VirshSessionOptions, commands: ReadonlyArray<readonly string[]>): Promise<VirshStep[]> {
  const session = await VirshSession.open(opts)
  try {
    const steps: VirshStep[] = []
    for (const argv of commands) steps.push(await session.run(argv))
    return steps
  } finally {
    await session.close()
  }
}
