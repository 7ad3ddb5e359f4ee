/**
 * A Runner that makes one chosen command fail: the n-th command matching a predicate gets an exit status and a
 * message without running (a southbound step that failed and changed nothing), or, for an `ip -batch`, runs with a
 * refused line inserted before line j (the batch stops there: lines before it took effect). Every command is
 * recorded, so a sweep can first count a scenario's steps, then fail each in turn.
 * @module
 */
import { CommandError } from '../../src/errors.js'
import { systemRunner, type ExecOptions, type ExecResult, type Runner } from '../../src/sys/exec.js'

/** A line every namespace refuses (EEXIST: there is always a `lo`). */
export const REFUSED_BATCH_LINE = 'link add name lo type dummy'

export interface Fault {
  /** Which commands count. */
  match: (argv: readonly string[], opts: ExecOptions) => boolean
  /** Fail the n-th matching command (1-based). */
  nth: number
  /** For `ip -batch`: insert the refused line before this line instead of failing the whole command. */
  batchLine?: number
  stderr?: string
  exitCode?: number
}

export interface RecordedCommand {
  argv: readonly string[]
  netns?: string
  input?: string
}

export class FaultingRunner implements Runner {
  readonly calls: RecordedCommand[] = []
  fault: Fault | undefined
  /**
   * Commands answered with success without running them: a kernel feature this VM lacks (sfq) stands in as
   * present, so the steps after it can be reached.
   */
  pretend: ((argv: readonly string[]) => boolean) | undefined
  /** Whether the armed fault fired. */
  fired = false
  private seen = 0

  constructor(private readonly inner: Runner = systemRunner) {}

  arm(fault: Fault | undefined): void {
    this.fault = fault
    this.fired = false
    this.seen = 0
  }

  async run(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    this.calls.push({ argv, ...(opts.netns === undefined ? {} : { netns: opts.netns }), ...(opts.input === undefined ? {} : { input: opts.input }) })
    const f = this.fault
    const pretended = this.pretend?.(argv) === true
    if (f === undefined || this.fired || !f.match(argv, opts)) {
      return pretended ? { stdout: '', stderr: '', exitCode: 0 } : this.inner.run(argv, opts)
    }
    if (++this.seen !== f.nth) return pretended ? { stdout: '', stderr: '', exitCode: 0 } : this.inner.run(argv, opts)
    this.fired = true
    if (f.batchLine !== undefined && opts.input !== undefined) {
      const lines = opts.input.split('\n').filter((l) => l !== '')
      const input = [...lines.slice(0, f.batchLine), REFUSED_BATCH_LINE, ...lines.slice(f.batchLine)].join('\n') + '\n'
      return this.inner.run(argv, { ...opts, input })
    }
    const res: ExecResult = { stdout: '', stderr: f.stderr ?? 'injected failure\n', exitCode: f.exitCode ?? 2 }
    if (!opts.allowFailure) throw new CommandError(opts.netns === undefined ? argv : ['ip', 'netns', 'exec', opts.netns, ...argv], res.exitCode, res.stderr)
    return res
  }
}

/** The program of an argv past `ip netns exec NS`, `nsenter --net=...` and `ip -n NS`. */
export function program(argv: readonly string[]): string {
  if (argv[0] === 'nsenter') return program(argv.slice(argv.findIndex((a, i) => i > 0 && !a.startsWith('-'))))
  return argv[0] ?? ''
}
