/**
 * wok's errors: an exception class per HTTP status (InvalidParameter, MissingParameter and InvalidOperation 400,
 * NotFoundError 404, UnauthorizedError 403, OperationFailed 500) whose body is `{"code": "<status>", "reason":
 * "<CODE>: <message>"}`. `kimchiError(status, code, params)` makes one; `asKimchiError` turns anything else
 * (a hostnet error the facade did not translate) into an OperationFailed with hostnet's message.
 * @module
 */
import { HostnetError } from '../../../errors.js'
import { reasonText } from './messages.js'

export class KimchiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly params: Readonly<Record<string, unknown>> = {},
    readonly headers: Readonly<Record<string, string>> = {},
    options: { cause?: unknown } = {},
  ) {
    super(reasonText(code, params), options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'KimchiError'
  }

  body(): { code: string; reason: string } {
    return { code: String(this.status), reason: this.message }
  }
}

/** 400: invalid parameter, missing parameter, invalid operation. */
export function invalid(code: string, params: Record<string, unknown> = {}, cause?: unknown): KimchiError {
  return new KimchiError(400, code, params, {}, { cause })
}

export function notFound(code: string, params: Record<string, unknown> = {}): KimchiError {
  return new KimchiError(404, code, params)
}

/** 500: OperationFailed (the southbound system refused, or something unexpected). */
export function failed(code: string, params: Record<string, unknown> = {}, cause?: unknown): KimchiError {
  return new KimchiError(500, code, params, {}, { cause })
}

/** A hostnet error's message for a Kimchi `%(err)s` placeholder. */
export function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

/** Anything thrown below the facade, as the answer wok would give for an unexpected failure. */
export function asKimchiError(e: unknown, fallback: { code: string; params: Record<string, unknown> }): KimchiError {
  if (e instanceof KimchiError) return e
  const status = e instanceof HostnetError && e.kind === 'invalid-argument' ? 400 : 500
  return new KimchiError(status, fallback.code, { ...fallback.params, err: errText(e) }, {}, { cause: e })
}
