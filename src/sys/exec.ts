/**
 * The one seam through which hostnet runs programs: argv arrays only, never a shell. A Runner can be
 * replaced (recording runner for golden tests, failing runner for fault injection).
 * @module
 */
import { spawn } from 'node:child_process'
import { CommandError, HostnetError } from '../errors.js'

export interface ExecOptions {
  /** Written to the child's stdin, then stdin is closed. */
  input?: string
  /** Run inside this named network namespace (`ip netns exec NAME ...`). */
  netns?: string
  timeoutMs?: number
  env?: Record<string, string>
  /** Return a non-zero exit instead of throwing. */
  allowFailure?: boolean
}

export interface ExecResult {
  stdout: string
  stderr: string
  exitCode: number
}

export interface Runner {
  run(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult>
}

export const DEFAULT_EXEC_TIMEOUT_MS = 120_000

function withNetns(argv: readonly string[], netns: string | undefined): readonly string[] {
  return netns === undefined ? argv : ['ip', 'netns', 'exec', netns, ...argv]
}

/** Runs real processes with child_process.spawn (no shell). */
export const systemRunner: Runner = {
  run(argv0, opts = {}) {
    const argv = withNetns(argv0, opts.netns)
    const [cmd, ...args] = argv
    if (cmd === undefined) return Promise.reject(new HostnetError('bug', 'exec: empty argv'))
    return new Promise((resolve, reject) => {
      const child = spawn(cmd, args, {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: opts.env ? { ...process.env, ...opts.env } : process.env,
      })
      const out: Buffer[] = []
      const err: Buffer[] = []
      let timedOut = false
      const timer = setTimeout(() => {
        timedOut = true
        child.kill('SIGKILL')
      }, opts.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS)
      child.stdout.on('data', (b: Buffer) => out.push(b))
      child.stderr.on('data', (b: Buffer) => err.push(b))
      child.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer)
        const kind = e.code === 'ENOENT' ? 'dependency' : 'backend-failure'
        reject(new HostnetError(kind, `cannot run ${cmd}: ${e.message}`, { cause: e, details: { argv: [...argv] } }))
      })
      child.on('close', (code) => {
        clearTimeout(timer)
        const res = { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), exitCode: code ?? -1 }
        if (timedOut) reject(new HostnetError('timeout', `${cmd} timed out after ${opts.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS} ms`, { details: { argv: [...argv] } }))
        else if (res.exitCode !== 0 && !opts.allowFailure) reject(new CommandError(argv, code, res.stderr))
        else resolve(res)
      })
      child.stdin.on('error', () => {
        /* the child may exit before reading stdin; its exit status reports the problem */
      })
      child.stdin.end(opts.input ?? '')
    })
  },
}

/** A runner that records every call and answers from a callback (default: success, empty output). */
export class RecordingRunner implements Runner {
  readonly calls: Array<{ argv: readonly string[]; opts: ExecOptions }> = []
  constructor(private readonly answer: (argv: readonly string[], opts: ExecOptions) => Partial<ExecResult> = () => ({})) {}

  async run(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    this.calls.push({ argv, opts })
    const a = this.answer(argv, opts)
    const res = { stdout: a.stdout ?? '', stderr: a.stderr ?? '', exitCode: a.exitCode ?? 0 }
    if (res.exitCode !== 0 && !opts.allowFailure) throw new CommandError(withNetns(argv, opts.netns), res.exitCode, res.stderr)
    return res
  }
}
