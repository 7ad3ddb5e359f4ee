/**
 * The engine's dependencies and tunables, resolved once per call.
 * @module
 */
import type { HostBackend } from '../backend/backend.js'
import { actorOr, type Actor, type Store } from '../store/index.js'
import { currentProcess, type ProcessIdentity } from '../sys/process.js'
import { sleepMs } from '../sys/sleep.js'
import type { KernelCaps } from '../plan/caps.js'
import { hostPlanner } from './host-planner.js'
import type { HostPlanner } from './planner.js'

/** How long verification keeps re-reading the state while the kernel settles. */
export const VERIFY_TIMEOUT_MS = 2_000
export const VERIFY_INTERVAL_MS = 100
/** Journal kind of host-interface transactions. */
export const HOST_TXN_KIND = 'host-state'

export interface EngineDeps {
  backend: HostBackend
  store: Store
  /** Default: the host-interface planner of plan/. */
  planner?: HostPlanner
  /** What the target kernel can create (the planner refuses the rest before touching anything). */
  caps?: KernelCaps
  /** The process identity written into the journal (default: this process). */
  owner?: ProcessIdentity
  /**
   * Who asks for this call's changes, as written into the change record (default: the store's actor, i.e. the
   * composition root's). A long-lived API server passes each request's `api:<principal>` here.
   */
  actor?: Actor
  sleep?: (ms: number) => Promise<void>
  /** Progress and warning lines for humans (default: nothing). */
  log?: (line: string) => void
  verifyTimeoutMs?: number
  verifyIntervalMs?: number
}

export interface Engine {
  backend: HostBackend
  store: Store
  planner: HostPlanner
  caps: KernelCaps | undefined
  owner: ProcessIdentity
  actor: Actor
  sleep: (ms: number) => Promise<void>
  log: (line: string) => void
  nowMs: () => number
  verifyTimeoutMs: number
  verifyIntervalMs: number
}

export function resolveEngine(d: EngineDeps): Engine {
  return {
    backend: d.backend,
    store: d.store,
    planner: d.planner ?? hostPlanner,
    caps: d.caps,
    owner: d.owner ?? currentProcess(),
    actor: actorOr(d.actor, d.store.actor),
    sleep: d.sleep ?? ((ms) => sleepMs(ms)),
    log: d.log ?? (() => undefined),
    nowMs: d.store.nowMs,
    verifyTimeoutMs: d.verifyTimeoutMs ?? VERIFY_TIMEOUT_MS,
    verifyIntervalMs: d.verifyIntervalMs ?? VERIFY_INTERVAL_MS,
  }
}
