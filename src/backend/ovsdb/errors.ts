/**
 * Typed errors of the OVSDB client. All are HostnetErrors; `details` carries OVSDB's own `error` and `details`
 * strings so the edges can show them verbatim.
 *
 * - OvsdbTxnError: the server answered a `transact` and one operation (or the commit) failed. Nothing of the
 *   transaction took effect (OVSDB transactions are atomic).
 * - OvsdbConnectionError: the request never got an answer because the connection was lost or was not up. When a
 *   `transact` was already sent, `outcomeUnknown` is true: see outcome.ts for how to settle it.
 * - OvsdbRpcError: a JSON-RPC level error answer (unknown database, unknown method, canceled, ...).
 * - OvsdbProtocolError: the peer sent something that is not valid JSON-RPC.
 * @module
 */
import { HostnetError, type ErrorKind } from '../../errors.js'
import { isOvsdbErrorObject, type OvsdbErrorObject, type OvsdbOperation } from './ops.js'

export { OvsdbProtocolError } from './protocol-error.js'

/**
 * Error kind for an OVSDB transaction error: duplicates are conflicts; a `wait` with timeout 0 is a
 * precondition (a conflict when it fails), a `wait` with a longer timeout that expires is a timeout.
 */
export function kindOfTxnError(e: OvsdbErrorObject, op?: OvsdbOperation): ErrorKind {
  if (e.error === 'timed out') return op?.op === 'wait' && op.timeout === 0 ? 'conflict' : 'timeout'
  if (e.error === 'constraint violation' && /identical values/.test(e.details ?? '')) return 'conflict'
  if (e.error === 'not owner' || e.error === 'not allowed') return 'permission'
  return 'backend-failure'
}

export class OvsdbTxnError extends HostnetError {
  readonly db: string
  readonly ovsdbError: string
  readonly ovsdbDetails: string | undefined
  /** Index of the failing operation (see `phase`). */
  readonly opIndex: number | undefined
  readonly op: OvsdbOperation | undefined

  /**
   * 'operation': `opIndex` is the op that failed. 'commit': the checks at commit failed; `opIndex` is the
   * insert whose row the details name, if any.
   */
  readonly phase: 'operation' | 'commit'

  constructor(db: string, err: OvsdbErrorObject, where: { phase: 'operation' | 'commit'; opIndex?: number; op?: OvsdbOperation }) {
    const { phase, opIndex, op } = where
    const opText = opIndex === undefined ? '' : `operation ${opIndex}${op ? ` (${op.op}${'table' in op ? ` on '${op.table}'` : ''})` : ''}`
    const at = phase === 'operation' ? `at ${opText}` : `at commit${opText ? ` (row of ${opText})` : ''}`
    const tail = err.details ? `: ${err.details}` : ''
    super(kindOfTxnError(err, phase === 'operation' ? op : undefined), `OVSDB transaction on database '${db}' failed ${at}: ${err.error}${tail}`, {
      details: { db, error: err.error, ovsdbDetails: err.details, opIndex, op, phase },
    })
    this.phase = phase
    this.name = 'OvsdbTxnError'
    this.db = db
    this.ovsdbError = err.error
    this.ovsdbDetails = err.details
    this.opIndex = opIndex
    this.op = op
  }
}

/** Why a request has no answer ('timeout': the connection is up but the answer is late). */
export type ConnectionFailure = 'lost' | 'not-connected' | 'closed' | 'connect-failed' | 'keepalive' | 'timeout'

export class OvsdbConnectionError extends HostnetError {
  readonly failure: ConnectionFailure
  /** The request was sent and may have been executed (only ever true for `transact`). */
  readonly outcomeUnknown: boolean
  /** Retrying after reconnecting is safe (for a transaction with an unknown outcome: after resolving it). */
  readonly retryable: boolean
  readonly method: string | undefined

  constructor(
    address: string,
    failure: ConnectionFailure,
    opts: { method?: string; outcomeUnknown?: boolean; reason?: string; cause?: unknown } = {},
  ) {
    const outcomeUnknown = opts.outcomeUnknown ?? false
    const what = opts.method ? `OVSDB ${opts.method} request to '${address}'` : `OVSDB connection to '${address}'`
    const why = FAILURE_TEXT[failure] + (opts.reason ? ` (${opts.reason})` : '')
    const tail = outcomeUnknown ? '; the transaction may or may not have been committed' : ''
    super(failure === 'timeout' ? 'timeout' : 'backend-failure', `${what} failed: ${why}${tail}`, {
      cause: opts.cause,
      details: {
        address,
        connection: failure,
        method: opts.method,
        outcome: outcomeUnknown ? 'unknown' : 'not-executed',
        retryable: failure !== 'closed',
      },
    })
    this.name = 'OvsdbConnectionError'
    this.failure = failure
    this.outcomeUnknown = outcomeUnknown
    this.retryable = failure !== 'closed'
    this.method = opts.method
  }
}

const FAILURE_TEXT: Record<ConnectionFailure, string> = {
  lost: 'connection lost',
  'not-connected': 'not connected',
  closed: 'client closed',
  'connect-failed': 'cannot connect',
  keepalive: 'no answer to keepalive echo, connection presumed dead',
  timeout: 'no answer in time',
}

export class OvsdbRpcError extends HostnetError {
  readonly method: string
  readonly rpcError: unknown

  constructor(method: string, rpcError: unknown, db?: string) {
    const text = isOvsdbErrorObject(rpcError) ? `${rpcError.error}${rpcError.details ? `: ${rpcError.details}` : ''}` : JSON.stringify(rpcError)
    const kind: ErrorKind = isOvsdbErrorObject(rpcError) && rpcError.error === 'unknown database' ? 'not-found' : 'backend-failure'
    super(kind, `OVSDB ${method}${db === undefined ? '' : ` on database '${db}'`} failed: ${text}`, { details: { method, db, error: rpcError } })
    this.name = 'OvsdbRpcError'
    this.method = method
    this.rpcError = rpcError
  }

  get canceled(): boolean {
    return this.rpcError === 'canceled'
  }
}
