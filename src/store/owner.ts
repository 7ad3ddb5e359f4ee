/**
 * Process identity for journal ownership and the daemon lock: a pid plus the process start time (field 22 of
 * /proc/PID/stat), so that a recycled pid is not mistaken for the original owner.
 * @module
 */
import { readFileSync } from 'node:fs'

export interface ProcessOwner {
  pid: number
  /** Start time in clock ticks since boot, as text; '' when unknown. */
  startTicks: string
}

interface ProcStat {
  state: string
  startTicks: string
}

function readProcStat(pid: number): ProcStat | undefined {
  let text: string
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ESRCH') return undefined
    throw e
  }
  // "pid (comm) state ppid ..." — comm may contain spaces and parentheses: split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
  return { state: fields[0] ?? '', startTicks: fields[19] ?? '' }
}

let self: ProcessOwner | undefined

/** This process (read once: a process's pid and start time do not change). */
export function currentOwner(): ProcessOwner {
  if (self === undefined || self.pid !== process.pid) self = { pid: process.pid, startTicks: readProcStat(process.pid)?.startTicks ?? '' }
  return { ...self }
}

/** Whether the owner is still running (a zombie or a recycled pid counts as gone). */
export function ownerAlive(owner: ProcessOwner): boolean {
  if (!Number.isInteger(owner.pid) || owner.pid <= 0) return false
  const stat = readProcStat(owner.pid)
  if (stat === undefined || stat.state === 'Z' || stat.state === 'X') return false
  return owner.startTicks === '' || stat.startTicks === owner.startTicks
}

export function sameOwner(a: ProcessOwner | undefined, b: ProcessOwner | undefined): boolean {
  return a !== undefined && b !== undefined && a.pid === b.pid && a.startTicks === b.startTicks
}
