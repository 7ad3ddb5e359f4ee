/** `hostnet show`: the current state of a target as YAML (default) or JSON. */
import type { Command } from 'commander'
import { formatStateYaml, stateDocument } from '../codec/yaml/state-doc.js'
import { addTargetOptions, resolveTarget, type TargetFlags } from './common.js'
import { printJson } from './output.js'
import { withOps } from './ops.js'
import { stateTable } from './state-table.js'

interface ShowFlags extends TargetFlags {
  yaml?: boolean
  brief?: boolean
  saved?: boolean
}

export { selectInterfaces } from '../service/select.js'

export function registerShowCommand(program: Command): void {
  const cmd = program
    .command('show')
    .description('print the current interfaces and routes of a target as a document apply accepts (YAML, or JSON with --json)')
    .argument('[names...]', 'only these interfaces')
  addTargetOptions(cmd)
    .option('--yaml', 'print YAML (the default)')
    .option('--brief', 'print one line per interface')
    .option('--saved', 'print the saved desired state instead (what boot and restore --saved apply)')
    .action(async (names: string[], flags: ShowFlags) => {
      if (flags.saved === true) return (await import('./saved.js')).showSaved(flags)
      const target = resolveTarget(flags)
      await withOps(flags, async (ops) => {
        const state = await ops.show(target, names)
        // JSON in the documents' own shape (what `apply` reads), not the internal records
        if (flags.json === true) printJson(stateDocument(state))
        else if (flags.brief === true) process.stdout.write(stateTable(state))
        else process.stdout.write(formatStateYaml(state) ?? (await import('../codec/yaml/state.js')).formatState(state))
      }, { networks: false })
    })
}
