/**
 * The confirm timer behind `apply --confirm-within`: when no `hostnet serve` holds the daemon lock of the store,
 * one is started detached (`serve --exit-when-idle`) so the rollback happens even after the caller exited.
 * @module
 */
import { spawn } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { OVSDB_ENV } from '../backend/ovs-host/index.js'
import { HostnetError } from '../errors.js'
import { installPath } from '../sys/install-path.js'
import type { DaemonHolder } from '../store/index.js'
import { CONFIRM_TIMER_ROLE } from '../txn/index.js'
import { logLine, PAUSE_AFTER_APPLY_ENV, type Runtime } from './runtime.js'

export const SERVE_LOG_FILE = 'serve.log'
/** How long `apply` waits for a daemon it started to take the lock. */
export const DAEMON_START_TIMEOUT_MS = 5_000
const DAEMON_START_POLL_MS = 50

/** bin/hostnet of this installation (found from dist/src/service/ compiled or dist/cli/ bundled). */
export function hostnetBin(): string {
  const bin = installPath('bin/hostnet', import.meta.url)
  if (bin === undefined) throw new HostnetError('bug', `no bin/hostnet above '${fileURLToPath(import.meta.url)}'`)
  return bin
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
