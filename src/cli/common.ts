/**
 * Options shared by the commands that act on a target: `--netns NAME` or `--host` (one is required, never a
 * default), `--state-dir DIR`, `--json`. Reading input documents.
 * @module
 */
import type { Command } from 'commander'
import { readFile } from 'node:fs/promises'
import { HostnetError, ValidationError } from '../errors.js'
import type { Target } from '../model/target.js'
import { netnsNameProblem } from '../sys/netns.js'

export interface TargetFlags {
  netns?: string
  host?: boolean
  stateDir?: string
  json?: boolean
  /** OVSDB address (`unix:PATH` or `tcp:HOST:PORT`). */
  ovsdb?: string
}

export function addStateDirOption(cmd: Command): Command {
  return cmd.option('--state-dir <dir>', 'state directory holding the store (default: $HOSTNET_STATE_DIR or /var/lib/hostnet)')
}

export function addTargetOptions(cmd: Command, opts: { json?: boolean } = {}): Command {
  cmd
    .option('--netns <name>', 'act on this network namespace')
    .option('--host', "act on the host's own network namespace (must be asked for explicitly)")
    .option('--ovsdb <address>', "Open vSwitch database (default: $HOSTNET_OVSDB, the sandbox's private OVS, unix:/var/run/openvswitch/db.sock for --host)")
  addStateDirOption(cmd)
  if (opts.json !== false) cmd.option('--json', 'print machine-readable JSON')
  return cmd
}

export function resolveTarget(flags: TargetFlags): Target {
  if (flags.netns !== undefined && flags.host === true) {
    throw new ValidationError('give either --netns NAME or --host, not both', { path: '--netns', value: flags.netns })
  }
  if (flags.host === true) return { kind: 'host' }
  if (flags.netns === undefined) {
    throw new ValidationError("no target: give --netns NAME (or --host for the host's own namespace)", { path: '--netns' })
  }
  const problem = netnsNameProblem(flags.netns)
  if (problem !== undefined) {
    throw new ValidationError(`invalid network namespace name '${flags.netns}': ${problem}`, { path: '--netns', value: flags.netns })
  }
  return { kind: 'netns', name: flags.netns }
}

/** The text of FILE, or of standard input for '-'. */
export async function readInput(file: string): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = []
    for await (const c of process.stdin) chunks.push(c as Buffer)
    return Buffer.concat(chunks).toString('utf8')
  }
  try {
    return await readFile(file, 'utf8')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    const kind = code === 'ENOENT' ? 'not-found' : code === 'EACCES' ? 'permission' : 'invalid-argument'
    throw new HostnetError(kind, `cannot read '${file}': ${(e as Error).message}`, { cause: e })
  }
}

/** 'json' for *.json files or text starting with '{', else 'yaml'. */
export function documentFormat(file: string, text: string): 'json' | 'yaml' {
  return file.endsWith('.json') || text.trimStart().startsWith('{') ? 'json' : 'yaml'
}

export function parseSeconds(v: string, what: string): number {
  const n = Number(v)
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new ValidationError(`invalid ${what} '${v}': expected a positive number of seconds`, { path: what, value: v })
  }
  return n
}
