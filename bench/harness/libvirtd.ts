/**
 * The libvirt baseline for hostnet's benchmarks: Debian's libvirtd (libvirt 9.0, monolithic daemon; Debian 12
 * ships no modular virtnetworkd) with only its network driver loaded, running in a private mount + network
 * namespace, driven by one virsh process.
 *
 *   const lv = await startPrivateLibvirtd()
 *   await lv.exec(['ip', 'link', 'add', 'br0', 'type', 'bridge'])      // inside the private namespaces
 *   const file = lv.writeFile('net.xml', natNetworkDoc(1).xml)
 *   const steps = await lv.virshSession([['net-define', file], ['net-start', 'hnlv1']])  // [{ argv, ms, ok, output, error }]
 *   await lv.stop()                                                    // idempotent; also on exit and signals
 *
 * Isolation (nothing of the host is seen or changed):
 * - network: a fresh netns; bridges, iptables/nft rules, sysctls (ip_forward) and dnsmasq live there;
 * - files: tmpfs over /run, /var/lib, /var/cache and /var/log; /etc/libvirt is a bind mount of a private copy
 *   (the host's libvirt.conf files only), so no host network definition is seen and no "default" network is
 *   autostarted; sysfs is remounted for the netns; the D-Bus socket is hidden (firewalld support is off);
 * - libvirtd is started with `-f WORKDIR/libvirtd.conf -p WORKDIR/libvirtd.pid`, sockets in WORKDIR/sock
 *   (`auth_unix_rw = "none"`), its log in WORKDIR/libvirtd.log; `LIBVIRT_DRIVER_DIR` points at a directory
 *   holding only the network driver (no qemu/storage/nodedev drivers start);
 * - virsh runs inside the namespaces with HOME and XDG dirs in WORKDIR (its history file goes there), connected
 *   with `network:///system?socket=WORKDIR/sock/libvirt-sock`.
 * stop() SIGTERMs libvirtd, then ends every process left in the netns (dnsmasq), releases the namespaces and
 * removes WORKDIR. Harness directories whose owner process died are reaped by the next start.
 * @module
 */
import { spawn } from 'node:child_process'
import {
  accessSync,
  closeSync,
  constants,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { HostnetError, errorMessage } from '../../src/errors.js'
import type { ExecOptions, ExecResult } from '../../src/sys/exec.js'
import { PrivateNamespaces } from './private-ns.js'
import { isAlive, netnsLink, processesInNetns, procStartTime, signal, waitFor, type ProcInfo } from './procs.js'
import { runVirshSession, VirshSession, type VirshStep } from './virsh-session.js'

export const HARNESS_DIR_PREFIX = 'hostnet-libvirtd-'
/** Host paths covered by tmpfs inside the private mount namespace. */
export const PRIVATE_TMPFS = ['/run', '/var/lib', '/var/cache', '/var/log'] as const
const PRIVATE_DIRS = ['/run/libvirt', '/var/lib/libvirt', '/var/cache/libvirt', '/var/log/libvirt']
const REQUIRED_TOOLS = ['libvirtd', 'virsh', 'unshare', 'nsenter', 'mount', 'ip', 'dnsmasq', 'iptables']
const STOP_GRACE_MS = 5000
const DAEMON_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

export interface LibvirtHarnessOptions {
  /** Parent directory of the harness's own directory (default: the OS temp dir). */
  workDir?: string
  /** libvirt connection drivers to load (default `['network']`). */
  drivers?: readonly string[]
  /** Limit for libvirtd to answer (default 30 s). */
  readyTimeoutMs?: number
  /** libvirtd log level in WORKDIR/libvirtd.log: 1 debug, 2 info, 3 warning (default), 4 error. */
  logLevel?: 1 | 2 | 3 | 4
}

export interface LibvirtHarness {
  /** virsh connection URI (network driver, private socket). */
  readonly uri: string
  /** The harness's own directory (removed by stop()). */
  readonly dir: string
  readonly libvirtdPid: number
  /** `net:[INODE]` of the private network namespace (compare with /proc/PID/ns/net). */
  readonly netns: string
  /** Runs argv inside the private namespaces (e.g. `ip link add br0 type bridge`). */
  exec(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult>
  /** Environment for a virsh process of this harness (HOME and XDG directories in WORKDIR). */
  virshEnv(): Record<string, string>
  /** Writes WORKDIR/files/NAME and returns its absolute path (readable by virsh). */
  writeFile(name: string, content: string): string
  /** A long-lived virsh process for callers that need one command's output to build the next. */
  openVirsh(): Promise<VirshSession>
  /** Runs all commands in ONE virsh process, one after another, each timed. */
  virshSession(commands: ReadonlyArray<readonly string[]>): Promise<VirshStep[]>
  /** Processes inside the private network namespace (libvirtd, dnsmasq, the holder). */
  processes(): ProcInfo[]
  stop(): Promise<void>
}

/** Why the harness cannot run here, or undefined when it can. */
export function libvirtMissing(): string | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'not root'
  const path = (process.env['PATH'] ?? '').split(':').concat(['/usr/sbin', '/sbin'])
  for (const tool of REQUIRED_TOOLS) {
    if (!path.some((d) => isExecutable(join(d, tool)))) return `${tool} not found`
  }
  if (findDriverDir() === undefined) return 'libvirt network driver (libvirt_driver_network.so) not found'
  if (!existsSync('/etc/libvirt')) return '/etc/libvirt missing'
  return undefined
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK)
    return true
  } catch {
    return false // not there or not executable
  }
}

/** The directory of libvirt's connection drivers (Debian: /usr/lib/<triplet>/libvirt/connection-driver). */
export function findDriverDir(): string | undefined {
  const candidates = ['/usr/lib64/libvirt/connection-driver', '/usr/lib/libvirt/connection-driver']
  for (const e of existsSync('/usr/lib') ? readdirSync('/usr/lib') : []) candidates.push(`/usr/lib/${e}/libvirt/connection-driver`)
  return candidates.find((d) => existsSync(join(d, 'libvirt_driver_network.so')))
}

interface HarnessRecord {
  ownerPid: number
  ownerStart: string
  holderPid: number
  holderStart: string
  netns: string
}

const live = new Set<LibvirtdInstance>()
/** Namespaces of harnesses still starting (not yet in `live`), with their directories. */
const starting = new Map<PrivateNamespaces, string>()
let exitHookInstalled = false

class LibvirtdInstance implements LibvirtHarness {
  readonly uri: string
  private stopping: Promise<void> | undefined

  constructor(
    readonly dir: string,
    private readonly ns: PrivateNamespaces,
    readonly libvirtdPid: number,
    private readonly libvirtdStart: string,
  ) {
    this.uri = `network:///system?socket=${join(dir, 'sock', 'libvirt-sock')}`
  }

  get netns(): string {
    return this.ns.netnsLink
  }

  exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    return this.ns.exec(argv, opts)
  }

  writeFile(name: string, content: string): string {
    if (!/^[A-Za-z0-9._-]+$/.test(name) || name.startsWith('.')) {
      throw new HostnetError('invalid-argument', `bad harness file name '${name}'`)
    }
    const p = join(this.dir, 'files', name)
    writeFileSync(p, content)
    return p
  }

  virshArgv(): string[] {
    return this.ns.enterArgv(['virsh', '-c', this.uri])
  }

  virshEnv(): Record<string, string> {
    const home = join(this.dir, 'home')
    return {
      HOME: home,
      XDG_CACHE_HOME: join(home, '.cache'),
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_RUNTIME_DIR: join(home, 'run'),
    }
  }

  openVirsh(): Promise<VirshSession> {
    return VirshSession.open({ argv: this.virshArgv(), env: this.virshEnv() })
  }

  virshSession(commands: ReadonlyArray<readonly string[]>): Promise<VirshStep[]> {
    return runVirshSession({ argv: this.virshArgv(), env: this.virshEnv() }, commands)
  }

  processes(): ProcInfo[] {
    return this.ns.processes()
  }

  libvirtdAlive(): boolean {
    return isAlive(this.libvirtdPid, this.libvirtdStart)
  }

  stop(): Promise<void> {
    this.stopping ??= this.stopAsync()
    return this.stopping
  }

  private async stopAsync(): Promise<void> {
    try {
      if (this.libvirtdAlive()) {
        signal(this.libvirtdPid, 'SIGTERM')
        await waitFor(() => !this.libvirtdAlive(), STOP_GRACE_MS)
      }
      await this.ns.destroy()
    } finally {
      rmSync(this.dir, { recursive: true, force: true })
      live.delete(this)
    }
  }

  stopSync(): void {
    this.ns.destroySync()
    rmSync(this.dir, { recursive: true, force: true })
  }
}

function libvirtdConf(dir: string, logLevel: number): string {
  return [
    '# written by hostnet bench/harness/libvirtd.ts for a private libvirtd',
    `unix_sock_dir = "${join(dir, 'sock')}"`,
    'unix_sock_group = "root"',
    'unix_sock_rw_perms = "0700"',
    'auth_unix_ro = "none"',
    'auth_unix_rw = "none"',
    `log_outputs = "${logLevel}:file:${join(dir, 'libvirtd.log')}"`,
    '',
  ].join('\n')
}

function checkWorkDir(parent: string): string {
  const abs = resolve(parent)
  for (const hidden of [...PRIVATE_TMPFS, '/etc/libvirt']) {
    if (abs === hidden || abs.startsWith(`${hidden}/`)) {
      throw new HostnetError('invalid-argument', `workDir '${abs}' is under ${hidden}, which the private namespace covers`)
    }
  }
  return abs
}

function logTail(dir: string): string {
  const parts: string[] = []
  for (const f of ['libvirtd.out', 'libvirtd.log']) {
    const p = join(dir, f)
    if (existsSync(p)) parts.push(readFileSync(p, 'utf8').slice(-1500).trim())
  }
  return parts.filter((s) => s !== '').join('\n')
}

/** Starts libvirtd in private namespaces and waits until virsh can talk to it. */
export async function startPrivateLibvirtd(opts: LibvirtHarnessOptions = {}): Promise<LibvirtHarness> {
  const missing = libvirtMissing()
  if (missing !== undefined) throw new HostnetError('dependency', `cannot start a private libvirtd: ${missing}`)
  const parent = checkWorkDir(opts.workDir ?? tmpdir())
  reapStaleHarnesses(parent)
  const dir = mkdtempSync(join(parent, HARNESS_DIR_PREFIX))
  let ns: PrivateNamespaces | undefined
  let inst: LibvirtdInstance | undefined
  try {
    for (const sub of ['sock', 'etc-libvirt', 'drivers', 'home', 'files']) mkdirSync(join(dir, sub))
    for (const f of ['libvirt.conf', 'libvirt-admin.conf']) {
      if (existsSync(join('/etc/libvirt', f))) copyFileSync(join('/etc/libvirt', f), join(dir, 'etc-libvirt', f))
    }
    const driverDir = findDriverDir() ?? ''
    for (const d of opts.drivers ?? ['network']) {
      const so = `libvirt_driver_${d}.so`
      symlinkSync(join(driverDir, so), join(dir, 'drivers', so))
    }
    writeFileSync(join(dir, 'libvirtd.conf'), libvirtdConf(dir, opts.logLevel ?? 3))

    ns = await PrivateNamespaces.create({
      tmpfs: PRIVATE_TMPFS,
      mkdirs: PRIVATE_DIRS,
      binds: [{ source: join(dir, 'etc-libvirt'), target: '/etc/libvirt' }],
    })
    starting.set(ns, dir)
    installExitHook()
    const record: HarnessRecord = {
      ownerPid: process.pid,
      ownerStart: procStartTime(process.pid) ?? '',
      holderPid: ns.holderPid,
      holderStart: ns.holderStart,
      netns: ns.netnsLink,
    }
    writeFileSync(join(dir, 'harness.json'), `${JSON.stringify(record)}\n`)

    const outFd = openSync(join(dir, 'libvirtd.out'), 'a')
    const [cmd, ...args] = ns.enterArgv(['libvirtd', '-f', join(dir, 'libvirtd.conf'), '-p', join(dir, 'libvirtd.pid')])
    const child = spawn(cmd!, args, {
      stdio: ['ignore', outFd, outFd],
      detached: true,
      env: { PATH: DAEMON_PATH, LC_ALL: 'C', HOME: join(dir, 'home'), LIBVIRT_DRIVER_DIR: join(dir, 'drivers') },
    })
    closeSync(outFd)
    child.on('error', () => {
      // reported below: the process never becomes libvirtd
    })
    child.unref()
    const pid = child.pid
    const start = pid === undefined ? undefined : procStartTime(pid)
    if (pid === undefined || start === undefined) throw new HostnetError('dependency', `cannot start libvirtd: ${logTail(dir)}`)
    const created = new LibvirtdInstance(dir, ns, pid, start)
    inst = created
    live.add(created)
    starting.delete(ns)
    await waitReady(created, opts.readyTimeoutMs ?? 30_000)
    return created
  } catch (e) {
    if (inst !== undefined) await inst.stop().catch(() => undefined)
    else {
      if (ns !== undefined) starting.delete(ns)
      await ns?.destroy().catch(() => undefined)
      rmSync(dir, { recursive: true, force: true })
    }
    throw e
  }
}

async function waitReady(inst: LibvirtdInstance, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  const sock = join(inst.dir, 'sock', 'libvirt-sock')
  let last = ''
  while (Date.now() < deadline) {
    if (!inst.libvirtdAlive()) throw new HostnetError('backend-failure', `libvirtd exited while starting:\n${logTail(inst.dir)}`)
    if (existsSync(sock)) {
      const argv = ['virsh', '-q', '-c', inst.uri, 'net-list', '--all', '--name']
      const r = await inst.exec(argv, { allowFailure: true, env: inst.virshEnv(), timeoutMs: 10_000 })
      if (r.exitCode === 0) return
      last = r.stderr.trim()
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new HostnetError('timeout', `libvirtd did not answer within ${timeoutMs} ms: ${last}\n${logTail(inst.dir)}`)
}

/**
 * Removes harness directories under `parent` whose owner process is gone, after SIGKILLing what is left in
 * their namespace: the holder (pid and start time recorded), and processes whose command line names the
 * directory or libvirt's dnsmasq config (so a reused namespace inode never matches someone else's process).
 * Returns how many directories were removed.
 */
export function reapStaleHarnesses(parent: string = tmpdir()): number {
  let removed = 0
  for (const name of existsSync(parent) ? readdirSync(parent) : []) {
    if (!name.startsWith(HARNESS_DIR_PREFIX)) continue
    const dir = join(parent, name)
    let rec: HarnessRecord
    try {
      rec = JSON.parse(readFileSync(join(dir, 'harness.json'), 'utf8')) as HarnessRecord
    } catch {
      continue // being created right now (no record yet), or not ours
    }
    if (isAlive(rec.ownerPid, rec.ownerStart)) continue
    for (const p of processesInNetns(rec.netns)) {
      const ours =
        (p.pid === rec.holderPid && isAlive(p.pid, rec.holderStart)) ||
        p.cmdline.includes(dir) ||
        p.cmdline.includes('/var/lib/libvirt/dnsmasq/')
      if (ours) signal(p.pid, 'SIGKILL')
    }
    rmSync(dir, { recursive: true, force: true })
    removed += 1
  }
  return removed
}

function stopAllSync(): void {
  for (const inst of live) {
    try {
      inst.stopSync()
    } catch (e) {
      process.stderr.write(`libvirtd harness: clean-up of ${inst.dir} failed: ${errorMessage(e)}\n`)
    }
  }
  live.clear()
  for (const [ns, dir] of starting) {
    ns.destroySync()
    rmSync(dir, { recursive: true, force: true })
  }
  starting.clear()
}

/** On exit and on SIGINT/SIGTERM/SIGHUP, end every live harness; a signal nobody else handles is raised again. */
function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', stopAllSync)
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      stopAllSync()
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig)
    }
    process.once(sig, onSignal)
  }
}

/** The network namespace link of this process (for tests comparing against the harness's). */
export function hostNetnsLink(): string | undefined {
  return netnsLink('self')
}
