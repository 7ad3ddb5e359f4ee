/**
 * Named network namespaces (`ip netns`): a name is a file under /run/netns holding the namespace open.
 * Create and delete run `ip netns add|delete` through the Runner; listing and existence read /run/netns.
 * @module
 */
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { CommandError, HostnetError, ValidationError } from '../errors.js'
import { systemRunner, type Runner } from './exec.js'

/** Where iproute2 keeps the namespace files (NETNS_RUN_DIR). */
export const NETNS_RUN_DIR = '/run/netns'
/** A namespace name is a file name. */
export const NETNS_NAME_MAX = 255

export interface NetnsOptions {
  runner?: Runner
  /** Directory of the namespace files (tests); default NETNS_RUN_DIR. */
  runDir?: string
}

/** Why `name` cannot be a network namespace name, or undefined. */
export function netnsNameProblem(name: string): string | undefined {
  if (name === '') return 'is empty'
  if (name === '.' || name === '..') return `may not be '${name}'`
  if (name.includes('/')) return "contains '/'"
  if (Buffer.byteLength(name, 'utf8') > NETNS_NAME_MAX) return `is longer than ${NETNS_NAME_MAX} bytes`
  // eslint-disable-next-line no-control-regex
  if (/[\s\x00-\x1f\x7f]/.test(name)) return 'contains whitespace or a control character'
  if (name.startsWith('-')) return "starts with '-'"
  return undefined
}

/** Validate a namespace name; `what` names the field for the error message. */
export function checkNetnsName(name: string, what = 'network namespace name'): string {
  const problem = netnsNameProblem(name)
  if (problem !== undefined) throw new ValidationError(`invalid ${what} '${name}': ${problem}`, { value: name })
  return name
}

export function netnsExists(name: string, opts: NetnsOptions = {}): boolean {
  checkNetnsName(name)
  try {
    return statSync(join(opts.runDir ?? NETNS_RUN_DIR, name)).isFile()
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw e
  }
}

export function listNetns(opts: NetnsOptions = {}): string[] {
  try {
    return readdirSync(opts.runDir ?? NETNS_RUN_DIR).sort()
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw e
  }
}

/** Create the namespace; a conflict error if it exists. */
export async function createNetns(name: string, opts: NetnsOptions = {}): Promise<void> {
  checkNetnsName(name)
  const runner = opts.runner ?? systemRunner
  const res = await runner.run(['ip', 'netns', 'add', name], { allowFailure: true })
  if (res.exitCode === 0) return
  if (/File exists/.test(res.stderr)) {
    throw new HostnetError('conflict', `network namespace '${name}' already exists`, { details: { netns: name } })
  }
  if (/Operation not permitted|Permission denied/.test(res.stderr)) {
    throw new HostnetError('permission', `cannot create network namespace '${name}': ${res.stderr.trim()}`)
  }
  throw new CommandError(['ip', 'netns', 'add', name], res.exitCode, res.stderr)
}

/** Delete the namespace (idempotent). Returns whether it existed. */
export async function deleteNetns(name: string, opts: NetnsOptions = {}): Promise<boolean> {
  checkNetnsName(name)
  const runner = opts.runner ?? systemRunner
  const res = await runner.run(['ip', 'netns', 'delete', name], { allowFailure: true })
  if (res.exitCode === 0) return true
  if (/No such file or directory/.test(res.stderr)) return false
  throw new CommandError(['ip', 'netns', 'delete', name], res.exitCode, res.stderr)
}

/** The pids of the processes inside a named namespace (`ip netns pids`); empty when it does not exist. */
export async function netnsPids(name: string, opts: NetnsOptions = {}): Promise<number[]> {
  checkNetnsName(name)
  const res = await (opts.runner ?? systemRunner).run(['ip', 'netns', 'pids', name], { allowFailure: true })
  if (res.exitCode !== 0) return []
  return res.stdout
    .split('\n')
    .filter((l) => /^\d+$/.test(l.trim()))
    .map((l) => Number(l.trim()))
    .filter((pid) => pid !== process.pid)
}

/**
 * Stop every process inside a namespace (daemons such as dnsmasq would otherwise keep the namespace alive, out
 * of sight, after its name is deleted): SIGTERM, up to `graceMs` to exit, then SIGKILL. Returns how many there were.
 */
export async function stopNetnsProcesses(name: string, opts: NetnsOptions & { graceMs?: number } = {}): Promise<number> {
  const pids = await netnsPids(name, opts)
  const signal = (pid: number, sig: NodeJS.Signals | 0): boolean => {
    try {
      process.kill(pid, sig)
      return true
    } catch {
      return false // it exited already
    }
  }
  const alive = (pid: number): boolean => signal(pid, 0)
  for (const pid of pids) signal(pid, 'SIGTERM')
  const deadline = Date.now() + (opts.graceMs ?? 1000)
  while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
  for (const pid of pids.filter(alive)) signal(pid, 'SIGKILL')
  return pids.length
}
