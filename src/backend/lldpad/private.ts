/**
 * A private lldpad for one network namespace: lldpad keeps its state in fixed places (/run/lldpad.pid,
 * /dev/shm/lldpad.state, /var/lib/lldpad/lldpad.conf) and binds a control socket whose abstract name is the same
 * in every namespace, so hostnet runs each one in its own mount and IPC namespace (the native helper's
 * `private` command: fresh tmpfs on /run and /dev/shm, the instance's run directory on /var/lib/lldpad, /sys of
 * the namespace) entered into the network namespace. The run directory (under the state directory) holds the
 * configuration (config.ts), lldpad's log and `instance.json` (pid and start time), so a later hostnet process
 * can find and stop it; a pid is signalled only while it is an lldpad in that namespace with that start time.
 * @module
 */
import { spawn } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { HostnetError } from '../../errors.js'
import { defaultHelperPath } from '../netlink/index.js'
import { checkNetnsName } from '../../sys/netns.js'
import { renderLldpadConf, type EvbInterface, type EvbTimers } from './config.js'
import { lldpadPids } from './discover.js'
import { readProcStat } from '../../sys/process.js'
import { sleepMs } from '../../sys/sleep.js'

export interface PrivateLldpadOptions {
  readonly netns: string
  /** The instance's directory (created; its `state/` becomes /var/lib/lldpad). */
  readonly runDir: string
  readonly interfaces?: readonly EvbInterface[]
  readonly timers?: EvbTimers
  /** lldpad's debug output (-V 7) in the log: the bridge role then logs every VSI it sees. */
  readonly verbose?: boolean
  readonly readyTimeoutMs?: number
  readonly helper?: string
}

export interface PrivateLldpadInstance {
  readonly netns: string
  readonly pid: number
  readonly startTime: string
  readonly runDir: string
  readonly logPath: string
}

const CONTROL_SOCKET = '@/com/intel/lldpad'

function startTimeOf(pid: number): string | undefined {
  return readProcStat(pid)?.startTicks
}

function listening(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/net/unix`, 'utf8').includes(CONTROL_SOCKET)
  } catch {
    return false
  }
}

function instancePath(runDir: string): string {
  return join(runDir, 'instance.json')
}

export function readInstance(runDir: string): PrivateLldpadInstance | undefined {
  try {
    const v = JSON.parse(readFileSync(instancePath(runDir), 'utf8')) as PrivateLldpadInstance
    return typeof v.pid === 'number' && typeof v.netns === 'string' ? v : undefined
  } catch {
    return undefined
  }
}

/** Whether the recorded instance still runs (same pid, same start time, an lldpad in its namespace). */
export function instanceAlive(i: PrivateLldpadInstance): boolean {
  return startTimeOf(i.pid) === i.startTime && lldpadPids({ kind: 'netns', name: i.netns }).includes(i.pid)
}

export async function startPrivateLldpad(o: PrivateLldpadOptions): Promise<PrivateLldpadInstance> {
  checkNetnsName(o.netns)
  const target = { kind: 'netns', name: o.netns } as const
  if (lldpadPids(target).length > 0) throw new HostnetError('conflict', `an lldpad already runs in network namespace '${o.netns}'`)
  const state = join(o.runDir, 'state')
  mkdirSync(state, { recursive: true })
  writeFileSync(join(state, 'lldpad.conf'), renderLldpadConf(o.interfaces ?? [], o.timers))
  const logPath = join(o.runDir, 'lldpad.log')
  const log = openSync(logPath, 'a')
  const argv = ['--netns', o.netns, 'private', '--tmpfs', '/run', '--tmpfs', '/dev/shm', '--bind', `${state}:/var/lib/lldpad`, '--', 'lldpad', '-f', '/var/lib/lldpad/lldpad.conf', ...(o.verbose === true ? ['-V', '7'] : [])]
  const child = spawn(o.helper ?? defaultHelperPath(), argv, { detached: true, stdio: ['ignore', log, log] })
  closeSync(log)
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
  child.once('error', () => undefined)
  child.unref()
  const pid = child.pid
  if (pid === undefined) throw new HostnetError('dependency', 'cannot start lldpad (the netlink helper did not start)')
  const deadline = Date.now() + (o.readyTimeoutMs ?? 10_000)
  let done: number | null | undefined
  void exited.then((c) => (done = c))
  while (Date.now() < deadline) {
    if (done !== undefined) break
    if (listening(pid)) {
      const startTime = startTimeOf(pid)
      if (startTime === undefined) break
      const inst: PrivateLldpadInstance = { netns: o.netns, pid, startTime, runDir: o.runDir, logPath }
      writeFileSync(instancePath(o.runDir), `${JSON.stringify(inst)}\n`)
      return inst
    }
    await sleepMs(20)
  }
  if (done === undefined) process.kill(pid, 'SIGKILL')
  const tail = existsSync(logPath) ? readFileSync(logPath, 'utf8').trim().split('\n').slice(-3).join('; ') : ''
  throw new HostnetError('backend-failure', `lldpad did not start in network namespace '${o.netns}'${tail === '' ? '' : `: ${tail}`}`, { details: { log: logPath } })
}

/** Stop the instance recorded in `runDir` (SIGTERM, then SIGKILL) and remove the directory; false: none ran. */
export async function stopPrivateLldpad(runDir: string, opts: { keepDir?: boolean } = {}): Promise<boolean> {
  const inst = readInstance(runDir)
  let ran = false
  if (inst !== undefined && instanceAlive(inst)) {
    ran = true
    process.kill(inst.pid, 'SIGTERM')
    for (let i = 0; i < 150 && startTimeOf(inst.pid) === inst.startTime; i++) await sleepMs(20)
    if (startTimeOf(inst.pid) === inst.startTime) process.kill(inst.pid, 'SIGKILL')
    for (let i = 0; i < 50 && startTimeOf(inst.pid) === inst.startTime; i++) await sleepMs(20)
  }
  if (opts.keepDir !== true) rmSync(runDir, { recursive: true, force: true })
  return ran
}
