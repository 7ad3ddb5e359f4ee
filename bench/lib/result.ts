/**
 * The one JSON line a benchmark ends with: {"bench":NAME,"results":[{name, ours, baseline, unit, ratio}]},
 * ratio = ours / baseline (null without a baseline). Human-readable lines go before it.
 * @module
 */
import { loadavg } from 'node:os'
import { round } from './stats.js'

export interface BenchResult {
  name: string
  ours: number
  baseline: number | null
  unit: string
  ratio: number | null
}

export function result(name: string, ours: number, baseline: number | null, unit: string): BenchResult {
  const r = (x: number): number => round(x, x >= 100 ? 1 : 3)
  const ratio = baseline === null || baseline === 0 ? null : round(ours / baseline, 3)
  return { name, ours: r(ours), baseline: baseline === null ? null : r(baseline), unit, ratio }
}

/** The load averages (1, 5, 15 min) and core count, for the report: other work on the machine skews timings. */
export function loadLine(): string {
  const [a, b, c] = loadavg().map((x) => x.toFixed(2))
  return `load average ${a} ${b} ${c}`
}

export function log(line: string): void {
  process.stdout.write(`${line}\n`)
}

export function printResults(bench: string, results: readonly BenchResult[]): void {
  log(JSON.stringify({ bench, results }))
}
