/**
 * CPU time of processes for benchmarks (user + system, all threads: JIT compiler threads, libvirtd's workers),
 * from /proc/PID/stat. On a machine shared with other work, CPU time per operation varies far less than
 * elapsed time.
 * @module
 */
import { readFileSync } from 'node:fs'

const TICK_MS = 10 // USER_HZ is 100 on Linux

/** CPU ms used so far by process `pid` (NaN when it is gone). */
export function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return NaN
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ')
    return (Number(f[11]) + Number(f[12])) * TICK_MS
  } catch {
    return NaN
  }
}

/** CPU ms used so far by this process. */
export function selfCpuMs(): number {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

/** CPU ms the processes `pids` (and this process when `self`) spend while `fn` runs. */
export async function cpuDuring<T>(pids: ReadonlyArray<number | undefined>, self: boolean, fn: () => Promise<T>): Promise<{ value: T; cpuMs: number }> {
  const before = pids.map(processCpuMs)
  const s0 = self ? selfCpuMs() : 0
  const value = await fn()
  let others = 0
  pids.forEach((pid, i) => (others += processCpuMs(pid) - before[i]!))
  return { value, cpuMs: others + (self ? selfCpuMs() - s0 : 0) }
}
