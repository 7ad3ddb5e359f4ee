/**
 * Apply: all ops in ONE `ip [-n NS] -batch -` run (lines on stdin, no -force, so ip stops at the first failing
 * line). A failure is blamed on the op behind the failing line: ApplyError with appliedCount = the ops fully
 * before it. If a bulk delete failed half-way, the links it had already moved into the delete group are moved
 * back to the default group, so a later bulk delete cannot take them along.
 * @module
 */
import { CommandError, errorMessage } from '../../errors.js'
import type { HostOp } from '../../plan/ops.js'
import type { Runner } from '../../sys/exec.js'
import { ApplyError } from '../backend.js'
import { describeTarget, type Target } from '../../model/target.js'
import { ipArgv } from './argv.js'
import { parseBatchFailure } from './batch-failure.js'
import { describeHostOp } from './describe.js'
import { renderBatch, type RenderOptions } from './render.js'
import { targetProblem } from './target-error.js'
import { applyRemotes } from './fdb.js'

export const APPLY_TIMEOUT_MS = 600_000

export interface ApplyOptions extends RenderOptions {
  timeoutMs?: number
  /** Called with the rendered lines before they run (logging, dry runs in tests). */
  onBatch?: (lines: readonly string[]) => void
}

/** Undo the group moves of a bulk delete that failed part-way (best effort: -force, errors ignored). */
async function releaseDeleteGroup(
  runner: Runner,
  target: Target,
  lines: readonly string[],
  from: number,
  to: number,
): Promise<void> {
  const undo: string[] = []
  for (let i = from; i < to; i++) {
    const m = /^link set dev (\S+) group \d+$/.exec(lines[i]!)
    if (m !== null) undo.push(`link set dev ${m[1]!} group default`)
  }
  if (undo.length === 0) return
  await runner.run(ipArgv(target, '-force', '-batch', '-'), { input: `${undo.join('\n')}\n`, allowFailure: true })
}

function firstLineOf(opOfLine: readonly number[], op: number): number {
  return opOfLine.indexOf(op)
}

/**
 * Apply `ops` in order: consecutive link, address and route ops in one `ip -batch`, consecutive VXLAN FDB ops
 * (head-end replication) in one `bridge -batch` (fdb.ts). The planner puts the FDB ops last, so an apply is
 * normally one `ip` run and at most one `bridge` run.
 */
export async function applyHostOps(
  runner: Runner,
  target: Target,
  ops: readonly HostOp[],
  opts: ApplyOptions = {},
): Promise<void> {
  let start = 0
  while (start < ops.length) {
    const fdb = ops[start]!.kind === 'vxlan.set-remotes'
    let end = start
    while (end < ops.length && (ops[end]!.kind === 'vxlan.set-remotes') === fdb) end++
    const segment = ops.slice(start, end)
    try {
      if (fdb) await applyFdbSegment(runner, target, segment as RemotesOp[], opts)
      else await applyIpSegment(runner, target, segment, opts)
    } catch (e) {
      if (e instanceof ApplyError && start > 0) {
        throw new ApplyError(e.message, {
          appliedCount: start + e.appliedCount,
          ...(e.failedIndex === undefined ? {} : { failedIndex: start + e.failedIndex }),
          ...(e.failedIndex === undefined ? {} : { op: ops[start + e.failedIndex]! }),
          ...(e.cause === undefined ? {} : { cause: e.cause }),
        })
      }
      throw e
    }
    start = end
  }
}

type RemotesOp = Extract<HostOp, { kind: 'vxlan.set-remotes' }>

async function applyFdbSegment(runner: Runner, target: Target, ops: readonly RemotesOp[], opts: ApplyOptions): Promise<void> {
  const failure = await applyRemotes(runner, target, ops, opts.timeoutMs ?? APPLY_TIMEOUT_MS)
  if (failure === undefined) return
  const op = failure.opIndex === undefined ? undefined : ops[failure.opIndex]
  const what = op === undefined ? 'bridge -batch failed (the failing operation could not be determined)' : `cannot ${describeHostOp(op)}`
  throw new ApplyError(`${describeTarget(target)}: ${what}: ${failure.message}`, {
    appliedCount: failure.opIndex ?? 0,
    ...(failure.opIndex === undefined ? {} : { failedIndex: failure.opIndex }),
    ...(op === undefined ? {} : { op }),
    cause: failure.cause,
  })
}

async function applyIpSegment(runner: Runner, target: Target, ops: readonly HostOp[], opts: ApplyOptions): Promise<void> {
  const { lines, opOfLine } = renderBatch(ops, opts)
  if (lines.length === 0) return
  opts.onBatch?.(lines)
  const argv = ipArgv(target, '-batch', '-')
  const input = `${lines.join('\n')}\n`
  const res = await runner.run(argv, { input, allowFailure: true, timeoutMs: opts.timeoutMs ?? APPLY_TIMEOUT_MS })
  if (res.exitCode === 0) return
  const problem = targetProblem(target, res.stderr)
  if (problem !== undefined) throw problem
  const cause = new CommandError(argv, res.exitCode, res.stderr)
  const failure = parseBatchFailure(res.stderr, lines)
  const opIndex = failure.lineIndex === undefined ? undefined : opOfLine[failure.lineIndex]
  if (opIndex === undefined) {
    const what = 'ip -batch failed (the failing operation could not be determined)'
    throw new ApplyError(`${describeTarget(target)}: ${what}: ${failure.message}`, { appliedCount: 0, cause })
  }
  const op = ops[opIndex]!
  let note = ''
  if (op.kind === 'link.delete') {
    try {
      await releaseDeleteGroup(runner, target, lines, firstLineOf(opOfLine, opIndex), failure.lineIndex! + 1)
    } catch (e) {
      note = ` (and moving its links back to the default group failed: ${errorMessage(e)})`
    }
  }
  throw new ApplyError(`${describeTarget(target)}: cannot ${describeHostOp(op)}: ${failure.message}${note}`, {
    appliedCount: opIndex,
    failedIndex: opIndex,
    op,
    cause,
  })
}
