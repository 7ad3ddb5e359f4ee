/**
 * The one error type of hostnet. Every failure that reaches a user is a HostnetError with a closed `kind`;
 * the edges (CLI exit codes, HTTP statuses) map kinds, nothing else does.
 * @module
 */

/** Closed set of error kinds, modelled on nmstate's ErrorKind and libvirt's error codes. */
export type ErrorKind =
  | 'invalid-argument' // bad input: parse or validation error, nothing was changed
  | 'not-found' // a named object does not exist
  | 'conflict' // the request contradicts existing state (name in use, overlapping subnet, pool exhausted)
  | 'not-supported' // valid input this host or this mode cannot do
  | 'dependency' // a required tool, kernel feature or peer is missing
  | 'permission'
  | 'backend-failure' // a southbound system (kernel, OVSDB, dnsmasq, nft) refused or failed
  | 'verification-failed' // applied, but the re-read state differs from the desired state
  | 'timeout'
  | 'bug'

/** Whether an operation failing with this kind may succeed if retried unchanged. */
export const RETRYABLE: Readonly<Record<ErrorKind, boolean>> = {
  'invalid-argument': false,
  'not-found': false,
  conflict: false,
  'not-supported': false,
  dependency: false,
  permission: false,
  'backend-failure': false,
  'verification-failed': true,
  timeout: true,
  bug: false,
}

/** Longest value a message quotes, in characters: longer ones are cut in the middle (see {@link cut}). */
export const MESSAGE_VALUE_MAX_CHARS = 100
/** Longest message an error carries; a longer one (several cut values, a chain of causes) is cut too. */
export const MESSAGE_MAX_CHARS = 2000
/** Longest string kept in an error's details (a value, a command's stderr). */
export const DETAIL_MAX_CHARS = 4000

/**
 * `value` as text of at most `max` characters: a longer one keeps its start and end around `…[N characters]…`,
 * so a message that quotes input stays short however long the input is (a 50 MB name, a whole document).
 */
export function cut(value: unknown, max = MESSAGE_VALUE_MAX_CHARS): string {
  const s = typeof value === 'string' ? value : String(value)
  if (s.length <= max) return s
  const keep = Math.max(2, max - 24)
  const head = Math.ceil(keep / 2)
  const tail = keep - head
  return `${s.slice(0, head)}…[${s.length - keep} characters]…${s.slice(s.length - tail)}`
}

/** Details with every long string cut (top level, and strings in top-level arrays). */
function boundDetails(details: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (details === undefined) return undefined
  let out: Record<string, unknown> | undefined
  for (const [k, v] of Object.entries(details)) {
    const b = boundValue(v)
    if (b !== v) (out ??= { ...details })[k] = b
  }
  return out ?? details
}

function boundValue(v: unknown): unknown {
  if (typeof v === 'string') return v.length > DETAIL_MAX_CHARS ? cut(v, DETAIL_MAX_CHARS) : v
  if (Array.isArray(v) && v.some((x) => typeof x === 'string' && x.length > DETAIL_MAX_CHARS)) return v.map(boundValue)
  return v
}

export interface HostnetErrorOptions {
  cause?: unknown
  /** Machine-readable details carried to JSON output and the API. */
  details?: Record<string, unknown>
}

export class HostnetError extends Error {
  readonly kind: ErrorKind
  readonly details: Record<string, unknown> | undefined

  constructor(kind: ErrorKind, message: string, options: HostnetErrorOptions = {}) {
    super(cut(message, MESSAGE_MAX_CHARS), options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'HostnetError'
    this.kind = kind
    this.details = boundDetails(options.details)
  }

  /** Plain JSON form for `--json` output and API responses. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { kind: this.kind, message: this.message }
    if (this.details !== undefined) out['details'] = this.details
    return out
  }
}

/**
 * Bad input (kind `invalid-argument`), or input naming something hostnet does not do (kind `not-supported`: a key
 * nmstate knows that hostnet refuses). `path` locates the offending value: an XPath-like path for XML (`/network/ip[1]/@prefix`) or a
 * JSON pointer for YAML/JSON documents (`/interfaces/3/vlan/id`). `object` names the thing being defined
 * (for example `network 'default'` or `interface 'br0'`).
 */
export class ValidationError extends HostnetError {
  readonly path: string | undefined
  readonly value: unknown

  constructor(
    message: string,
    options: { path?: string; value?: unknown; object?: string; cause?: unknown; kind?: 'invalid-argument' | 'not-supported' } = {},
  ) {
    super(options.kind ?? 'invalid-argument', message, {
      cause: options.cause,
      details: { path: options.path, value: options.value, object: options.object },
    })
    this.name = 'ValidationError'
    this.path = options.path === undefined ? undefined : cut(options.path, DETAIL_MAX_CHARS)
    this.value = boundValue(options.value)
  }
}

/**
 * The program an argv runs: past `ip netns exec NAME` and `nsenter --net=...` (a tc failure inside a namespace
 * is tc's, not ip's).
 */
export function commandName(argv: readonly string[]): string {
  if (argv[0] === 'ip' && argv[1] === 'netns' && argv[2] === 'exec' && argv.length > 4) return commandName(argv.slice(4))
  if (argv[0] === 'nsenter') {
    const i = argv.findIndex((a, k) => k > 0 && !a.startsWith('-'))
    if (i > 0) return commandName(argv.slice(i))
  }
  return argv[0] ?? '?'
}

/** A command run through sys/exec failed. */
export class CommandError extends HostnetError {
  readonly argv: readonly string[]
  readonly exitCode: number | null
  readonly stderr: string

  constructor(argv: readonly string[], exitCode: number | null, stderr: string, message?: string) {
    const msg = message ?? `${commandName(argv)} failed (exit ${exitCode ?? 'signal'}): ${stderr.trim().split('\n')[0] ?? ''}`
    super('backend-failure', msg, { details: { argv: [...argv], exitCode, stderr } })
    this.name = 'CommandError'
    this.argv = argv
    this.exitCode = exitCode
    this.stderr = stderr
  }
}

/** Applied, but what the system reports differs from what was asked. */
export class VerificationError extends HostnetError {
  readonly expected: unknown
  readonly observed: unknown

  constructor(message: string, expected: unknown, observed: unknown) {
    super('verification-failed', message, { details: { expected, observed } })
    this.name = 'VerificationError'
    this.expected = expected
    this.observed = observed
  }
}

/** A rollback that itself failed. `cause` is the original failure; `errors` the rollback's own. */
export class RollbackError extends HostnetError {
  readonly errors: readonly unknown[]

  constructor(original: unknown, errors: readonly unknown[]) {
    const first = original instanceof Error ? original.message : String(original)
    super('backend-failure', `${first} (and the rollback failed: ${errors.map(errorMessage).join('; ')})`, {
      cause: original,
    })
    this.name = 'RollbackError'
    this.errors = errors
  }
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

export function isHostnetError(e: unknown): e is HostnetError {
  return e instanceof HostnetError
}

/** Exhaustiveness guard for switches over discriminated unions. */
export function assertNever(x: never, what = 'value'): never {
  throw new HostnetError('bug', `unexpected ${what}: ${JSON.stringify(x)}`)
}
