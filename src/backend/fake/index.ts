/**
 * An in-memory HostBackend for engine tests: one HostState per target, changed by the kernel model beside it
 * (simulate.ts, applyOpsToState) one op at a time, so a failure leaves exactly the prefix applied — as a real batch does.
 * Fault injection: fail an op (by apply call and op index), tamper with what query reports, fail a query.
 * @module
 */
import { HostnetError } from '../../errors.js'
import type { HostState } from '../../model/host/state.js'
import type { HostOp } from '../../plan/ops.js'
import { applyOpsToState } from './simulate.js'
import { ApplyError, type HostBackend } from '../backend.js'
import { describeTarget, type Target } from '../../model/target.js'

/** Context of one op about to be applied: which apply call (1-based) and which op of that call (0-based). */
export interface OpContext {
  call: number
  index: number
  op: HostOp
  target: Target
}

export interface FakeBackendOptions {
  /** Initial state per target key (`host` or `netns:NAME`). */
  states?: Record<string, HostState>
  /** Return an error to make this op fail (the ops before it stay applied). */
  failOp?: (ctx: OpContext) => Error | undefined
  /** Rewrite what a query reports (e.g. to make verification fail); `call` is the 1-based query number. */
  onQuery?: (state: HostState, ctx: { call: number; target: Target }) => HostState
  /** Return an error to make this query fail. */
  failQuery?: (ctx: { call: number; target: Target }) => Error | undefined
}

export function fakeTargetKey(t: Target): string {
  return t.kind === 'host' ? 'host' : `netns:${t.name}`
}

/** Fault helper: fail op `index` of apply call `call` (default: the first call) with a backend-failure. */
export function failAt(index: number, opts: { call?: number; message?: string } = {}): (ctx: OpContext) => Error | undefined {
  return (ctx) =>
    ctx.call === (opts.call ?? 1) && ctx.index === index
      ? new HostnetError('backend-failure', opts.message ?? `injected failure at op ${index} (${ctx.op.kind})`)
      : undefined
}

export class FakeBackend implements HostBackend {
  private readonly states = new Map<string, HostState>()
  /** Every apply call's ops, in order. */
  readonly applied: HostOp[][] = []
  queryCount = 0

  constructor(private readonly opts: FakeBackendOptions = {}) {
    for (const [k, s] of Object.entries(opts.states ?? {})) this.states.set(k, structuredClone(s))
  }

  setState(target: Target, state: HostState): void {
    this.states.set(fakeTargetKey(target), structuredClone(state))
  }

  /** The true in-memory state (not affected by onQuery). */
  stateOf(target: Target): HostState {
    const s = this.states.get(fakeTargetKey(target))
    if (s === undefined) throw new HostnetError('not-found', `${describeTarget(target)} does not exist`)
    return structuredClone(s)
  }

  async query(target: Target): Promise<HostState> {
    const call = ++this.queryCount
    const fail = this.opts.failQuery?.({ call, target })
    if (fail !== undefined) throw fail
    const s = this.stateOf(target)
    return this.opts.onQuery ? this.opts.onQuery(s, { call, target }) : s
  }

  async apply(target: Target, ops: readonly HostOp[]): Promise<void> {
    const call = this.applied.push([...ops])
    let state = this.stateOf(target)
    for (const [index, op] of ops.entries()) {
      const injected = this.opts.failOp?.({ call, index, op, target })
      try {
        if (injected !== undefined) throw injected
        state = applyOpsToState(state, [op])
      } catch (cause) {
        this.states.set(fakeTargetKey(target), state)
        const msg = cause instanceof Error ? cause.message : String(cause)
        throw new ApplyError(`${describeTarget(target)}: op ${index} (${op.kind}) failed: ${msg}`, { appliedCount: index, failedIndex: index, cause, op })
      }
    }
    this.states.set(fakeTargetKey(target), state)
  }
}
