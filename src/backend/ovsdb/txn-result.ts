/**
 * Checking a `transact` answer (RFC 7047 §4.1.3): one result per operation; a failing operation has an error
 * object in its slot (and the server executes nothing after it); a failure found at commit time (referential
 * integrity, duplicate index value, too few/many rows) is an extra error object after the last operation's
 * slot. Any error means nothing was committed.
 * @module
 */
import { OvsdbProtocolError, OvsdbTxnError } from './errors.js'
import { isOvsdbErrorObject, type OperationResult, type OvsdbOperation } from './ops.js'

/** The results of a successful transaction, or throws OvsdbTxnError / OvsdbProtocolError. */
export function checkTxnResult(db: string, ops: readonly OvsdbOperation[], result: unknown): OperationResult[] {
  if (!Array.isArray(result)) throw new OvsdbProtocolError(`transact on database '${db}' answered with a non-array result`, { result })
  for (let i = 0; i < result.length; i++) {
    const r: unknown = result[i]
    if (!isOvsdbErrorObject(r)) continue
    if (i < ops.length) throw new OvsdbTxnError(db, r, { phase: 'operation', opIndex: i, op: ops[i]! })
    const culprit = commitCulprit(r.details ?? '', result)
    throw new OvsdbTxnError(db, r, { phase: 'commit', ...(culprit === undefined ? {} : { opIndex: culprit, op: ops[culprit]! }) })
  }
  if (result.length < ops.length) {
    throw new OvsdbProtocolError(`transact on database '${db}' answered ${result.length} results for ${ops.length} operations`, {
      results: result.length,
      operations: ops.length,
    })
  }
  return result.slice(0, ops.length) as OperationResult[]
}

const UUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g

/** The insert whose new row a commit-time error names first (OVSDB names rows by UUID in `details`). */
function commitCulprit(details: string, results: readonly unknown[]): number | undefined {
  const inserted = new Map<string, number>()
  results.forEach((r, i) => {
    const u = (r as { uuid?: unknown } | null)?.uuid
    if (Array.isArray(u) && typeof u[1] === 'string') inserted.set(u[1], i)
  })
  for (const m of details.matchAll(UUID_RE)) {
    const i = inserted.get(m[0])
    if (i !== undefined) return i
  }
  return undefined
}
