/**
 * Reads a device's traffic control back: qdiscs and filters from `tc -j` (JSON), htb classes from
 * `tc -d class show` (iproute2 6.1 prints htb classes as text even with -j). Rates are returned in bytes per
 * second, sizes in bytes.
 * @module
 */
import { HostnetError } from '../../errors.js'
import type { Runner } from '../../sys/exec.js'
import { TC } from './command.js'
import type { ShapingApplyOptions } from './apply.js'

export interface TcQdisc {
  readonly kind: string
  readonly handle: string
  readonly parent?: string
  readonly root?: boolean
  readonly options?: Record<string, unknown>
}

export interface TcClass {
  readonly kind: string
  readonly classid: string
  /** `root` or the parent class id. */
  readonly parent: string
  readonly leaf?: string
  readonly rateBytesPerSec?: number
  readonly ceilBytesPerSec?: number
  readonly burstBytes?: number
  readonly cburstBytes?: number
  readonly quantum?: number
  readonly prio?: number
}

export interface TcState {
  readonly qdiscs: readonly TcQdisc[]
  readonly classes: readonly TcClass[]
  /** Filters of the root (egress) qdisc, as tc prints them in JSON. */
  readonly filters: readonly Record<string, unknown>[]
  /** Filters of the ingress qdisc. */
  readonly ingressFilters: readonly Record<string, unknown>[]
}

const RATE_UNITS: Record<string, number> = { bit: 1, Kbit: 1e3, Mbit: 1e6, Gbit: 1e9, Tbit: 1e12 }
const SIZE_UNITS: Record<string, number> = { b: 1, Kb: 1024, Mb: 1024 * 1024, Gb: 1024 * 1024 * 1024 }

/** `8192Kbit` → 1 024 000 (bytes per second). */
export function parseTcRate(text: string): number {
  const m = /^([0-9.]+)([A-Za-z]+)$/.exec(text)
  const unit = m === null ? undefined : RATE_UNITS[m[2]!]
  if (m === null || unit === undefined) throw new HostnetError('backend-failure', `cannot parse tc rate '${text}'`)
  return Math.round((Number(m[1]) * unit) / 8)
}

/** `4Kb` → 4096, `1597b` → 1597, `4Kb/1` (with cell log) → 4096. */
export function parseTcSize(text: string): number {
  const m = /^([0-9.]+)([A-Za-z]+)(?:\/\d+)?$/.exec(text)
  const unit = m === null ? undefined : SIZE_UNITS[m[2]!]
  if (m === null || unit === undefined) throw new HostnetError('backend-failure', `cannot parse tc size '${text}'`)
  return Math.round(Number(m[1]) * unit)
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/** One line of `tc -d class show` (htb). */
export function parseClassLine(line: string): TcClass | undefined {
  const t = line.trim().split(/\s+/)
  if (t[0] !== 'class' || t.length < 3) return undefined
  const out: Mutable<TcClass> = { kind: t[1]!, classid: t[2]!, parent: 'root' }
  for (let i = 3; i < t.length; i++) {
    const key = t[i]!
    const value = t[i + 1]
    if (key === 'root') continue
    if (value === undefined) break
    switch (key) {
      case 'parent': out.parent = value; break
      case 'leaf': out.leaf = value; break
      case 'prio': out.prio = Number(value); break
      case 'quantum': out.quantum = Number(value); break
      case 'rate': out.rateBytesPerSec = parseTcRate(value); break
      case 'ceil': out.ceilBytesPerSec = parseTcRate(value); break
      case 'burst': out.burstBytes = parseTcSize(value); break
      case 'cburst': out.cburstBytes = parseTcSize(value); break
      default: continue
    }
    i++
  }
  return out
}

async function tcOut(runner: Runner, args: string[], opts: ShapingApplyOptions): Promise<string> {
  const o: { netns?: string; timeoutMs?: number } = {}
  if (opts.netns !== undefined) o.netns = opts.netns
  if (opts.timeoutMs !== undefined) o.timeoutMs = opts.timeoutMs
  return (await runner.run([TC, ...args], o)).stdout
}

function jsonArray(text: string, what: string): Record<string, unknown>[] {
  const t = text.trim()
  if (t === '') return []
  try {
    const v = JSON.parse(t) as unknown
    if (!Array.isArray(v)) throw new Error('not an array')
    return v as Record<string, unknown>[]
  } catch (e) {
    throw new HostnetError('backend-failure', `cannot parse ${what}: ${(e as Error).message}`, { details: { text: t.slice(0, 500) } })
  }
}

/** The traffic control of one device. */
export async function readTcState(runner: Runner, dev: string, opts: ShapingApplyOptions = {}): Promise<TcState> {
  const qdiscs = jsonArray(await tcOut(runner, ['-j', 'qdisc', 'show', 'dev', dev], opts), 'tc qdisc JSON') as unknown as TcQdisc[]
  const classText = await tcOut(runner, ['-d', 'class', 'show', 'dev', dev], opts)
  const classes = classText.split('\n').flatMap((l) => parseClassLine(l) ?? [])
  const filters = jsonArray(await tcOut(runner, ['-j', 'filter', 'show', 'dev', dev], opts), 'tc filter JSON')
  const hasIngress = qdiscs.some((q) => q.kind === 'ingress')
  const ingressFilters = hasIngress
    ? jsonArray(await tcOut(runner, ['-j', 'filter', 'show', 'dev', dev, 'parent', 'ffff:'], opts), 'tc filter JSON')
    : []
  return { qdiscs, classes, filters, ingressFilters }
}
