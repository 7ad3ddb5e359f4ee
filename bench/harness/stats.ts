/**
 * Small statistics for benchmark results: median and a fixed summary of a list of durations.
 * @module
 */

/** Median of `values` (mean of the two middle values for an even count); NaN for an empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  const s = [...values].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

/** Nearest-rank percentile, `p` in [0, 100]. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const s = [...values].sort((a, b) => a - b)
  const rank = Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length)))
  return s[rank - 1]!
}

export interface Summary {
  n: number
  median: number
  p90: number
  min: number
  max: number
  mean: number
}

export function summarize(values: readonly number[]): Summary {
  const sum = values.reduce((a, b) => a + b, 0)
  return {
    n: values.length,
    median: median(values),
    p90: percentile(values, 90),
    min: values.length === 0 ? Number.NaN : Math.min(...values),
    max: values.length === 0 ? Number.NaN : Math.max(...values),
    mean: values.length === 0 ? Number.NaN : sum / values.length,
  }
}

/** `12.3` style rounding for printing. */
export function round1(x: number): number {
  return Math.round(x * 10) / 10
}
