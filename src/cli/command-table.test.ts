import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Help } from 'commander'
import { COMMAND_GROUPS, commandName, type CommandLine } from './command-table.js'
import { buildProgram } from './main.js'
import { dispatchedCommand, programFor, programWith } from './program.js'

const help = new Help()

function tableLines(lines: readonly CommandLine[]): string {
  return lines.map(([term, summary]) => `      [${JSON.stringify(term)}, ${JSON.stringify(summary)}],`).join('\n')
}

test('each group of the command table registers exactly its lines: names, help terms and summaries', async () => {
  for (const group of COMMAND_GROUPS) {
    const program = programWith(new Map([[group, await group.load({})]]), [group])
    const actual = program.commands.map((c): CommandLine => [help.subcommandTerm(c), help.subcommandDescription(c)])
    assert.deepEqual(actual, group.commands, `command-table.ts disagrees with what the group registers; its lines should be:\n${tableLines(actual)}`)
  }
})

test('no command name is in two groups', () => {
  const names = COMMAND_GROUPS.flatMap((g) => g.commands.map(commandName))
  assert.deepEqual(names.filter((n, i) => names.indexOf(n) !== i), [])
})

test('the top-level help built from the table alone is the help of the whole program', () => {
  const lazy = programWith(new Map())
  assert.equal(lazy.commands.length, buildProgram().commands.length)
  assert.equal(lazy.helpInformation(), buildProgram().helpInformation())
})

test('the command being run is found past global options, and for `help NAME`', () => {
  const shell = programWith(new Map())
  const at = (...args: string[]): string | undefined => dispatchedCommand(shell, ['node', 'hostnet', ...args])
  assert.equal(at('net-list', '--all'), 'net-list')
  assert.equal(at('help', 'net-info'), 'net-info')
  assert.equal(at('sandbox', 'guest', 'add'), 'sandbox')
  assert.equal(at(), undefined)
  assert.equal(at('--help'), undefined)
  assert.equal(at('--state-dir', 'x', 'net-list'), undefined) // not a global option: commander refuses it
})

test('programFor registers only the group of the command being run; the rest stay stubs', async () => {
  const program = await programFor(['node', 'hostnet', 'net-list', '--all'])
  const byName = new Map(program.commands.map((c) => [c.name(), c]))
  assert.ok(byName.get('net-list')!.options.some((o) => o.long === '--all'), 'net-list is registered')
  assert.ok(byName.get('net-info')!.options.length > 0, 'its group is registered with it')
  assert.equal(byName.get('show')!.options.length, 0, 'show stays a stub')
  assert.equal(byName.get('sandbox')!.commands.length, 0, 'sandbox stays a stub')
  const helpOnly = await programFor(['node', 'hostnet', '--help'])
  assert.ok(helpOnly.commands.every((c) => c.options.length === 0 && c.commands.length === 0), 'no group loaded for --help')
})
