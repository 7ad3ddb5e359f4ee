/**
 * Failures injected into the REAL kernel apply: a Runner that rewrites the next `ip -batch` input so that a line
 * the kernel refuses (`link add name lo type dummy`: File exists) runs just before line j of the batch. ip stops
 * there, so lines 0..j-1 took effect and the rest did not, exactly as if line j itself had failed; apply.ts
 * blames the op of line j. Later batches (the rollback's) run unchanged.
 * @module
 */
import type { HostBackend } from '../../src/backend/backend.js'
import { Iproute2Backend, renderBatch, type RenderedBatch } from '../../src/backend/iproute2/index.js'
import { systemRunner, type ExecOptions, type ExecResult, type Runner } from '../../src/sys/exec.js'
import type { HostOp } from '../../src/plan/ops.js'

/** The injected line: a kernel error (EEXIST) on a link every namespace has. */
export const FAILING_LINE = 'link add name lo type dummy'

export class InjectingRunner implements Runner {
  /** Insert the failing line before this 0-based line of the next batch (undefined: nothing armed). */
  insertBefore: number | undefined
  /** The batches this runner rewrote, as run. */
  readonly injected: string[][] = []

  constructor(private readonly inner: Runner = systemRunner) {}

  run(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const at = this.insertBefore
    if (at === undefined || !argv.includes('-batch') || argv.includes('-force') || opts.input === undefined || argv.includes('-json')) {
      return this.inner.run(argv, opts)
    }
    this.insertBefore = undefined
    const lines = opts.input.split('\n').filter((l) => l !== '')
    const rewritten = [...lines.slice(0, at), FAILING_LINE, ...lines.slice(at)]
    this.injected.push(rewritten)
    return this.inner.run(argv, { ...opts, input: `${rewritten.join('\n')}\n` })
  }
}

export interface FailingBackend extends HostBackend {
  runner: InjectingRunner
  /** The batch of the first apply (as rendered, before the injection). */
  batch: RenderedBatch | undefined
}

/**
 * The iproute2 backend whose FIRST apply fails before batch line `lineOf(batch)` (a function of the rendered
 * batch, so callers can aim at "the first line of op k" or "the middle of the bulk delete").
 */
export function failingBackend(lineOf: (b: RenderedBatch, ops: readonly HostOp[]) => number): FailingBackend {
  const runner = new InjectingRunner()
  const real = new Iproute2Backend({ runner })
  const fb: FailingBackend = {
    runner,
    batch: undefined,
    query: (t, o) => real.query(t, o),
    apply: (t, ops) => {
      if (fb.batch === undefined) {
        fb.batch = renderBatch(ops)
        runner.insertBefore = lineOf(fb.batch, ops)
      }
      return real.apply(t, ops)
    },
  }
  return fb
}

/** The first line of op k (or of the first later op that renders lines). */
export function firstLineOfOp(b: RenderedBatch, k: number): number {
  const at = b.opOfLine.findIndex((op) => op >= k)
  return at < 0 ? b.lines.length - 1 : at
}
