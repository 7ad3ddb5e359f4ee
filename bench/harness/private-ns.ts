/**
 * A private mount + network namespace pair for running a system daemon (libvirtd) so that it sees and changes
 * nothing of the host. A "holder" process, `unshare --mount --net --propagation private -- sleep infinity`, keeps
 * both namespaces alive; nothing is named on the host (no /run/netns entry), commands enter them with
 * `nsenter -t HOLDER -m -n`. Inside, fresh tmpfs cover the given host paths, host directories can be
 * bind-mounted over others, and sysfs is remounted so /sys/class/net lists the private namespace's links.
 * Mount propagation is private, so none of these mounts reach the host; they vanish with the namespace.
 *
 * Every process inside is found by its network namespace (/proc/PID/ns/net), which is how destroy() also ends
 * daemons that re-parented themselves (dnsmasq started by libvirtd). An open file descriptor on the namespace
 * keeps it (and so its inode number) alive until destroy() has seen every process inside exit, so that scan
 * can never match a namespace made later by someone else.
 * @module
 */
import { spawn } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { HostnetError } from '../../src/errors.js'
import { systemRunner, type ExecOptions, type ExecResult, type Runner } from '../../src/sys/exec.js'
import {
  isAlive,
  netnsLink,
  procInfo,
  processesInNetns,
  procStartTime,
  signal,
  sleepSync,
  waitFor,
  type ProcInfo,
} from './procs.js'

export interface PrivateNsOptions {
  /** Host paths covered by a fresh tmpfs inside (each must exist on the host), in this order. */
  tmpfs?: readonly string[]
  /** Directories created inside after the tmpfs mounts (e.g. `/run/libvirt`). */
  mkdirs?: readonly string[]
  /** Bind mounts inside: `source` (a host directory) appears at `target` (which must exist). */
  binds?: ReadonlyArray<{ source: string; target: string }>
  /** Remount sysfs at /sys (default true): without it /sys/class/net shows the host's links. */
  sysfs?: boolean
  runner?: Runner
  /** Limit for the holder to enter its namespaces (default 5 s). */
  readyTimeoutMs?: number
}

const KILL_GRACE_MS = 3000
const KILL_WAIT_MS = 5000

export class PrivateNamespaces {
  private nsFd: number | undefined
  private destroyed: Promise<void> | undefined

  private constructor(
    readonly holderPid: number,
    readonly holderStart: string,
    /** `net:[INODE]` of the private network namespace. */
    readonly netnsLink: string,
    nsFd: number,
    private readonly runner: Runner,
  ) {
    this.nsFd = nsFd
  }

  static async create(opts: PrivateNsOptions = {}): Promise<PrivateNamespaces> {
    const runner = opts.runner ?? systemRunner
    const holder = spawn('unshare', ['--mount', '--net', '--propagation', 'private', '--', 'sleep', 'infinity'], {
      stdio: 'ignore',
      detached: true, // own process group: a terminal's Ctrl-C reaches us, and we clean up in order
    })
    let spawnError: Error | undefined
    holder.on('error', (e) => {
      spawnError = e
    })
    holder.unref()
    const pid = holder.pid
    const hostNet = netnsLink('self')
    const entered = (): boolean =>
      pid !== undefined && procInfo(pid)?.comm === 'sleep' && netnsLink(pid) !== undefined && netnsLink(pid) !== hostNet
    const ok = await waitFor(() => entered() || spawnError !== undefined || holder.exitCode !== null, opts.readyTimeoutMs ?? 5000)
    if (!ok || !entered() || pid === undefined) {
      if (pid !== undefined) signal(pid, 'SIGKILL')
      const why = spawnError?.message ?? `exit ${holder.exitCode}`
      throw new HostnetError('dependency', `cannot create private namespaces with unshare: ${why}`)
    }
    const fd = openSync(`/proc/${pid}/ns/net`, 'r')
    const link = netnsLink(pid)
    const start = procStartTime(pid)
    if (link === undefined || start === undefined || link === hostNet) {
      closeSync(fd)
      signal(pid, 'SIGKILL')
      throw new HostnetError('backend-failure', 'the namespace holder exited while starting')
    }
    const ns = new PrivateNamespaces(pid, start, link, fd, runner)
    try {
      for (const path of opts.tmpfs ?? []) {
        await ns.exec(['mount', '-t', 'tmpfs', '-o', 'mode=0755,size=256m', 'hostnet-private', path])
      }
      if (opts.sysfs ?? true) await ns.exec(['mount', '-t', 'sysfs', 'hostnet-sysfs', '/sys'])
      for (const b of opts.binds ?? []) await ns.exec(['mount', '--bind', b.source, b.target])
      if ((opts.mkdirs ?? []).length > 0) await ns.exec(['mkdir', '-p', ...(opts.mkdirs ?? [])])
    } catch (e) {
      await ns.destroy()
      throw e
    }
    return ns
  }

  /** `argv` prefixed so that it runs inside both namespaces. */
  enterArgv(argv: readonly string[]): string[] {
    return ['nsenter', '-t', String(this.holderPid), '-m', '-n', '--', ...argv]
  }

  /** Runs `argv` inside the namespaces (through sys/exec). */
  exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    if (this.nsFd === undefined) return Promise.reject(new HostnetError('bug', 'private namespaces already destroyed'))
    return this.runner.run(this.enterArgv(argv), opts)
  }

  /** Live processes inside the network namespace (the holder included). */
  processes(): ProcInfo[] {
    return this.nsFd === undefined ? [] : processesInNetns(this.netnsLink)
  }

  /** SIGTERM everything inside, SIGKILL what is left after a grace period; then release the namespace. */
  destroy(): Promise<void> {
    this.destroyed ??= this.destroyAsync()
    return this.destroyed
  }

  private async destroyAsync(): Promise<void> {
    if (this.nsFd === undefined) return
    for (const p of this.processes()) signal(p.pid, 'SIGTERM')
    if (!(await waitFor(() => this.processes().length === 0, KILL_GRACE_MS))) {
      for (const p of this.processes()) signal(p.pid, 'SIGKILL')
      await waitFor(() => this.processes().length === 0, KILL_WAIT_MS)
    }
    const left = this.processes()
    this.release()
    if (left.length > 0) {
      const names = left.map((p) => `${p.pid} ${p.comm}`).join(', ')
      throw new HostnetError('backend-failure', `processes survived SIGKILL in the private namespace: ${names}`)
    }
  }

  /** For exit hooks: SIGKILL everything inside and wait (synchronously, at most 2 s). */
  destroySync(): void {
    if (this.nsFd === undefined) return
    for (const p of this.processes()) signal(p.pid, 'SIGKILL')
    for (let i = 0; i < 100 && this.processes().length > 0; i++) sleepSync(20)
    this.release()
  }

  get alive(): boolean {
    return this.nsFd !== undefined && isAlive(this.holderPid, this.holderStart)
  }

  private release(): void {
    if (this.nsFd !== undefined) closeSync(this.nsFd)
    this.nsFd = undefined
  }
}
