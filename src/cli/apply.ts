/** `hostnet apply FILE` and `hostnet diff FILE`: desired-state documents (YAML or JSON). */
import type { Command } from 'commander'
import { parseDesiredState } from '../codec/yaml/state.js'
import { describeTarget, type Target } from '../model/target.js'
import type { DesiredState } from '../model/host/state.js'
import { applyState, diffState, NO_TRANSACTION, type ApplyResult } from '../txn/index.js'
import { addTargetOptions, documentFormat, parseSeconds, readInput, resolveTarget, type TargetFlags } from './common.js'
import { count, describeOps } from './describe-op.js'
import { printJson } from './output.js'
import { pauseAfterApplyMs, withRuntime, type Runtime } from './runtime.js'
import { ensureConfirmTimer } from './serve.js'

interface ApplyFlags extends TargetFlags {
  confirmWithin?: string
  verify?: boolean
}

export async function readDesired(file: string): Promise<DesiredState> {
  const text = await readInput(file)
  return parseDesiredState(text, { format: documentFormat(file, text) })
}

export function targetFlagText(t: Target): string {
  return t.kind === 'host' ? '--host' : `--netns ${t.name}`
}

export function applySummary(target: Target, r: ApplyResult): string {
  const where = describeTarget(target)
  if (r.status === 'unchanged') {
    const txn = r.transactionId === NO_TRANSACTION ? '' : ` (transaction ${r.transactionId})`
    return `${where} already matches: nothing to do${txn}\n`
  }
  const verified = r.verifyAttempts > 0 ? `, verified` : ', not verified'
  let out = `applied ${count(r.ops.length, 'operation')} to ${where} (transaction ${r.transactionId}${verified}):\n${describeOps(r.ops)}`
  if (r.status === 'pending-confirm' && r.confirmDeadlineMs !== undefined) {
    const sec = Math.max(0, Math.round((r.confirmDeadlineMs - Date.now()) / 1000))
    out += `waiting for confirmation: run 'hostnet commit ${targetFlagText(target)}' within ${sec} s, or the change is rolled back\n`
  }
  return out
}

export interface RunApplyOptions {
  confirmWithinSec?: number | undefined
  noVerify?: boolean
}

/** applyState with the CLI's runtime; starts the confirm timer daemon when the result waits for confirmation. */
export async function runApply(rt: Runtime, target: Target, desired: DesiredState, opts: RunApplyOptions = {}): Promise<ApplyResult> {
  const pause = pauseAfterApplyMs()
  const caps = await rt.caps(target)
  const result = await applyState({
    ...rt.deps,
    ...(caps === undefined ? {} : { caps }),
    target,
    desired,
    ...(opts.confirmWithinSec === undefined ? {} : { confirmWithinSec: opts.confirmWithinSec }),
    ...(opts.noVerify === true ? { noVerify: true } : {}),
    ...(pause === undefined ? {} : { pauseAfterApplyMs: pause }),
  })
  if (result.status === 'pending-confirm') await ensureConfirmTimer(rt)
  return result
}

export function registerApplyCommands(program: Command): void {
  const apply = program
    .command('apply')
    .description('apply a desired-state document as one transaction: verified, rolled back on any failure')
    .argument('<file>', 'YAML or JSON document, or - for standard input')
    .option('--confirm-within <sec>', "keep the change only if 'hostnet commit' runs within SEC seconds")
    .option('--no-verify', 'do not verify the result (and so do not roll back on a verification mismatch)')
  addTargetOptions(apply).action(async (file: string, flags: ApplyFlags) => {
    const target = resolveTarget(flags)
    const confirmWithinSec = flags.confirmWithin === undefined ? undefined : parseSeconds(flags.confirmWithin, '--confirm-within')
    const desired = await readDesired(file)
    await withRuntime(flags, async (rt) => {
      const result = await runApply(rt, target, desired, { confirmWithinSec, noVerify: flags.verify === false })
      if (flags.json === true) printJson(result)
      else process.stdout.write(applySummary(target, result))
    })
  })

  const diff = program
    .command('diff')
    .description('show what applying a document would change, touching nothing')
    .argument('<file>', 'YAML or JSON document, or - for standard input')
  addTargetOptions(diff).action(async (file: string, flags: TargetFlags) => {
    const target = resolveTarget(flags)
    const desired = await readDesired(file)
    await withRuntime(flags, async (rt) => {
      const caps = await rt.caps(target)
      const { change } = await diffState({ backend: rt.backend, target, desired, ...(caps === undefined ? {} : { caps }) })
      if (flags.json === true) printJson({ ops: change.ops, touched: change.touched })
      else if (change.ops.length === 0) process.stdout.write(`${describeTarget(target)} already matches: no changes\n`)
      else process.stdout.write(`${count(change.ops.length, 'change')} to ${describeTarget(target)} (${change.touched.join(', ')}):\n${describeOps(change.ops)}`)
    })
  })
}
