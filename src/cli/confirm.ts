/** `hostnet commit` / `hostnet rollback`: confirm or undo the pending-confirm transaction of a target. */
import type { Command } from 'commander'
import { describeTarget } from '../model/target.js'
import { addTargetOptions, resolveTarget, type TargetFlags } from './common.js'
import { printJson } from './output.js'
import { withOps } from './ops.js'

export function registerConfirmCommands(program: Command): void {
  const commit = program.command('commit').description("keep the change of an 'apply --confirm-within' transaction")
  addTargetOptions(commit).action(async (flags: TargetFlags) => {
    const target = resolveTarget(flags)
    await withOps(flags, async (ops) => {
      const e = await ops.commit(target)
      if (flags.json === true) printJson(e)
      else process.stdout.write(`committed transaction ${e.transactionId} on ${describeTarget(target)}\n`)
    }, { networks: false })
  })

  const rollback = program
    .command('rollback')
    .description("undo an 'apply --confirm-within' transaction now: restore the state from before it")
  addTargetOptions(rollback).action(async (flags: TargetFlags) => {
    const target = resolveTarget(flags)
    await withOps(flags, async (ops) => {
      const e = await ops.rollback(target)
      if (flags.json === true) printJson(e)
      else process.stdout.write(`rolled back transaction ${e.transactionId} on ${describeTarget(target)}\n`)
    }, { networks: false })
  })
}
