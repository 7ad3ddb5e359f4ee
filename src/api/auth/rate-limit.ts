/**
 * Failed logins are rate-limited per client address and per user name: after MAX_FAILURES failures within
 * WINDOW_MS, further attempts are refused (429, Retry-After) until the window passes. Bounded memory: the
 * oldest entries go first.
 * @module
 */
export const MAX_FAILURES = 5
export const WINDOW_MS = 60_000
export const MAX_KEYS = 10_000

export class LoginLimiter {
  private readonly failures = new Map<string, { count: number; sinceMs: number }>()

  constructor(
    private readonly nowMs: () => number = Date.now,
    readonly maxFailures = MAX_FAILURES,
    readonly windowMs = WINDOW_MS,
  ) {}

  /** Seconds until `keys` may try again, or 0. */
  retryAfterSec(keys: readonly string[]): number {
    const now = this.nowMs()
    let wait = 0
    for (const k of keys) {
      const f = this.failures.get(k)
      if (f === undefined) continue
      if (now - f.sinceMs >= this.windowMs) this.failures.delete(k)
      else if (f.count >= this.maxFailures) wait = Math.max(wait, Math.ceil((f.sinceMs + this.windowMs - now) / 1000))
    }
    return wait
  }

  fail(keys: readonly string[]): void {
    const now = this.nowMs()
    for (const k of keys) {
      const f = this.failures.get(k)
      if (f === undefined || now - f.sinceMs >= this.windowMs) {
        if (this.failures.size >= MAX_KEYS) this.failures.delete(this.failures.keys().next().value!)
        this.failures.set(k, { count: 1, sinceMs: now })
      } else f.count++
    }
  }

  succeed(keys: readonly string[]): void {
    for (const k of keys) this.failures.delete(k)
  }
}
