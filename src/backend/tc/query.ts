/**
 * Reads a device's traffic control back: qdiscs from `tc -j` (JSON); htb classes and filters from the text form
 * (iproute2 6.1 prints htb classes as text even with -j, prints invalid JSON for fw filters and no rate for
 * police actions). Rates are returned in bytes per second, sizes in bytes (tc prints them rounded: compare
 * large values approximately).
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

export interface TcPolice {
  readonly rateBytesPerSec: number
  readonly burstBytes: number
  readonly mtuBytes?: number
  readonly action?: string
}

export interface TcFilter {
  readonly kind: string
  readonly parent?: string
  readonly protocol?: string
  readonly pref?: number
  /** u32 node handle (`800::3`) or fw handle (`0x1`). */
  readonly handle?: string
  /** flowid (u32) or classid (fw). */
  readonly flowid?: string
  /** u32 keys as tc prints them: 32-bit value/mask at a 4-byte aligned offset. */
  readonly matches: ReadonlyArray<{ readonly value: string; readonly mask: string; readonly at: number }>
  readonly police?: TcPolice
}

export interface TcState {
  readonly qdiscs: readonly TcQdisc[]
  readonly classes: readonly TcClass[]
  /** Filters of the root (egress) qdisc. */
  readonly filters: readonly TcFilter[]
  /** Filters of the ingress qdisc. */
  readonly ingressFilters: readonly TcFilter[]
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

const FILTER_KEYS: Record<string, 'parent' | 'protocol' | 'pref' | 'handle' | 'flowid'> = {
  parent: 'parent',
  protocol: 'protocol',
  pref: 'pref',
  fh: 'handle',
  handle: 'handle',
  flowid: 'flowid',
  '*flowid': 'flowid',
  classid: 'flowid',
}

function parseFilterHead(t: string[]): Mutable<TcFilter> {
  const out: Mutable<TcFilter> = { kind: '', matches: [] }
  for (let i = 1; i < t.length; i++) {
    const key = FILTER_KEYS[t[i]!]
    const value = t[i + 1]
    if (key !== undefined && value !== undefined) {
      if (key === 'pref') {
        out.pref = Number(value)
        out.kind = t[i + 2] ?? ''
        i++
      } else out[key] = value
      i++
    }
  }
  return out
}

function parsePolice(t: string[]): TcPolice {
  const get = (k: string): string | undefined => t[t.indexOf(k) + 1]
  const out: Mutable<TcPolice> = {
    rateBytesPerSec: parseTcRate(get('rate') ?? '0bit'),
    burstBytes: parseTcSize(get('burst') ?? '0b'),
  }
  const mtu = get('mtu')
  if (mtu !== undefined && t.includes('mtu')) out.mtuBytes = parseTcSize(mtu)
  if (t.includes('action')) out.action = get('action')!
  return out
}

/** The text form of `tc filter show` (one entry per `filter` line, with its match and police lines). */
export function parseFilterText(text: string): TcFilter[] {
  const out: Array<Mutable<TcFilter>> = []
  for (const line of text.split('\n')) {
    const t = line.trim().split(/\s+/)
    const last = out[out.length - 1]
    if (t[0] === 'filter') out.push(parseFilterHead(t))
    else if (t[0] === 'match' && last !== undefined) {
      const [value = '', mask = ''] = (t[1] ?? '').split('/')
      ;(last.matches as Array<{ value: string; mask: string; at: number }>).push({ value, mask, at: Number(t[3]) })
    } else if (t[0] === 'police' && last !== undefined) last.police = parsePolice(t)
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
    const details = { text: t.slice(0, 500) }
    throw new HostnetError('backend-failure', `cannot parse ${what}: ${(e as Error).message}`, { details })
  }
}

/** The traffic control of one device. */
export async function readTcState(runner: Runner, dev: string, opts: ShapingApplyOptions = {}): Promise<TcState> {
  const qdiscJson = await tcOut(runner, ['-j', 'qdisc', 'show', 'dev', dev], opts)
  const qdiscs = jsonArray(qdiscJson, 'tc qdisc JSON') as unknown as TcQdisc[]
  const classText = await tcOut(runner, ['-d', 'class', 'show', 'dev', dev], opts)
  const classes = classText.split('\n').flatMap((l) => parseClassLine(l) ?? [])
  const filters = parseFilterText(await tcOut(runner, ['filter', 'show', 'dev', dev], opts))
  const hasIngress = qdiscs.some((q) => q.kind === 'ingress')
  const ingressText = hasIngress ? await tcOut(runner, ['filter', 'show', 'dev', dev, 'parent', 'ffff:'], opts) : ''
  const ingressFilters = parseFilterText(ingressText)
  return { qdiscs, classes, filters, ingressFilters }
}

/** The rate of an htb class of `dev` in bytes per second (undefined: no such class, or no tc answer). */
export async function readClassRate(runner: Runner, dev: string, classid: string, opts: { netns?: string } = {}): Promise<number | undefined> {
  const ns = opts.netns === undefined ? [] : ['-n', opts.netns]
  const res = await runner.run([TC, ...ns, 'class', 'show', 'dev', dev, 'classid', classid], { allowFailure: true })
  if (res.exitCode !== 0) return undefined
  for (const line of res.stdout.split('\n')) {
    const c = parseClassLine(line)
    if (c?.classid === classid) return c.rateBytesPerSec
  }
  return undefined
}

/**
 * Whether a device (in a named namespace, or the host's) has an htb root qdisc `1:`: a network's QoS tree. A
 * missing device has none; any other failure to read is an error, never "none" (the caller would build a tree
 * over the one there, and the tree's other classes would go).
 */
export async function hasHtbRoot(runner: Runner, dev: string, opts: { netns?: string } = {}): Promise<boolean> {
  const argv = [TC, ...(opts.netns === undefined ? [] : ['-n', opts.netns]), '-json', 'qdisc', 'show', 'dev', dev]
  const res = await runner.run(argv, { allowFailure: true })
  if (res.exitCode !== 0 && /Cannot find device/.test(res.stderr)) return false
  if (res.exitCode !== 0) {
    throw new HostnetError('backend-failure', `cannot read the qdiscs of '${dev}': tc failed (exit ${res.exitCode}): ${res.stderr.trim().split('\n')[0] ?? ''}`, {
      details: { argv, stderr: res.stderr },
    })
  }
  const qdiscs = JSON.parse(res.stdout || '[]') as Array<{ kind?: string; handle?: string; root?: boolean }>
  return qdiscs.some((q) => q.kind === 'htb' && q.handle === '1:' && q.root === true)
}
