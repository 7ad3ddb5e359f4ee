/** Printing helpers shared by CLI commands: JSON or text, and errors. */
import { HostnetError } from '../errors.js'
import { mapStack } from './stack-map.js'

export interface OutputOptions {
  json?: boolean
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, jsonReplacer, 2) + '\n')
}

/** JSON.stringify replacer: bigints as strings, Maps as objects. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof Map) return Object.fromEntries(value)
  return value
}

export function printError(e: unknown, opts: OutputOptions): void {
  const err = e instanceof HostnetError ? e : new HostnetError('bug', e instanceof Error ? (e.stack === undefined ? e.message : mapStack(e.stack)) : String(e))
  if (opts.json) process.stdout.write(JSON.stringify({ error: err.toJSON() }, jsonReplacer, 2) + '\n')
  else process.stderr.write(`error: ${err.message}\n`)
}

/** Render rows as an aligned text table (first row is the header). */
export function table(rows: ReadonlyArray<readonly string[]>): string {
  const widths: number[] = []
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)))
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n') + '\n'
}
