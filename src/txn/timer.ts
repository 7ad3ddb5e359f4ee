/**
 * The confirm timer (`hostnet serve`): holds the daemon lock in the store, runs recovery at once and then every
 * poll interval, which rolls back every pending-confirm transaction whose deadline has passed. With
 * `exitWhenIdle` it stops as soon as no pending-confirm transaction remains (releasing the lock atomically with
 * that check, so a concurrent `apply --confirm-within` either sees the daemon or starts a new one).
 * @module
 */
import { sleepMs } from '../sys/sleep.js'
import { resolveEngine, type EngineDeps } from './engine.js'
import { recover } from './recover.js'

export const CONFIRM_TIMER_ROLE = 'confirm-timer'
export const TIMER_POLL_MS = 200

export interface ConfirmTimerOptions extends EngineDeps {
  signal: AbortSignal
  pollMs?: number
  exitWhenIdle?: boolean
  /** Called once the lock is held and the first recovery ran. */
  onReady?: () => void
}

/** 'already-running': another living process holds the lock; 'idle' (exitWhenIdle); 'stopped' (signal). */
export type ConfirmTimerExit = 'already-running' | 'idle' | 'stopped'

export async function runConfirmTimer(opts: ConfirmTimerOptions): Promise<ConfirmTimerExit> {
  const eng = resolveEngine(opts)
  const locks = eng.store.daemons
  if (!locks.claim(CONFIRM_TIMER_ROLE, eng.owner)) return 'already-running'
  const stillNeeded = (): boolean => eng.store.journal.countByStatus('pending-confirm') > 0
  let ready = false
  try {
    while (!opts.signal.aborted) {
      await recover(eng)
      if (!ready) {
        ready = true
        opts.onReady?.()
      }
      if (opts.exitWhenIdle === true && locks.release(CONFIRM_TIMER_ROLE, eng.owner, { stillNeeded })) return 'idle'
      await sleepMs(opts.pollMs ?? TIMER_POLL_MS, opts.signal)
    }
    return 'stopped'
  } finally {
    locks.release(CONFIRM_TIMER_ROLE, eng.owner)
  }
}
