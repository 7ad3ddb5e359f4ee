/** `hostnet apply FILE` and `hostnet diff FILE`: desired-state documents (YAML or JSON). */
import type { Command } from 'commander'
import { parseDesiredState, type SkippedKey } from '../codec/yaml/state.js'
import { describeTarget, type Target } from '../model/target.js'
import { ValidationError } from '../errors.js'
import { NO_TRANSACTION } from '../txn/apply.js'
import type { ApplyResult, DocumentText } from '../service/ops.js'
import { addTargetOptions, documentFormat, parseSeconds, readInput, resolveTarget, type TargetFlags } from './common.js'
import { count, describeOps } from '../plan/describe.js'
import { printJson } from './output.js'
import { withOps } from './ops.js'

interface DocumentFlags extends TargetFlags {
  skipUnsupported?: boolean
}

interface ApplyFlags extends DocumentFlags {
  confirmWithin?: string
  verify?: boolean
}

/**
 * The document of FILE, checked here (bad input fails before anything is opened) and applied by whoever runs the
 * verb. With --skip-unsupported, every key or interface left out is named on stderr (never silently).
 */
async function readDocument(file: string, flags: DocumentFlags): Promise<DocumentText> {
  const text = await readInput(file)
  const doc: DocumentText = { text, format: documentFormat(file, text) }
  if (flags.skipUnsupported !== true) {
    parseDesiredState(doc.text, { format: doc.format })
    return doc
  }
  const skipped: SkippedKey[] = []
  parseDesiredState(doc.text, { format: doc.format, skipUnsupported: true, skipped })
  for (const s of skipped) process.stderr.write(`hostnet: skipped ${s.path}: ${s.message}\n`)
  return { ...doc, skipUnsupported: true }
}

const SKIP_HELP = 'leave out keys and interface types hostnet does not support (each one is named on stderr) instead of refusing the document'

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

export { runApply } from '../service/host.js'
export type { ApplyOptions as RunApplyOptions } from '../service/ops.js'

export function registerApplyCommands(program: Command): void {
  const apply = program
    .command('apply')
    .description('apply a desired-state document as one transaction: verified, rolled back on any failure')
    .argument('<file>', 'YAML or JSON document, or - for standard input')
    .option('--confirm-within <sec>', "keep the change only if 'hostnet commit' runs within SEC seconds")
    .option('--no-verify', 'do not verify the result (and so do not roll back on a verification mismatch)')
    .option('--skip-unsupported', SKIP_HELP)
  addTargetOptions(apply).action(async (file: string, flags: ApplyFlags) => {
    const target = resolveTarget(flags)
    const confirmWithinSec = flags.confirmWithin === undefined ? undefined : parseSeconds(flags.confirmWithin, '--confirm-within')
    const doc = await readDocument(file, flags)
    await withOps(flags, async (ops) => {
      const result = await ops.apply(target, doc, { confirmWithinSec, noVerify: flags.verify === false })
      if (flags.json === true) printJson(result)
      else process.stdout.write(applySummary(target, result))
    }, { networks: false })
  })

  const diff = program
    .command('diff')
    .description('show what applying a document would change, touching nothing (--saved: the drift from the saved state)')
    .argument('[file]', 'YAML or JSON document, or - for standard input')
    .option('--saved', "compare with the target's saved state instead: what changed behind hostnet's back")
    .option('--skip-unsupported', SKIP_HELP)
  addTargetOptions(diff).action(async (file: string | undefined, flags: DocumentFlags & { saved?: boolean }) => {
    if (flags.saved === true) {
      if (file !== undefined) throw new ValidationError('diff --saved takes no document', { path: 'file', value: file })
      return (await import('./saved.js')).diffSavedCommand(flags)
    }
    if (file === undefined) throw new ValidationError('diff needs a document (or --saved)', { path: 'file' })
    const target = resolveTarget(flags)
    const doc = await readDocument(file, flags)
    await withOps(flags, async (ops) => {
      const change = await ops.diff(target, doc)
      if (flags.json === true) printJson({ ops: change.ops, touched: change.touched })
      else if (change.ops.length === 0) process.stdout.write(`${describeTarget(target)} already matches: no changes\n`)
      else process.stdout.write(`${count(change.ops.length, 'change')} to ${describeTarget(target)} (${change.touched.join(', ')}):\n${describeOps(change.ops)}`)
    }, { networks: false })
  })
}
