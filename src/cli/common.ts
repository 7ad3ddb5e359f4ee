/**
 * Options shared by the commands that act on a target: `--netns NAME` or `--host` (one is required, never a
 * default), `--state-dir DIR`, `--json`. Reading input documents.
 * @module
 */
import type { Command } from 'commander'
import { open } from 'node:fs/promises'
import { cut, HostnetError, ValidationError } from '../errors.js'
import { decodeDocument } from '../codec/input.js'
import { MAX_DOCUMENT_BYTES, tooLargeError } from '../codec/limits.js'
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

/**
 * The text of FILE, or of standard input for '-': at most MAX_DOCUMENT_BYTES (reading stops there) and valid
 * UTF-8, else invalid input. A missing file is 'not-found', an unreadable one 'permission', a directory or
 * anything else that is not a regular file invalid input.
 */
export async function readInput(file: string): Promise<string> {
  const what = file === '-' ? 'standard input' : `'${cut(file)}'`
  const bytes = file === '-' ? await readCapped(process.stdin, what) : await readFileCapped(file, what)
  return decodeDocument(bytes, what)
}

async function readCapped(stream: AsyncIterable<unknown>, what: string): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const c of stream) {
    const b = c as Buffer
    size += b.length
    if (size > MAX_DOCUMENT_BYTES) throw tooLargeError(what, size)
    chunks.push(b)
  }
  return Buffer.concat(chunks)
}

async function readFileCapped(file: string, what: string): Promise<Buffer> {
  let handle
  try {
    handle = await open(file, 'r')
    const st = await handle.stat()
    if (!st.isFile() && !st.isFIFO() && !st.isCharacterDevice()) {
      throw new ValidationError(`cannot read ${what}: ${st.isDirectory() ? 'it is a directory' : 'it is not a regular file'}`, { path: file })
    }
    if (st.isFile() && st.size > MAX_DOCUMENT_BYTES) throw tooLargeError(what, st.size)
    return await readCapped(handle.createReadStream({ start: 0, autoClose: false }), what)
  } catch (e) {
    if (e instanceof HostnetError) throw e
    const code = (e as NodeJS.ErrnoException).code
    const kind = code === 'ENOENT' || code === 'ENOTDIR' ? 'not-found' : code === 'EACCES' || code === 'EPERM' ? 'permission' : 'invalid-argument'
    throw new HostnetError(kind, `cannot read ${what}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e })
  } finally {
    await handle?.close()
  }
}

/** 'json' for *.json files or text starting with '{', else 'yaml'. */
export function documentFormat(file: string, text: string): 'json' | 'yaml' {
  return file.endsWith('.json') || text.trimStart().startsWith('{') ? 'json' : 'yaml'
}

/** Longest `--confirm-within`: a day (a timer's delay must fit Node's 32-bit millisecond timers anyway). */
export const MAX_CONFIRM_SECONDS = 86_400

/**
 * A positive decimal number of seconds, at most `max`: digits with an optional fraction, nothing else (no hex
 * `0x10`, exponent, sign, blanks or `Infinity`, which Number() would all take).
 */
export function parseSeconds(v: string, what: string, max = MAX_CONFIRM_SECONDS): number {
  const n = /^[0-9]{1,9}(\.[0-9]{1,9})?$/.test(v) ? Number(v) : NaN
  if (!(n > 0 && n <= max)) {
    throw new ValidationError(`invalid ${what} '${cut(v)}': expected a decimal number of seconds above 0 and at most ${max}`, { path: what, value: v })
  }
  return n
}

/** A positive decimal integer of milliseconds, at most `max`. */
export function parseMilliseconds(v: string, what: string, max: number): number {
  const n = /^[0-9]{1,9}$/.test(v) ? Number(v) : NaN
  if (!(n > 0 && n <= max)) {
    throw new ValidationError(`invalid ${what} '${cut(v)}': expected a decimal number of milliseconds from 1 to ${max}`, { path: what, value: v })
  }
  return n
}
