/**
 * The `hostnet` program, built lazily: every command of the table (command-table.ts) is listed, but only the
 * group owning the command being run is imported and registered; the others stay stubs carrying the name and
 * the help line. `hostnet --version`, `hostnet --help` and unknown commands load no command module at all.
 * @module
 */
import { Command, CommanderError, Help } from 'commander'
import { COMMAND_GROUPS, commandName, type CommandGroup, type GlobalFlags, type RegisterCommands } from './command-table.js'
import { cut, ValidationError } from '../errors.js'
import { exitCodeFor } from './exit.js'
import { printError } from './output.js'
import { CACERT_ENV, setRemoteOptions, TOKEN_ENV, URL_ENV } from './remote.js'

export const HOSTNET_VERSION = '0.1.0'

/** Registered groups, by table entry. */
export type LoadedGroups = ReadonlyMap<CommandGroup, RegisterCommands>

const defaultHelp = new Help()

/**
 * The program with the given groups registered and every other table command as a stub: its name and
 * description as the table says, its help term (`[options]`, arguments) shown from the table.
 */
export function programWith(loaded: LoadedGroups, groups: readonly CommandGroup[] = COMMAND_GROUPS): Command {
  const stubTerms = new WeakMap<Command, string>()
  const program = new Command('hostnet')
    .description('Network manager for KVM hosts: host interfaces, virtual networks and ports')
    .version(HOSTNET_VERSION)
    .showHelpAfterError()
    .exitOverride()
    .configureHelp({ subcommandTerm: (cmd) => stubTerms.get(cmd) ?? defaultHelp.subcommandTerm(cmd) })
    .option('--url <url>', `run the verb on a remote hostnet through its API: http(s)://HOST:PORT or unix:/path (default: $${URL_ENV})`)
    .option('--token <token>', `bearer token for --url (default: $${TOKEN_ENV})`)
    .option('--cacert <file>', `CA certificate to trust for an https --url (default: $${CACERT_ENV})`)
  program.hook('preAction', (_root, action) => setRemoteOptions(action.optsWithGlobals(), topLevelName(action)))
  for (const group of groups) {
    const register = loaded.get(group)
    if (register !== undefined) {
      register(program)
      continue
    }
    for (const line of group.commands) stubTerms.set(program.command(commandName(line)).description(line[1]), line[0])
  }
  return program
}

/** The top-level command an action belongs to (`sandbox` for `sandbox guest add`). */
function topLevelName(cmd: Command): string {
  let c = cmd
  while (c.parent !== null && c.parent.parent !== null) c = c.parent
  return c.name()
}

/** Import and register-ready the given groups (in parallel). */
export async function loadGroups(groups: readonly CommandGroup[], globals: GlobalFlags): Promise<Map<CommandGroup, RegisterCommands>> {
  const registers = await Promise.all(groups.map((g) => g.load(globals)))
  return new Map(groups.map((g, i) => [g, registers[i]!] as const))
}

/**
 * The command commander will dispatch `argv` to (for `help NAME`: NAME), read with the program's own option
 * parsing so global options (and their values) are skipped exactly as the real parse skips them; undefined when
 * it runs no command (no arguments, `--help`, an unknown command). Program-level options act here already:
 * `--version` prints and throws its CommanderError, as the full parse would.
 */
export function dispatchedCommand(shell: Command, argv: readonly string[]): string | undefined {
  const { operands } = shell.parseOptions(argv.slice(2))
  return operands[0] === 'help' ? operands[1] : operands[0]
}

/** The program for `argv` (process.argv form): the table, with the group of the command it runs loaded. */
export async function programFor(argv: readonly string[], groups: readonly CommandGroup[] = COMMAND_GROUPS): Promise<Command> {
  const shell = programWith(new Map(), groups)
  const name = dispatchedCommand(shell, argv)
  const wanted = name === undefined ? [] : groups.filter((g) => g.commands.some((line) => commandName(line) === name))
  // a fresh program: the shell's option values were set by the scan
  return programWith(wanted.length === 0 ? new Map() : await loadGroups(wanted, shell.opts()), groups)
}

/** Entry point used by bin/hostnet; resolves to the process exit code. */
/**
 * Arguments are decoded from bytes by Node, which replaces invalid UTF-8 with U+FFFD: such an argument is
 * refused rather than taken as a name the user never wrote.
 */
function checkArguments(argv: readonly string[]): void {
  argv.slice(2).forEach((a, i) => {
    if (a.includes('\uFFFD')) throw new ValidationError(`argument ${i + 1} '${cut(a)}' is not valid UTF-8`, { value: a })
  })
}

/**
 * An SQLite error saying the store is malformed (damaged after it was opened) as the store's own error and hint,
 * naming the store file `argv` names (loaded on this error path only: `--version` loads no store module).
 */
async function storeError(e: unknown, argv: readonly string[]): Promise<unknown> {
  const code = (e as { code?: unknown } | null)?.code
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return e
  const [{ join }, { storeErrorOf }, { resolveStateDir, STORE_FILE_NAME }] = await Promise.all([
    import('node:path'),
    import('../store/integrity.js'),
    import('../store/state-dir.js'),
  ])
  const i = argv.findIndex((a) => a === '--state-dir' || a.startsWith('--state-dir='))
  const flag = i < 0 ? undefined : argv[i]!.includes('=') ? argv[i]!.slice('--state-dir='.length) : argv[i + 1]
  return storeErrorOf(e, join(resolveStateDir({ flag }), STORE_FILE_NAME)) ?? e
}

export async function main(argv: readonly string[]): Promise<number> {
  const json = argv.includes('--json')
  try {
    checkArguments(argv)
    const program = await programFor(argv)
    await program.parseAsync([...argv])
    return 0
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2
    const err = await storeError(e, argv)
    printError(err, { json })
    return exitCodeFor(err)
  }
}
