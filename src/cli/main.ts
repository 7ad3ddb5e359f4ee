/**
 * The whole `hostnet` program with every command group loaded, for tests and tools that walk the command tree.
 * bin/hostnet does not load this module: it runs program.ts's `main`, which loads only the group of the command
 * being run (see command-table.ts).
 * @module
 */
import type { Command } from 'commander'
import { COMMAND_GROUPS } from './command-table.js'
import { loadGroups, programWith } from './program.js'

export { main } from './program.js'

const ALL_GROUPS = await loadGroups(COMMAND_GROUPS, {})

/** Every command registered (no stubs). */
export function buildProgram(): Command {
  return programWith(ALL_GROUPS)
}
