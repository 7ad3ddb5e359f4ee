/**
 * The saved desired state on the command line: `show --saved` and `diff --saved` (in show.ts and apply.ts call
 * these), `restore --saved`, and `boot` (systemd's early-boot one-shot: contrib/hostnet-boot.service). They run
 * locally (the saved state is this host's store).
 * @module
 */
import type { Command } from 'commander'
import { HostnetError } from '../errors.js'
import { describeTarget, type Target } from '../model/target.js'
import { count, describeOps } from '../plan/describe.js'
import type { SavedSkip } from '../txn/saved.js'
import { addStateDirOption, addTargetOptions, resolveTarget, type TargetFlags } from './common.js'
import { printJson } from './output.js'
import { withRuntime } from './runtime.js'

const service = (): Promise<typeof import('../service/saved.js')> => import('../service/saved.js')

function nothingSaved(target: Target): HostnetError {
  return new HostnetError('not-found', `nothing is saved for ${describeTarget(target)}: no transaction was committed there`)
}

function skippedText(skipped: readonly SavedSkip[]): string {
  return skipped.map((s) => `left out ${s.object}: ${s.reason}\n`).join('')
}

/** `show --saved`: the saved document, as YAML (or JSON). */
export async function showSaved(flags: TargetFlags): Promise<void> {
  const target = resolveTarget(flags)
  await withRuntime(flags, async (rt) => {
    const doc = (await service()).savedDocument(rt, target)
    if (doc === undefined) throw nothingSaved(target)
    if (flags.json === true) printJson(doc)
    else process.stdout.write((await import('../codec/yaml/state.js')).formatState(doc))
  }, { networks: false })
}

/** `diff --saved`: what changed behind hostnet's back, as the operations that would undo it. */
export async function diffSavedCommand(flags: TargetFlags): Promise<void> {
  const target = resolveTarget(flags)
  await withRuntime(flags, async (rt) => {
    const d = await (await service()).diffSaved(rt, target)
    if (d === undefined) throw nothingSaved(target)
    if (flags.json === true) return printJson(d)
    process.stderr.write(skippedText(d.skipped))
    if (d.ops.length === 0) process.stdout.write(`${describeTarget(target)} matches its saved state\n`)
    else process.stdout.write(`${count(d.ops.length, 'change')} to bring ${describeTarget(target)} back to its saved state (${d.touched.join(', ')}):\n${describeOps(d.ops)}`)
  }, { networks: false })
}

interface RestoreFlags extends TargetFlags {
  saved?: boolean
}

export function registerSavedCommands(program: Command): void {
  const restore = program.command('restore').description("apply the target's saved state again (--saved), as one verified transaction")
  addTargetOptions(restore)
    .option('--saved', 'the saved state (the merge of every committed document)')
    .action(async (flags: RestoreFlags) => {
      if (flags.saved !== true) throw new HostnetError('invalid-argument', 'restore needs --saved (the only source it restores from)', { details: { path: '--saved' } })
      const target = resolveTarget(flags)
      await withRuntime(flags, async (rt) => {
        const r = await (await service()).restoreSaved(rt, target)
        if (r.status === 'nothing-saved') throw nothingSaved(target)
        if (flags.json === true) return printJson(r)
        process.stderr.write(skippedText(r.skipped))
        process.stdout.write(
          r.status === 'unchanged'
            ? `${describeTarget(target)} already matches its saved state\n`
            : `restored ${describeTarget(target)} to its saved state: ${count(r.ops, 'operation')} (transaction ${r.transactionId}, verified)\n`,
        )
      }, { networks: false })
    })

  const boot = program
    .command('boot')
    .description("apply every target's saved state (one verified transaction each, as far as it fits), then start the autostart networks")
  addStateDirOption(boot)
    .option('--json', 'print the report as JSON')
    .action(async (flags: { stateDir?: string; json?: boolean }) => {
      await withRuntime(flags, async (rt) => {
        const report = await (await service()).bootAll(rt)
        if (flags.json === true) printJson(report)
        else {
          for (const t of report.targets) {
            process.stderr.write(skippedText(t.skipped ?? []).replace(/^/gm, `${t.target}: `))
            const what = t.status === 'failed' || t.status === 'target-missing' ? `${t.status}: ${t.error ?? ''}` : `${t.status}${t.ops ? ` (${count(t.ops, 'operation')})` : ''}`
            process.stdout.write(`${t.target}: ${what}\n`)
          }
          for (const n of report.networks.started) process.stdout.write(`network ${n}: started\n`)
          for (const n of report.networks.failed) process.stdout.write(`network ${n.network}: failed: ${n.error}\n`)
        }
        if (report.targets.some((t) => t.status === 'failed')) process.exitCode = 1
      })
    })
}
