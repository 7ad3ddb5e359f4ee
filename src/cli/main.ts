/**
 * The `hostnet` command line. Each subcommand lives in its own file and registers itself here.
 * @module
 */
import { Command, CommanderError } from 'commander'
import { exitCodeFor } from './exit.js'
import { printError } from './output.js'
import { registerXmlCommands } from './xml.js'
import { registerShowCommand } from './show.js'
import { registerOvsCommands } from './ovs.js'
import { registerApplyCommands } from './apply.js'
import { registerConfirmCommands } from './confirm.js'
import { registerIfaceCommands } from './iface.js'
import { registerSandboxCommands } from './sandbox.js'
import { registerServeCommand } from './serve.js'
import { registerDemoCommand } from './demo.js'
import { registerNetCommands } from './net.js'
import { registerNetPortCommands } from './net-port.js'
import { registerSandboxGuestCommands } from './sandbox-guest.js'
import { registerDebugCommands } from './debug.js'

export function buildProgram(): Command {
  const program = new Command('hostnet')
    .description('Network manager for KVM hosts: host interfaces, virtual networks and ports')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride()
  registerXmlCommands(program)
  registerShowCommand(program)
  registerOvsCommands(program)
  registerApplyCommands(program)
  registerConfirmCommands(program)
  registerIfaceCommands(program)
  registerNetCommands(program)
  registerNetPortCommands(program)
  registerSandboxCommands(program)
  registerSandboxGuestCommands(program)
  registerServeCommand(program)
  registerDemoCommand(program)
  registerDebugCommands(program)
  return program
}

/** Entry point used by bin/hostnet; resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram()
  const json = argv.includes('--json')
  try {
    await program.parseAsync([...argv])
    return 0
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2
    printError(e, { json })
    return exitCodeFor(e)
  }
}
