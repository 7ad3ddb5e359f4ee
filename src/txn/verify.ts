/**
 * Verification with retries: re-read the target until it matches the expected state or the time is up.
 * @module
 */
import { VerificationError } from '../errors.js'
import type { Target } from '../model/target.js'
import type { DesiredState, HostState } from '../model/host/state.js'
import type { Engine } from './engine.js'
import type { StateMismatch } from './planner.js'

export interface VerifyOutcome {
  /** What the last read showed (only the expected interfaces when the backend could read just those). */
  state: HostState
  attempts: number
}

export function describeMismatches(m: readonly StateMismatch[]): string {
  const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v))
  const first = m[0]
  if (first === undefined) return 'no differences'
  const head = `interface '${first.iface}' field '${first.field}': expected ${show(first.expected)}, observed ${show(first.observed)}`
  return m.length === 1 ? head : `${head} (and ${m.length - 1} more)`
}

/** Up to this many expected interfaces, and no routes to check, verification reads only those interfaces. */
export const NAMED_VERIFY_MAX = 32

/** A read that shows everything `expected` asks about: the named interfaces alone when that is cheaper. */
function readFor(eng: Engine, target: Target, expected: DesiredState): Promise<HostState> {
  const routes = (expected.routes?.config.length ?? 0) > 0 || (expected.routeRules?.config.length ?? 0) > 0
  const named = eng.backend.queryInterfaces?.bind(eng.backend)
  if (named !== undefined && !routes && expected.interfaces.length <= NAMED_VERIFY_MAX) {
    return named(target, expected.interfaces.map((i) => i.name))
  }
  return eng.backend.query(target, { routes })
}

export async function verifyWithRetry(eng: Engine, target: Target, expected: DesiredState): Promise<VerifyOutcome> {
  // attempts, not wall time: deterministic under an injected sleep
  const maxAttempts = 1 + Math.max(0, Math.floor(eng.verifyTimeoutMs / Math.max(1, eng.verifyIntervalMs)))
  for (let attempts = 1; ; attempts++) {
    const state = await readFor(eng, target, expected)
    const mismatches = eng.planner.verify(expected, state)
    if (mismatches.length === 0) return { state, attempts }
    if (attempts >= maxAttempts) {
      throw new VerificationError(
        `verification failed after ${attempts} attempts: ${describeMismatches(mismatches)}`,
        mismatches.map((x) => ({ iface: x.iface, field: x.field, value: x.expected })),
        mismatches.map((x) => ({ iface: x.iface, field: x.field, value: x.observed })),
      )
    }
    await eng.sleep(eng.verifyIntervalMs)
  }
}
