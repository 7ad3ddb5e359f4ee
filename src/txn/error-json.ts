/**
 * Errors as plain JSON for the journal: kind, message, details and the cause chain.
 * @module
 */
import { HostnetError, RollbackError } from '../errors.js'
import { cut } from '../store/change-kinds.js'

export interface ErrorJson {
  name: string
  kind: string
  message: string
  details?: Record<string, unknown>
  cause?: ErrorJson
  errors?: ErrorJson[]
}

const MAX_CAUSE_DEPTH = 5

export function errorToJson(e: unknown, depth = 0): ErrorJson {
  if (!(e instanceof Error)) return { name: 'Error', kind: 'bug', message: String(e) }
  const out: ErrorJson = { name: e.name, kind: e instanceof HostnetError ? e.kind : 'bug', message: e.message }
  if (e instanceof HostnetError && e.details !== undefined) out.details = JSON.parse(JSON.stringify(e.details, bigintSafe)) as Record<string, unknown>
  if (e.cause !== undefined && depth < MAX_CAUSE_DEPTH) out.cause = errorToJson(e.cause, depth + 1)
  if (e instanceof RollbackError) out.errors = e.errors.map((x) => errorToJson(x, depth + 1))
  return out
}

function bigintSafe(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v
}

/** Longest error message a change record keeps. */
export const CHANGE_ERROR_MAX_CHARS = 300

/** An error as the change record keeps it: its kind and its message, cut. */
export function errorBrief(e: unknown): { kind: string; message: string } {
  const kind = e instanceof HostnetError ? e.kind : 'bug'
  const message = e instanceof Error ? e.message : String(e)
  return { kind, message: cut(message, CHANGE_ERROR_MAX_CHARS) }
}
