/** Maps error kinds to process exit codes: the only place that does. */
import { HostnetError, type ErrorKind } from '../errors.js'

export const EXIT_CODE: Readonly<Record<ErrorKind, number>> = {
  'invalid-argument': 2,
  'not-found': 3,
  conflict: 4,
  'not-supported': 5,
  dependency: 6,
  permission: 7,
  'backend-failure': 1,
  'verification-failed': 8,
  timeout: 9,
  bug: 70,
}

export function exitCodeFor(e: unknown): number {
  return e instanceof HostnetError ? EXIT_CODE[e.kind] : 1
}
