/**
 * What /proc says about a dnsmasq process: whether it is the one started with a given config file (a recycled
 * pid is not), and which UDP ports it listens on in its network namespace (/proc/PID/net/udp and udp6 show the
 * namespace of that process). Liveness comes from sys/process.ts.
 * @module
 */
import { readFile, readdir, readlink } from 'node:fs/promises'
import { pidAlive } from '../../sys/process.js'

async function readProc(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ESRCH') return undefined // the process is gone
    throw e
  }
}

/** The argv of a living process, or undefined. */
export async function processArgv(pid: number): Promise<string[] | undefined> {
  const raw = await readProc(`/proc/${pid}/cmdline`)
  if (raw === undefined || raw === '') return undefined
  const argv = raw.split('\0')
  if (argv.at(-1) === '') argv.pop() // the list ends with a NUL
  return argv
}

/**
 * Whether `pid` is a living dnsmasq started with `--conf-file=<confPath>`. A process in the middle of exiting has
 * already lost its argv but may still hold its sockets: a dnsmasq in that state counts as running until it is
 * gone, so that nobody starts a new one that cannot bind.
 */
export async function isDnsmasqWithConf(pid: number, confPath: string): Promise<boolean> {
  if (!pidAlive(pid)) return false
  const argv = await processArgv(pid)
  if (argv !== undefined) return argv.includes(`--conf-file=${confPath}`)
  return (await readProc(`/proc/${pid}/comm`))?.trim() === 'dnsmasq'
}

/** Inodes of the sockets `pid` holds open (/proc/PID/fd links `socket:[INODE]`). */
async function socketInodes(pid: number): Promise<Set<string>> {
  const inodes = new Set<string>()
  let fds: string[]
  try {
    fds = await readdir(`/proc/${pid}/fd`)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return inodes // the process is gone
    throw e
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(await readlink(`/proc/${pid}/fd/${fd}`))
      if (m !== null) inodes.add(m[1]!)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e // closed meanwhile
    }
  }
  return inodes
}

/**
 * Local UDP ports `pid` itself listens on (IPv4 and IPv6), from the tables of its network namespace filtered by
 * the socket inodes it holds: another daemon's port 53 in the same namespace does not count.
 */
export async function udpPortsOf(pid: number): Promise<Set<number>> {
  const mine = await socketInodes(pid)
  const ports = new Set<number>()
  for (const table of ['udp', 'udp6']) {
    const text = await readProc(`/proc/${pid}/net/${table}`)
    for (const line of (text ?? '').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/)
      const port = f[1]?.split(':')[1]
      if (port !== undefined && /^[0-9A-F]{4}$/i.test(port) && f[9] !== undefined && mine.has(f[9])) ports.add(parseInt(port, 16))
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
