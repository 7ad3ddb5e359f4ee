/**
 * /proc helpers for the benchmark harness: a process's start time (to tell a pid from a reused one), liveness
 * (zombies count as gone), the processes inside a network namespace, and synchronous/asynchronous kill loops.
 * Every read tolerates the process exiting between the directory listing and the read.
 * @module
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs'
import { pidAlive, processRunning, readProcStat } from '../../src/sys/process.js'

export const POLL_MS = 20

export interface ProcInfo {
  pid: number
  comm: string
  cmdline: string
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined // the process exited meanwhile
  }
}

/** Start time of `pid` in clock ticks since boot, or undefined when it does not exist. */
export function procStartTime(pid: number): string | undefined {
  return readProcStat(pid)?.startTicks
}

/** Whether `pid` exists and is not a zombie; with `startTime`, also that it is the same process. */
export function isAlive(pid: number, startTime?: string): boolean {
  return startTime === undefined ? pidAlive(pid) : processRunning({ pid, startTicks: startTime })
}

/** The `net:[INODE]` link of a process's network namespace (undefined for a gone or zombie process). */
export function netnsLink(pid: number | 'self'): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/net`)
  } catch {
    return undefined // gone, or a zombie (no namespaces left)
  }
}

export function procInfo(pid: number): ProcInfo | undefined {
  const comm = readOrUndefined(`/proc/${pid}/comm`)
  const cmdline = readOrUndefined(`/proc/${pid}/cmdline`)
  if (comm === undefined || cmdline === undefined) return undefined
  return { pid, comm: comm.trim(), cmdline: cmdline.split('\0').join(' ').trim() }
}

/** Live processes whose network namespace is `link` (`net:[INODE]`). */
export function processesInNetns(link: string): ProcInfo[] {
  const out: ProcInfo[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    const pid = Number(name)
    if (pid === process.pid || netnsLink(pid) !== link) continue
    const info = procInfo(pid)
    if (info !== undefined) out.push(info)
  }
  return out
}

export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig)
  } catch {
    // ESRCH: it exited meanwhile, which is what we want
  }
}

/** Sleeps synchronously (for exit hooks, where no event loop runs any more). */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Waits until `cond()` holds or `timeoutMs` passed; returns whether it held. */
export async function waitFor(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (cond()) return true
    if (Date.now() >= deadline) return false
    await sleep(POLL_MS)
  }
}
