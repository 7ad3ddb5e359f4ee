/**
 * The contract between the transaction engine and a southbound system for host interfaces. Implementations:
 * backend/iproute2 (the kernel through `ip -json` reads and `ip -batch` writes) and backend/fake (in memory,
 * for engine tests with fault injection).
 * @module
 */
import { HostnetError } from '../errors.js'
import type { Route } from '../model/host/route.js'
import type { HostState } from '../model/host/state.js'
import type { HostOp } from '../plan/ops.js'
import type { Target } from '../model/target.js'


/** What a query reads besides the interfaces. */
export interface QueryOptions {
  /** Read the routing tables too (default true); `false` leaves `routes` empty and saves the route dumps. */
  routes?: boolean
}

export interface HostBackend {
  /** The full current state of the target, in one read. */
  query(target: Target, opts?: QueryOptions): Promise<HostState>
  /**
   * Optional: only the routes a query reads, for a caller that queried without them and finds it needs them
   * after all (the engine plans a no-op without reading the routes).
   */
  queryRoutes?(target: Target): Promise<Route[]>
  /**
   * Optional: only the named interfaces that exist, each with the ports it controls, and no routes: a partial
   * state, enough to verify those interfaces (the engine verifies a small change this way).
   */
  queryInterfaces?(target: Target, names: readonly string[]): Promise<HostState>
  /**
   * Optional: the part of the state plan/scope.ts defines for these seeds (scopeOf restricted with
   * restrictState), read without reading everything; undefined when that part would hold more than
   * `maxInterfaces` interfaces or the backend cannot tell (the caller then queries everything).
   */
  queryScope?(target: Target, seeds: readonly string[], opts: { maxInterfaces: number }): Promise<HostState | undefined>
  /**
   * Apply ops in order, in as few kernel round trips as possible. On failure throws ApplyError telling how many
   * ops were applied before the failing one.
   */
  apply(target: Target, ops: readonly HostOp[]): Promise<void>
}

/** An apply that failed part-way. `appliedCount` ops (a prefix) took effect; `failedIndex` is the culprit if known. */
export class ApplyError extends HostnetError {
  readonly appliedCount: number
  readonly failedIndex: number | undefined

  constructor(message: string, opts: { appliedCount: number; failedIndex?: number; cause?: unknown; op?: HostOp }) {
    super('backend-failure', message, { cause: opts.cause, details: { appliedCount: opts.appliedCount, failedIndex: opts.failedIndex, op: opts.op } })
    this.name = 'ApplyError'
    this.appliedCount = opts.appliedCount
    this.failedIndex = opts.failedIndex
  }
}
