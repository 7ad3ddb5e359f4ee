/**
 * Typed view of a host-interface journal entry (the store keeps payloads as untyped JSON).
 * @module
 */
import { HostnetError } from '../errors.js'
import type { DesiredState, HostState } from '../model/host/state.js'
import type { HostOp } from '../plan/ops.js'
import type { JournalEntry } from '../store/index.js'

export interface HostTxn {
  id: number
  /** Undefined until the plan was recorded: then nothing was applied yet. */
  snapshot: HostState | undefined
  ops: HostOp[]
  expected: DesiredState | undefined
  touched: string[]
}

function isStateLike(v: unknown): v is { interfaces: unknown[] } {
  return typeof v === 'object' && v !== null && Array.isArray((v as { interfaces?: unknown }).interfaces)
}

export function decodeHostTxn(e: JournalEntry): HostTxn {
  if (e.snapshot !== undefined && e.snapshot !== null && !isStateLike(e.snapshot)) {
    throw new HostnetError('bug', `transaction ${e.id}: the journaled snapshot is not a host state`)
  }
  const snapshot = isStateLike(e.snapshot) ? (e.snapshot as unknown as HostState) : undefined
  const expected = isStateLike(e.expected) ? (e.expected as unknown as DesiredState) : undefined
  const ops = Array.isArray(e.ops) ? (e.ops as HostOp[]) : []
  return { id: e.id, snapshot: snapshot && { ...snapshot, routes: snapshot.routes ?? [] }, ops, expected, touched: e.touched }
}
