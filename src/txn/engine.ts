/**
 * The engine's dependencies and tunables, resolved once per call.
 * @module
 */
import type { HostBackend } from '../backend/backend.js'
import { currentOwner, type ProcessOwner, type Store } from '../store/index.js'
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
  owner?: ProcessOwner
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
  owner: ProcessOwner
  sleep: (ms: number) => Promise<void>
  log: (line: string) => void
  nowMs: () => number
  verifyTimeoutMs: number
  verifyIntervalMs: number
}

export const sleepMs = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

export function resolveEngine(d: EngineDeps): Engine {
  return {
    backend: d.backend,
    store: d.store,
    planner: d.planner ?? hostPlanner,
    caps: d.caps,
    owner: d.owner ?? currentOwner(),
    sleep: d.sleep ?? sleepMs,
    log: d.log ?? (() => undefined),
    nowMs: d.store.nowMs,
    verifyTimeoutMs: d.verifyTimeoutMs ?? VERIFY_TIMEOUT_MS,
    verifyIntervalMs: d.verifyIntervalMs ?? VERIFY_INTERVAL_MS,
  }
}
