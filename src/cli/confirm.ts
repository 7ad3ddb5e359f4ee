/** `hostnet commit` / `hostnet rollback`: confirm or undo the pending-confirm transaction of a target. */
import type { Command } from 'commander'
import { describeTarget } from '../model/target.js'
import { commitPending, rollbackPending } from '../txn/index.js'
import { addTargetOptions, resolveTarget, type TargetFlags } from './common.js'
import { printJson } from './output.js'
import { withRuntime } from './runtime.js'

export function registerConfirmCommands(program: Command): void {
  const commit = program.command('commit').description("keep the change of an 'apply --confirm-within' transaction")
  addTargetOptions(commit).action(async (flags: TargetFlags) => {
    const target = resolveTarget(flags)
    await withRuntime(flags, async (rt) => {
      const e = await commitPending({ ...rt.deps, target })
      if (flags.json === true) printJson({ transactionId: e.id, status: e.status })
      else process.stdout.write(`committed transaction ${e.id} on ${describeTarget(target)}\n`)
    })
  })

  const rollback = program
    .command('rollback')
    .description("undo an 'apply --confirm-within' transaction now: restore the state from before it")
  addTargetOptions(rollback).action(async (flags: TargetFlags) => {
    const target = resolveTarget(flags)
    await withRuntime(flags, async (rt) => {
      const e = await rollbackPending({ ...rt.deps, target })
      if (flags.json === true) printJson({ transactionId: e.id, status: e.status })
      else process.stdout.write(`rolled back transaction ${e.id} on ${describeTarget(target)}\n`)
    })
  })
}
