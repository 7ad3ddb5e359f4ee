/**
 * The error for a peer that sends something that is not valid JSON-RPC or OVSDB (kept apart from errors.ts so that
 * the value helpers in atoms.ts, which throw it, do not depend on the transaction types).
 * @module
 */
import { HostnetError } from '../../errors.js'

export class OvsdbProtocolError extends HostnetError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('backend-failure', `OVSDB protocol error: ${message}`, { details })
    this.name = 'OvsdbProtocolError'
  }
}
