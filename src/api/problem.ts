/**
 * Errors as RFC 9457 problem documents: a stable `type` per error kind, the CLI's message as `detail`, the kind
 * and the error's details (path, value, object) as extensions, and an HTTP status that follows from the kind.
 * The only place that maps kinds to statuses.
 * @module
 */
import { storeErrorOf } from '../store/integrity.js'
import { HostnetError, type ErrorKind } from '../errors.js'

export const PROBLEM_TYPE_PREFIX = 'urn:hostnet:problem:'
export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

/** Problems of the HTTP layer itself (no ErrorKind: the request never reached hostnet's verbs). */
export type HttpProblem = 'unauthorized' | 'forbidden' | 'payload-too-large' | 'unsupported-media-type' | 'not-acceptable' | 'too-many-requests' | 'service-unavailable' | 'method-not-allowed' | 'no-route' | 'bad-request'

export const KIND_STATUS: Readonly<Record<ErrorKind, number>> = {
  'invalid-argument': 422,
  'not-found': 404,
  conflict: 409,
  'not-supported': 422,
  dependency: 503,
  permission: 403,
  'backend-failure': 502,
  'verification-failed': 502,
  timeout: 504,
  bug: 500,
}

const HTTP_STATUS: Readonly<Record<HttpProblem, number>> = {
  'bad-request': 400,
  unauthorized: 401,
  forbidden: 403,
  'no-route': 404,
  'method-not-allowed': 405,
  'not-acceptable': 406,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  'too-many-requests': 429,
  'service-unavailable': 503,
}

const TITLES: Readonly<Record<ErrorKind | HttpProblem, string>> = {
  'invalid-argument': 'Invalid input',
  'not-found': 'Not found',
  conflict: 'Conflict with the current state',
  'not-supported': 'Not supported',
  dependency: 'A dependency is missing',
  permission: 'Permission denied',
  'backend-failure': 'A southbound system failed',
  'verification-failed': 'Verification failed (rolled back)',
  timeout: 'Timed out',
  bug: 'Internal error',
  'bad-request': 'Bad request',
  unauthorized: 'Authentication required',
  forbidden: 'Forbidden',
  'no-route': 'No such resource',
  'method-not-allowed': 'Method not allowed',
  'not-acceptable': 'Not acceptable',
  'payload-too-large': 'Request body too large',
  'unsupported-media-type': 'Unsupported media type',
  'too-many-requests': 'Too many requests',
  'service-unavailable': 'Service unavailable',
}

export interface Problem {
  type: string
  title: string
  status: number
  detail: string
  /** hostnet's error kind (the remote CLI maps it back to the same exit status). */
  kind: ErrorKind | HttpProblem
  details?: Record<string, unknown>
}

/** A request error the HTTP layer raises (validation of the request, auth, limits). */
export class HttpError extends Error {
  constructor(
    readonly problem: HttpProblem,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
    this.name = 'HttpError'
  }
}

/** The longest detail a problem carries (messages cut long values; a body never echoes back megabytes). */
export const MAX_DETAIL_CHARS = 2000

function cut(s: string): string {
  return s.length <= MAX_DETAIL_CHARS ? s : `${s.slice(0, MAX_DETAIL_CHARS)}…`
}

/** Values in details are cut too (an oversized field value is named, not echoed). */
function cutDetails(d: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (d === undefined) return undefined
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(d)) {
    if (v === undefined) continue
    if (typeof v === 'string') out[k] = cut(v)
    else {
      const json = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x))
      out[k] = json !== undefined && json.length > MAX_DETAIL_CHARS ? cut(json) : v
    }
  }
  return out
}

export function problemOf(e: unknown): Problem {
  if (e instanceof HttpError) {
    const details = cutDetails(e.details)
    return { type: PROBLEM_TYPE_PREFIX + e.problem, title: TITLES[e.problem], status: HTTP_STATUS[e.problem], detail: cut(e.message), kind: e.problem, ...(details === undefined ? {} : { details }) }
  }
  const err = e instanceof HostnetError ? e : (storeErrorOf(e, undefined) ?? new HostnetError('bug', e instanceof Error ? e.message : String(e)))
  const details = cutDetails(publicDetails(err))
  return { type: PROBLEM_TYPE_PREFIX + err.kind, title: TITLES[err.kind], status: KIND_STATUS[err.kind], detail: cut(err.message), kind: err.kind, ...(details === undefined ? {} : { details }) }
}

/** Details safe to hand to a client (a command's stderr and argv stay in the server's log). */
function publicDetails(err: HostnetError): Record<string, unknown> | undefined {
  if (err.details === undefined) return undefined
  const { argv: _argv, stderr: _stderr, ...rest } = err.details
  return Object.keys(rest).length === 0 ? undefined : rest
}
