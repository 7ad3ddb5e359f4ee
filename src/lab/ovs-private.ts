/**
 * A private Open vSwitch: an ovsdb-server on a fresh database in a run directory of our own, and optionally an
 * ovs-vswitchd connected to it inside a named network namespace (userspace datapath: bridges must use
 * `datapath_type=netdev`; this kernel has no openvswitch module). The system's OVS (/var/run/openvswitch) is
 * never touched: every path is absolute and inside the run directory, and OVS_RUNDIR/OVS_LOGDIR/OVS_DBDIR/
 * OVS_SYSCONFDIR point there too (vswitchd puts its `<bridge>.mgmt` sockets in OVS_RUNDIR).
 *
 * Both daemons run with `--detach`: the command returns once the daemon is ready (ovsdb-server listens;
 * ovs-vswitchd has committed its first configuration). They outlive this process, so:
 *   - each daemon writes a pidfile in the run directory, and `owner.pid` records our pid;
 *   - `stop()` / `stopAll()` kill them (SIGTERM, then SIGKILL) and remove the run directory;
 *   - on process exit, live instances are SIGKILLed synchronously;
 *   - `reapStaleRunDirs()` stops daemons left by a process that died without cleaning up (owner gone).
 * Pids are checked against /proc/PID/cmdline (must mention the run directory) before any signal is sent.
 * @module
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { VSWITCH_DB, vswitchRootOps } from '../backend/ovsdb/index.js'
import { HostnetError, errorMessage } from '../errors.js'
import { systemRunner, type Runner } from '../sys/exec.js'
import { checkNetnsName } from '../sys/netns.js'
import { pidAlive } from '../sys/process.js'

export const VSWITCH_SCHEMA_PATH = '/usr/share/openvswitch/vswitch.ovsschema'
export const RUN_DIR_PREFIX = 'hostnet-ovs-'
const STOP_GRACE_MS = 3000
const POLL_MS = 20

export type OvsDaemon = 'ovsdb-server' | 'ovs-vswitchd'

export interface OvsPrivateOptions {
  /** Directory for this instance only (created if missing, removed by stop()). Default: a new temp dir. */
  runDir?: string
  runner?: Runner
  /** Default: the vswitch schema; the `Open_vSwitch` root row is created when this is the schema used. */
  schemaPath?: string
  /** More `--remote` arguments for ovsdb-server, e.g. `ptcp:0:127.0.0.1`. */
  extraRemotes?: readonly string[]
  /** Also start ovs-vswitchd inside this network namespace. */
  vswitchdNetns?: string
  /** Limit for each daemon to become ready (default 20 s). */
  readyTimeoutMs?: number
}

const live = new Set<OvsPrivate>()
let exitHookInstalled = false

export class OvsPrivate {
  readonly runDir: string
  readonly dbPath: string
  readonly socketPath: string
  /** The OVSDB connection method for clients: `unix:<runDir>/db.sock`. */
  readonly address: string
  /** Environment for running OVS tools against this instance (ovs-vsctl, ovs-appctl). */
  readonly env: Readonly<Record<string, string>>
  private readonly runner: Runner
  private readonly schemaPath: string
  private readonly extraRemotes: readonly string[]
  private readonly readyTimeoutMs: number
  /** Namespace ovs-vswitchd runs in, if it runs. */
  vswitchdNetns: string | undefined

  private constructor(runDir: string, opts: OvsPrivateOptions) {
    this.runDir = runDir
    this.dbPath = join(runDir, 'conf.db')
    this.socketPath = join(runDir, 'db.sock')
    this.address = `unix:${this.socketPath}`
    this.env = { OVS_RUNDIR: runDir, OVS_LOGDIR: runDir, OVS_DBDIR: runDir, OVS_SYSCONFDIR: runDir }
    this.runner = opts.runner ?? systemRunner
    this.schemaPath = opts.schemaPath ?? VSWITCH_SCHEMA_PATH
    this.extraRemotes = opts.extraRemotes ?? []
    this.readyTimeoutMs = opts.readyTimeoutMs ?? 20_000
  }

  /** Create the database, start ovsdb-server (and ovs-vswitchd if `vswitchdNetns`), wait until ready. */
  static async start(opts: OvsPrivateOptions = {}): Promise<OvsPrivate> {
    if (opts.runDir !== undefined && existsSync(opts.runDir) && readdirSync(opts.runDir).length > 0) {
      // stop() removes the run directory: never adopt one that holds anything.
      throw new HostnetError('conflict', `run directory '${opts.runDir}' for a private OVS is not empty`, { details: { runDir: opts.runDir } })
    }
    if (opts.vswitchdNetns !== undefined) checkNetnsName(opts.vswitchdNetns)
    const runDir = opts.runDir ?? mkdtempSync(join(tmpdir(), RUN_DIR_PREFIX))
    mkdirSync(runDir, { recursive: true })
    const inst = new OvsPrivate(runDir, opts)
    writeFileSync(join(runDir, 'owner.pid'), `${process.pid}\n`)
    live.add(inst)
    installExitHook()
    try {
      await inst.createDatabase()
      await inst.startOvsdbServer()
      if (opts.vswitchdNetns !== undefined) await inst.startVswitchd(opts.vswitchdNetns)
    } catch (e) {
      await inst.stop()
      throw e
    }
    return inst
  }

  /**
   * An instance for a run directory another process started (e.g. a sandbox's OVS), to stop it. Nothing is
   * started; `stop()` signals the daemons whose pidfiles (and command lines) belong to this run directory.
   */
  static adopt(runDir: string, opts: Omit<OvsPrivateOptions, 'runDir'> = {}): OvsPrivate {
    return new OvsPrivate(runDir, opts)
  }

  /** Leave the daemons running when this process exits (they outlive the CLI); `stop()` still stops them. */
  detach(): void {
    live.delete(this)
  }

  pidFile(d: OvsDaemon): string {
    return join(this.runDir, `${d}.pid`)
  }

  logFile(d: OvsDaemon): string {
    return join(this.runDir, `${d}.log`)
  }

  ctlSocket(d: OvsDaemon): string {
    return join(this.runDir, `${d}.ctl`)
  }

  /** The daemon's pid if it is running (per its pidfile and /proc). */
  pid(d: OvsDaemon): number | undefined {
    return livePid(this.pidFile(d), this.runDir)
  }

  /** (Re)start ovsdb-server on the existing database and socket path. */
  async startOvsdbServer(): Promise<number> {
    const remotes = [`--remote=punix:${this.socketPath}`, ...this.extraRemotes.map((r) => `--remote=${r}`)]
    if (this.schemaPath === VSWITCH_SCHEMA_PATH) remotes.push('--remote=db:Open_vSwitch,Open_vSwitch,manager_options')
    const argv = ['ovsdb-server', this.dbPath, ...remotes, ...this.daemonArgs('ovsdb-server')]
    return this.startDaemon('ovsdb-server', argv, undefined)
  }

  /** Start ovs-vswitchd inside `netns`, connected to our database. */
  async startVswitchd(netns: string): Promise<number> {
    checkNetnsName(netns)
    const argv = ['ovs-vswitchd', this.address, ...this.daemonArgs('ovs-vswitchd')]
    const pid = await this.startDaemon('ovs-vswitchd', argv, netns)
    this.vswitchdNetns = netns
    return pid
  }

  /** Send `signal` to a daemon without waiting (tests use SIGKILL to simulate a crash). */
  signal(d: OvsDaemon, signal: NodeJS.Signals): boolean {
    const pid = this.pid(d)
    if (pid === undefined) return false
    process.kill(pid, signal)
    return true
  }

  /** Stop one daemon (SIGTERM, then SIGKILL after a grace period) and wait until it is gone. */
  async stopDaemon(d: OvsDaemon): Promise<void> {
    await stopPid(this.pid(d))
    rmSync(this.pidFile(d), { force: true })
    if (d === 'ovs-vswitchd') this.vswitchdNetns = undefined
  }

  /** Stop both daemons and remove the run directory. Idempotent. */
  async stop(opts: { keepRunDir?: boolean } = {}): Promise<void> {
    await this.stopDaemon('ovs-vswitchd')
    await this.stopDaemon('ovsdb-server')
    live.delete(this)
    if (!opts.keepRunDir) rmSync(this.runDir, { recursive: true, force: true })
  }

  /** Last lines of a daemon's log (for error messages). */
  logTail(d: OvsDaemon, lines = 20): string {
    try {
      return readFileSync(this.logFile(d), 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
    } catch {
      return '(no log)'
    }
  }

  private daemonArgs(d: OvsDaemon): string[] {
    const files = [`--pidfile=${this.pidFile(d)}`, `--log-file=${this.logFile(d)}`, `--unixctl=${this.ctlSocket(d)}`]
    return [...files, '--detach', '--no-chdir', '-vconsole:off']
  }

  private async createDatabase(): Promise<void> {
    await this.runner.run(['ovsdb-tool', 'create', this.dbPath, this.schemaPath], { env: { ...this.env } })
    if (this.schemaPath !== VSWITCH_SCHEMA_PATH) return
    const txn = JSON.stringify([VSWITCH_DB, ...vswitchRootOps()])
    await this.runner.run(['ovsdb-tool', 'transact', this.dbPath, txn], { env: { ...this.env } })
  }

  private async startDaemon(d: OvsDaemon, argv: string[], netns: string | undefined): Promise<number> {
    if (this.pid(d) !== undefined) throw new HostnetError('conflict', `${d} of private OVS '${this.runDir}' is already running`)
    try {
      await this.runner.run(argv, { env: { ...this.env }, timeoutMs: this.readyTimeoutMs, ...(netns === undefined ? {} : { netns }) })
    } catch (e) {
      await stopPid(this.pid(d)) // a daemon that forked but never became ready
      throw new HostnetError('backend-failure', `cannot start ${d} for private OVS '${this.runDir}': ${errorMessage(e)}\n${this.logTail(d)}`, {
        cause: e,
        details: { runDir: this.runDir, daemon: d },
      })
    }
    const pid = this.pid(d)
    if (pid === undefined) {
      throw new HostnetError('backend-failure', `${d} for private OVS '${this.runDir}' exited after starting:\n${this.logTail(d)}`, {
        details: { runDir: this.runDir, daemon: d },
      })
    }
    return pid
  }
}

/** Stop every private OVS this process started. */
export async function stopAll(): Promise<void> {
  for (const inst of [...live]) await inst.stop()
}

/** Private OVS instances of this process still running. */
export function liveInstances(): readonly OvsPrivate[] {
  return [...live]
}

/**
 * Stop daemons in `<parent>/<prefix>*` run directories whose owner process is gone, and remove those
 * directories. Returns the directories reaped.
 */
export async function reapStaleRunDirs(parent: string = tmpdir(), prefix: string = RUN_DIR_PREFIX): Promise<string[]> {
  const reaped: string[] = []
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(prefix)) continue
    const dir = join(parent, name)
    const owner = readPid(join(dir, 'owner.pid'))
    if (owner === undefined) continue // not a run directory of ours
    if (owner !== process.pid && pidAlive(owner)) continue
    if (owner === process.pid && [...live].some((i) => i.runDir === dir)) continue
    for (const d of ['ovs-vswitchd', 'ovsdb-server'] as const) await stopPid(livePid(join(dir, `${d}.pid`), dir))
    rmSync(dir, { recursive: true, force: true })
    reaped.push(dir)
  }
  return reaped
}

function killLiveSync(): void {
  for (const inst of live) {
    for (const d of ['ovs-vswitchd', 'ovsdb-server'] as const) {
      const pid = inst.pid(d)
      if (pid !== undefined) process.kill(pid, 'SIGKILL')
    }
    rmSync(inst.runDir, { recursive: true, force: true })
  }
  live.clear()
}

/**
 * On exit, and on SIGINT/SIGTERM/SIGHUP (a test runner's timeout, Ctrl-C), SIGKILL the daemons of live
 * instances. When nobody else handles the signal, it is raised again so the process still dies of it.
 */
function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', killLiveSync)
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      killLiveSync()
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig)
    }
    process.once(sig, onSignal)
  }
}

function readPid(file: string): number | undefined {
  if (!existsSync(file)) return undefined
  const n = Number(readFileSync(file, 'utf8').trim())
  return Number.isInteger(n) && n > 0 ? n : undefined
}

/** The pid in `pidFile` if that process is alive and its command line mentions `runDir` (guards against pid reuse). */
function livePid(pidFile: string, runDir: string): number | undefined {
  const pid = readPid(pidFile)
  if (pid === undefined || !pidAlive(pid)) return undefined
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(runDir) ? pid : undefined
  } catch {
    return undefined // exited meanwhile
  }
}

async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (pidAlive(pid)) {
    if (Date.now() >= deadline) return false
    await new Promise((r) => setTimeout(r, POLL_MS))
  }
  return true
}

async function stopPid(pid: number | undefined): Promise<void> {
  if (pid === undefined) return
  try {
    process.kill(pid, 'SIGTERM')
  } catch {
    return // already gone
  }
  if (await waitGone(pid, STOP_GRACE_MS)) return
  try {
    process.kill(pid, 'SIGKILL')
  } catch {
    return // exited just now
  }
  if (!(await waitGone(pid, STOP_GRACE_MS))) throw new HostnetError('backend-failure', `process ${pid} did not exit after SIGKILL`)
}
