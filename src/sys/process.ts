/**
 * Processes as /proc shows them, and hostnet's one process identity: a pid plus the process start time (field 22
 * of /proc/PID/stat, clock ticks since boot), so that a recycled pid is never mistaken for the process it once
 * named. Journal, network and port owners, the daemon lock and a network's dnsmasq are all ProcessIdentity.
 * Every read tolerates the process exiting in between (a gone process reads as undefined / not alive).
 * @module
 */
import { readFileSync } from 'node:fs'
import { userInfo } from 'node:os'

export interface ProcessIdentity {
  pid: number
  /** Start time in clock ticks since boot, as text; '' when unknown. */
  startTicks: string
}

export interface ProcStat {
  /** One letter: R, S, D, Z (zombie), X (dead), ... */
  state: string
  startTicks: string
}

/** /proc/PID/stat of a process, or undefined when there is no such process. */
export function readProcStat(pid: number): ProcStat | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined
  let text: string
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ESRCH') return undefined
    throw e
  }
  // "pid (comm) state ppid ...": comm may contain spaces and parentheses, so split after the last ')'
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
  return { state: fields[0] ?? '', startTicks: fields[19] ?? '' }
}

/** Whether `pid` exists and is not a zombie. */
export function pidAlive(pid: number): boolean {
  const stat = readProcStat(pid)
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X'
}

/** The identity of `pid` now (start time '' when it is already gone). */
export function processIdentity(pid: number): ProcessIdentity {
  return { pid, startTicks: readProcStat(pid)?.startTicks ?? '' }
}

let self: ProcessIdentity | undefined

/** This process (read once: a process's pid and start time do not change). */
export function currentProcess(): ProcessIdentity {
  if (self === undefined || self.pid !== process.pid) self = processIdentity(process.pid)
  return { ...self }
}

/** Whether the process is still running: a zombie or a recycled pid counts as gone ('' start time: pid only). */
export function processRunning(p: ProcessIdentity): boolean {
  const stat = readProcStat(p.pid)
  if (stat === undefined || stat.state === 'Z' || stat.state === 'X') return false
  return p.startTicks === '' || stat.startTicks === p.startTicks
}

export function sameProcess(a: ProcessIdentity | undefined, b: ProcessIdentity | undefined): boolean {
  return a !== undefined && b !== undefined && a.pid === b.pid && a.startTicks === b.startTicks
}

/** The name of this process's user (`uid:N` when the uid has no account name). */
export function currentUserName(): string {
  try {
    return userInfo().username
  } catch {
    return `uid:${process.getuid?.() ?? '?'}`
  }
}
