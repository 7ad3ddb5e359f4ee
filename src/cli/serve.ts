/**
 * `hostnet serve`: the confirm-timer daemon. It holds the daemon lock in the store (and writes serve.pid next to
 * it), recovers, then rolls back pending-confirm transactions whose deadline passed. `apply --confirm-within`
 * starts one, detached and with --exit-when-idle, when none is running.
 * @module
 */
import type { Command } from 'commander'
import { spawn } from 'node:child_process'
import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { HostnetError } from '../errors.js'
import type { DaemonHolder } from '../store/index.js'
import { CONFIRM_TIMER_ROLE, runConfirmTimer, TIMER_POLL_MS } from '../txn/index.js'
import { runNetworkSupervisor } from '../driver/network/supervisor-loop.js'
import { addStateDirOption } from './common.js'
import { OVSDB_ENV } from '../backend/ovs-host/index.js'
import { logLine, openRuntime, PAUSE_AFTER_APPLY_ENV, type Runtime } from './runtime.js'

export const SERVE_PID_FILE = 'serve.pid'
export const SERVE_LOG_FILE = 'serve.log'
/** How long `apply` waits for a daemon it started to take the lock. */
export const DAEMON_START_TIMEOUT_MS = 5_000
const DAEMON_START_POLL_MS = 50

interface ServeFlags {
  stateDir?: string
  exitWhenIdle?: boolean
  pollMs?: string
}

/** bin/hostnet of this installation (dist/src/cli/serve.js → ../../../bin/hostnet). */
export function hostnetBin(): string {
  return fileURLToPath(new URL('../../../bin/hostnet', import.meta.url))
}

function removePidFile(path: string): void {
  try {
    if (readFileSync(path, 'utf8').trim() === String(process.pid)) rmSync(path)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') logLine(`warning: cannot remove ${path}: ${(e as Error).message}`)
  }
}

export async function serve(flags: ServeFlags): Promise<void> {
  const rt = openRuntime({ ...flags, longLived: true })
  const pidFile = join(rt.stateDir, SERVE_PID_FILE)
  const ac = new AbortController()
  const stop = (): void => ac.abort()
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
  try {
    const pollMs = flags.pollMs === undefined ? TIMER_POLL_MS : Number(flags.pollMs)
    // virtual networks: autostart, dnsmasq supervision, retired-bridge deletion (not in the short-lived
    // --exit-when-idle daemon that apply --confirm-within starts)
    const networks = flags.exitWhenIdle === true ? undefined : superviseNetworks(rt, ac.signal)
    const exit = await runConfirmTimer({
      ...rt.deps,
      signal: ac.signal,
      pollMs: Number.isFinite(pollMs) && pollMs > 0 ? pollMs : TIMER_POLL_MS,
      exitWhenIdle: flags.exitWhenIdle === true,
      onReady: () => writeFileSync(pidFile, `${process.pid}\n`),
    })
    if (exit === 'already-running') {
      ac.abort()
      await networks
      const h = rt.store.daemons.holder(CONFIRM_TIMER_ROLE)
      throw new HostnetError('conflict', `a confirm timer is already running for '${rt.stateDir}'${h ? ` (pid ${h.pid})` : ''}`)
    }
    await networks
  } finally {
    process.removeListener('SIGTERM', stop)
    process.removeListener('SIGINT', stop)
    removePidFile(pidFile)
    rt.close()
  }
}

/** The network supervisor of this serve (ends when `signal` aborts; a second serve's supervisor stands aside). */
async function superviseNetworks(rt: Runtime, signal: AbortSignal): Promise<void> {
  const exit = await runNetworkSupervisor({ driver: rt.networks(), store: rt.store, signal, log: logLine })
  if (exit === 'already-running') logLine('virtual networks are supervised by another hostnet serve')
}

/** Make sure a confirm timer runs for this store: start `hostnet serve --exit-when-idle` detached if needed. */
export async function ensureConfirmTimer(rt: Runtime): Promise<DaemonHolder | undefined> {
  const running = rt.store.daemons.holder(CONFIRM_TIMER_ROLE)
  if (running !== undefined) return running
  const logFd = openSync(join(rt.stateDir, SERVE_LOG_FILE), 'a')
  try {
    const env = { ...process.env }
    delete env[PAUSE_AFTER_APPLY_ENV]
    if (rt.ovsdb !== undefined) env[OVSDB_ENV] = rt.ovsdb // the rollback must reach the same OVS
    const child = spawn(process.execPath, [hostnetBin(), 'serve', '--state-dir', rt.stateDir, '--exit-when-idle'], {
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env,
    })
    child.unref()
  } finally {
    closeSync(logFd)
  }
  for (let waited = 0; waited < DAEMON_START_TIMEOUT_MS; waited += DAEMON_START_POLL_MS) {
    await new Promise((r) => setTimeout(r, DAEMON_START_POLL_MS))
    const h = rt.store.daemons.holder(CONFIRM_TIMER_ROLE)
    if (h !== undefined) return h
    if (rt.store.journal.countByStatus('pending-confirm') === 0) return undefined // it ran and finished already
  }
  logLine(`warning: the confirm timer did not start (see ${join(rt.stateDir, SERVE_LOG_FILE)}); the next hostnet command after the deadline rolls back`)
  return undefined
}

export function registerServeCommand(program: Command): void {
  const cmd = program
    .command('serve')
    .description('run the daemon: the confirm timer, virtual-network autostart and dnsmasq supervision (stops on SIGTERM)')
    .option('--exit-when-idle', 'exit once no transaction is waiting for confirmation')
    .option('--poll-ms <ms>', `how often to check deadlines (default ${TIMER_POLL_MS})`)
  addStateDirOption(cmd).action(async (flags: ServeFlags) => {
    await serve(flags)
  })
}
