/**
 * A private libvirtd for one network namespace (a sandbox's): Debian's libvirtd with only its QEMU driver (hostnet
 * is the network driver), run by the native helper's `private` command inside the namespace and in a mount and
 * IPC namespace of its own, where fresh tmpfs cover /run, /var/lib, /var/cache and /var/log (libvirt keeps its
 * state at fixed paths) and the instance's files are bind-mounted over /etc/libvirt (its qemu.conf: guests run as
 * root, no cgroups, no SELinux/AppArmor labels, no virtlogd) and /etc/passwd, /etc/group (with the
 * `libvirt-qemu` account the QEMU driver insists on looking up, which Debian creates only with
 * libvirt-daemon-system). Nothing of the host's libvirt is seen or changed.
 *
 * The instance's run directory (a temp directory: the tmpfs over /var/lib would hide a state directory there)
 * holds the configuration, the socket (`sock/libvirt-sock`), the log and `instance.json` (pid, start time,
 * mount namespace); a record in `<state-dir>/libvirt/<netns>/` points to it, written before the daemon starts, so
 * any later hostnet process can find and stop it. Stopping destroys the guests (their QEMU processes live in the
 * instance's mount namespace, which identifies them), then the daemon.
 * @module
 */
import { spawn } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HostnetError, errorMessage } from '../../errors.js'
import { checkNetnsName } from '../../sys/netns.js'
import { readProcStat } from '../../sys/process.js'
import { sleepMs } from '../../sys/sleep.js'
import { defaultHelperPath } from '../netlink/index.js'
import { LibvirtClient } from './client.js'
import { privateLibvirtUri } from './uri.js'

export const LIBVIRT_RUN_DIR_PREFIX = 'hostnet-libvirt-'
const DAEMON_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
const PRIVATE_TMPFS = ['/run', '/var/lib', '/var/cache', '/var/log']
const STOP_GRACE_MS = 5000

export interface PrivateLibvirtd {
  netns: string
  runDir: string
  socket: string
  uri: string
  pid: number
  startTime: string
  /** `mnt:[INODE]` of the daemon's private mount namespace (its guests share it). */
  mountNs: string
}

/** The record of a target's private libvirtd: `<state-dir>/libvirt/<netns>/instance.json`. */
export function sandboxLibvirtDir(stateDir: string, netns: string): string {
  return join(stateDir, 'libvirt', checkNetnsName(netns))
}

function recordPath(stateDir: string, netns: string): string {
  return join(sandboxLibvirtDir(stateDir, netns), 'instance.json')
}

export function readPrivateLibvirtd(stateDir: string, netns: string): (Partial<PrivateLibvirtd> & { runDir: string; netns: string }) | undefined {
  try {
    const v = JSON.parse(readFileSync(recordPath(stateDir, netns), 'utf8')) as Partial<PrivateLibvirtd>
    return typeof v.runDir === 'string' && typeof v.netns === 'string' ? { ...v, runDir: v.runDir, netns: v.netns } : undefined
  } catch {
    return undefined
  }
}

/** The URI of a running private libvirtd of `netns`, or undefined. */
export function privateLibvirtdUri(stateDir: string, netns: string): string | undefined {
  const rec = readPrivateLibvirtd(stateDir, netns)
  return rec !== undefined && libvirtdAlive(rec) && rec.uri !== undefined ? rec.uri : undefined
}

export function libvirtdAlive(rec: Partial<PrivateLibvirtd>): boolean {
  if (rec.pid === undefined || rec.startTime === undefined) return false
  const st = readProcStat(rec.pid)
  return st !== undefined && st.startTicks === rec.startTime && st.state !== 'Z' && st.state !== 'X'
}

/** Whether the libvirt daemon and its QEMU driver are installed. */
export function libvirtdMissing(): string | undefined {
  for (const p of ['/usr/sbin/libvirtd', '/usr/bin/qemu-system-x86_64']) if (!existsSync(p)) return `${p} is not installed`
  if (driverDir() === undefined) return "libvirt's QEMU driver (libvirt_driver_qemu.so) is not installed"
  return undefined
}

function driverDir(): string | undefined {
  const candidates = ['/usr/lib64/libvirt/connection-driver', '/usr/lib/libvirt/connection-driver']
  for (const e of existsSync('/usr/lib') ? readdirSync('/usr/lib') : []) candidates.push(`/usr/lib/${e}/libvirt/connection-driver`)
  return candidates.find((d) => existsSync(join(d, 'libvirt_driver_qemu.so')))
}

const QEMU_CONF = [
  '# written by hostnet for a private libvirtd',
  'user = "root"',
  'group = "root"',
  'dynamic_ownership = 0',
  'remember_owner = 0',
  'security_driver = "none"',
  'cgroup_controllers = [ ]',
  'namespaces = [ ]',
  'stdio_handler = "file"',
  '',
].join('\n')

function libvirtdConf(runDir: string): string {
  return [
    '# written by hostnet for a private libvirtd',
    `unix_sock_dir = "${join(runDir, 'sock')}"`,
    'unix_sock_group = "root"',
    'unix_sock_rw_perms = "0700"',
    'unix_sock_ro_perms = "0700"',
    'auth_unix_ro = "none"',
    'auth_unix_rw = "none"',
    `log_outputs = "3:file:${join(runDir, 'libvirtd.log')}"`,
    '',
  ].join('\n')
}

/** /etc/passwd and /etc/group as the daemon sees them: the host's, plus the accounts the QEMU driver looks up. */
function accountFiles(runDir: string): void {
  const passwd = readFileSync('/etc/passwd', 'utf8')
  const group = readFileSync('/etc/group', 'utf8')
  const nl = (s: string): string => (s.endsWith('\n') ? s : `${s}\n`)
  writeFileSync(join(runDir, 'passwd'), nl(passwd) + (/^libvirt-qemu:/m.test(passwd) ? '' : 'libvirt-qemu:x:64055:64055:hostnet private libvirtd:/var/lib/libvirt:/usr/sbin/nologin\n'))
  let g = nl(group)
  if (!/^libvirt-qemu:/m.test(group)) g += 'libvirt-qemu:x:64055:\n'
  if (!/^kvm:/m.test(group)) g += 'kvm:x:64056:\n'
  writeFileSync(join(runDir, 'group'), g)
}

function mountNsOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/mnt`)
  } catch {
    return undefined
  }
}

function tail(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n').slice(-4).join('; ').slice(-1500) : ''
}

export interface StartPrivateLibvirtdOptions {
  stateDir: string
  netns: string
  readyTimeoutMs?: number
  helper?: string
}

/** Start the namespace's private libvirtd; a conflict if one runs. Nothing is left behind on failure. */
export async function startPrivateLibvirtd(o: StartPrivateLibvirtdOptions): Promise<PrivateLibvirtd> {
  checkNetnsName(o.netns)
  const missing = libvirtdMissing()
  if (missing !== undefined) throw new HostnetError('dependency', `cannot start a private libvirtd: ${missing}`)
  const old = readPrivateLibvirtd(o.stateDir, o.netns)
  if (old !== undefined) {
    if (libvirtdAlive(old)) throw new HostnetError('conflict', `a private libvirtd already runs for network namespace '${o.netns}' (pid ${old.pid})`)
    await stopPrivateLibvirtd(o.stateDir, o.netns) // left by a process that died: clean it first
  }
  const recDir = sandboxLibvirtDir(o.stateDir, o.netns)
  mkdirSync(recDir, { recursive: true })
  const runDir = mkdtempSync(join(tmpdir(), LIBVIRT_RUN_DIR_PREFIX))
  // the record first: whatever happens next, a later process finds the directory to remove
  writeFileSync(recordPath(o.stateDir, o.netns), `${JSON.stringify({ netns: o.netns, runDir })}\n`)
  try {
    for (const sub of ['sock', 'etc', 'drivers', 'home']) mkdirSync(join(runDir, sub))
    writeFileSync(join(runDir, 'etc', 'qemu.conf'), QEMU_CONF)
    writeFileSync(join(runDir, 'libvirtd.conf'), libvirtdConf(runDir))
    accountFiles(runDir)
    symlinkSync(join(driverDir()!, 'libvirt_driver_qemu.so'), join(runDir, 'drivers', 'libvirt_driver_qemu.so'))
    const argv = ['--netns', o.netns, 'private', ...PRIVATE_TMPFS.flatMap((t) => ['--tmpfs', t])]
    argv.push('--bind', `${join(runDir, 'etc')}:/etc/libvirt`, '--bind', `${join(runDir, 'passwd')}:/etc/passwd`, '--bind', `${join(runDir, 'group')}:/etc/group`)
    argv.push('--', 'libvirtd', '-f', join(runDir, 'libvirtd.conf'))
    const out = openSync(join(runDir, 'libvirtd.out'), 'a')
    const child = spawn(o.helper ?? defaultHelperPath(), argv, {
      detached: true,
      stdio: ['ignore', out, out],
      env: { PATH: DAEMON_PATH, LC_ALL: 'C', HOME: join(runDir, 'home'), LIBVIRT_DRIVER_DIR: join(runDir, 'drivers') },
    })
    closeSync(out)
    child.once('error', () => undefined)
    let exited = false
    child.once('exit', () => (exited = true))
    child.unref()
    const pid = child.pid
    const startTime = pid === undefined ? undefined : readProcStat(pid)?.startTicks
    if (pid === undefined || startTime === undefined) throw new HostnetError('dependency', `cannot start libvirtd: ${tail(join(runDir, 'libvirtd.out'))}`)
    const socket = join(runDir, 'sock', 'libvirt-sock')
    const inst: PrivateLibvirtd = { netns: o.netns, runDir, socket, uri: privateLibvirtUri(socket), pid, startTime, mountNs: '' }
    writeFileSync(recordPath(o.stateDir, o.netns), `${JSON.stringify(inst)}\n`)
    const deadline = Date.now() + (o.readyTimeoutMs ?? 60_000)
    let last = ''
    for (;;) {
      if (exited || readProcStat(pid)?.startTicks !== startTime) {
        throw new HostnetError('backend-failure', `libvirtd exited while starting in network namespace '${o.netns}': ${tail(join(runDir, 'libvirtd.log')) || tail(join(runDir, 'libvirtd.out'))}`)
      }
      if (existsSync(socket)) {
        const c = new LibvirtClient(inst.uri)
        try {
          await c.listDomains()
          break
        } catch (e) {
          last = errorMessage(e)
        } finally {
          c.close()
        }
      }
      if (Date.now() > deadline) throw new HostnetError('timeout', `libvirtd did not answer within ${o.readyTimeoutMs ?? 60_000} ms: ${last}`)
      await sleepMs(50)
    }
    inst.mountNs = mountNsOf(pid) ?? ''
    writeFileSync(recordPath(o.stateDir, o.netns), `${JSON.stringify(inst)}\n`)
    return inst
  } catch (e) {
    await stopPrivateLibvirtd(o.stateDir, o.netns)
    throw e
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig)
  } catch {
    // exited already
  }
}

/** Processes in the daemon's private mount namespace other than itself: its guests' QEMU (and helpers). */
function guestProcesses(mountNs: string, except: number): number[] {
  if (mountNs === '') return []
  const out: number[] = []
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e) || Number(e) === except) continue
    if (mountNsOf(Number(e)) === mountNs) out.push(Number(e))
  }
  return out
}

/** Stop the namespace's private libvirtd and its guests, remove its files; false when none was recorded. */
export async function stopPrivateLibvirtd(stateDir: string, netns: string): Promise<boolean> {
  const rec = readPrivateLibvirtd(stateDir, netns)
  if (rec === undefined) {
    rmSync(sandboxLibvirtDir(stateDir, netns), { recursive: true, force: true })
    return false
  }
  const alive = libvirtdAlive(rec)
  const mountNs = alive && rec.pid !== undefined ? (mountNsOf(rec.pid) ?? rec.mountNs ?? '') : ''
  if (alive && rec.uri !== undefined) {
    // guests first, through libvirt (a clean destroy), then whatever is left in the mount namespace
    const c = new LibvirtClient(rec.uri)
    try {
      for (const d of await c.listDomains()) if (d.id >= 0) await c.destroy(d).catch(() => undefined)
    } catch {
      // the daemon does not answer: its guests are killed below
    } finally {
      c.close()
    }
  }
  if (alive && rec.pid !== undefined) {
    for (const pid of guestProcesses(mountNs, rec.pid)) signal(pid, 'SIGKILL')
    signal(rec.pid, 'SIGTERM')
    const deadline = Date.now() + STOP_GRACE_MS
    while (libvirtdAlive(rec) && Date.now() < deadline) await sleepMs(20)
    if (libvirtdAlive(rec)) signal(rec.pid, 'SIGKILL')
    while (libvirtdAlive(rec) && Date.now() < deadline + 2000) await sleepMs(20)
    for (const pid of guestProcesses(mountNs, rec.pid)) signal(pid, 'SIGKILL')
  }
  if (rec.runDir.startsWith(join(tmpdir(), LIBVIRT_RUN_DIR_PREFIX))) rmSync(rec.runDir, { recursive: true, force: true })
  rmSync(sandboxLibvirtDir(stateDir, netns), { recursive: true, force: true })
  return true
}
