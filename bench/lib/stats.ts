/**
 * Timing and medians for the host benchmarks.
 * @module
 */
import { performance } from 'node:perf_hooks'

/** Median (mean of the two middle values for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  const s = [...values].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

/** Milliseconds `fn` takes (wall clock), with its result. */
export async function timeMs<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now()
  const value = await fn()
  return { value, ms: performance.now() - t0 }
}

export function timeSyncMs<T>(fn: () => T): { value: T; ms: number } {
  const t0 = performance.now()
  const value = fn()
  return { value, ms: performance.now() - t0 }
}

export function round(x: number, digits = 1): number {
  const f = 10 ** digits
  return Math.round(x * f) / f
}

/** `a/b/c` of a list of timings, for the human-readable lines. */
export function list(values: readonly number[]): string {
  return values.map((v) => round(v, 0)).join('/')
}
