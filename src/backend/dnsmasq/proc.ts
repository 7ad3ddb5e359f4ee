/**
 * What /proc says about a dnsmasq process: whether it is alive (a zombie is not), whether it is the one
 * started with a given config file (a recycled pid is not), and which UDP ports it listens on in its network
 * namespace (/proc/PID/net/udp and udp6 show the namespace of that process).
 * @module
 */
import { readFile } from 'node:fs/promises'

async function readProc(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ESRCH') return undefined // the process is gone
    throw e
  }
}

/** Whether `pid` exists and is not a zombie. */
export async function processAlive(pid: number): Promise<boolean> {
  const stat = await readProc(`/proc/${pid}/stat`)
  if (stat === undefined) return false
  // "PID (comm) STATE …": comm may contain spaces and parentheses, the state follows the last ')'
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
  return state !== 'Z' && state !== 'X'
}

/** The argv of a living process, or undefined. */
export async function processArgv(pid: number): Promise<string[] | undefined> {
  const raw = await readProc(`/proc/${pid}/cmdline`)
  if (raw === undefined || raw === '') return undefined
  const argv = raw.split('\0')
  if (argv.at(-1) === '') argv.pop() // the list ends with a NUL
  return argv
}

/** Whether `pid` is a living dnsmasq started with `--conf-file=<confPath>`. */
export async function isDnsmasqWithConf(pid: number, confPath: string): Promise<boolean> {
  if (!(await processAlive(pid))) return false
  const argv = await processArgv(pid)
  return argv !== undefined && argv.includes(`--conf-file=${confPath}`)
}

/** Local UDP ports with a socket in the network namespace of `pid` (IPv4 and IPv6). */
export async function udpPortsOf(pid: number): Promise<Set<number>> {
  const ports = new Set<number>()
  for (const table of ['udp', 'udp6']) {
    const text = await readProc(`/proc/${pid}/net/${table}`)
    for (const line of (text ?? '').split('\n').slice(1)) {
      const local = line.trim().split(/\s+/)[1]
      const port = local?.split(':')[1]
      if (port !== undefined && /^[0-9A-F]{4}$/i.test(port)) ports.add(parseInt(port, 16))
    }
  }
  return ports
}

/** The pid written in a pid file, or undefined when the file is missing or holds no pid. */
export async function readPidFile(path: string): Promise<number | undefined> {
  const text = await readProc(path)
  const m = /^\s*(\d+)\s*$/.exec(text ?? '')
  return m === null ? undefined : Number(m[1])
}
