/**
 * A command the tc backend renders: an argv (argv[0] is the program, `tc` or `ovs-vsctl`) and whether libvirt
 * ignores its exit status (the "delete whatever is there" steps), or needs its output (OVS look-ups).
 * @module
 */

export const TC = 'tc'
export const OVS_VSCTL = 'ovs-vsctl'

export interface ShapingCommand {
  readonly argv: readonly string[]
  /** libvirt runs it with the exit status ignored (`tc qdisc del …` when nothing may be there). */
  readonly ignoreFailure?: boolean
  /** A look-up whose output decides later commands (`ovs-vsctl find …`); see render-ovs.ts. */
  readonly query?: boolean
}

export function tc(...args: string[]): ShapingCommand {
  return { argv: [TC, ...args] }
}

export function tcIgnoringFailure(...args: string[]): ShapingCommand {
  return { argv: [TC, ...args], ignoreFailure: true }
}

const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/

/** One argument as libvirt's virCommandToString shows it (single quotes around anything unusual). */
export function shellQuote(arg: string): string {
  if (arg !== '' && SHELL_SAFE.test(arg)) return arg
  return `'${arg.replace(/'/g, `'\\''`)}'`
}

/** A command line as libvirt's dry-run log prints it, with argv[0] replaced by `program` (e.g. `${TC}`). */
export function commandLine(cmd: ShapingCommand, program?: string): string {
  const [first, ...rest] = cmd.argv
  return [program ?? first ?? '', ...rest.map(shellQuote)].join(' ')
}
