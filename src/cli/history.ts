/**
 * `hostnet history`: the change record of the store (what changed, when, by whom, and whether it stuck), oldest
 * first: the newest N, or with `--since ID` the records after that id; filtered by target and kinds.
 * `hostnet history-retention` shows or changes the store's retention rule.
 * @module
 */
import type { Command } from 'commander'
import { ValidationError } from '../errors.js'
import {
  CHANGE_FAMILIES,
  CHANGE_LIST_DEFAULT,
  CHANGE_LIST_MAX,
  cut,
  expandChangeKinds,
  openStore,
  resolveStateDir,
  type ChangeQuery,
  type ChangeRecord,
  type ChangeRetention,
  type Store,
} from '../store/index.js'
import { netnsNameProblem } from '../sys/netns.js'
import { addStateDirOption } from './common.js'
import { printJson, table } from './output.js'

interface HistoryFlags {
  target?: string
  since?: string
  kind?: string[]
  limit?: string
  json?: boolean
  stateDir?: string
}

interface RetentionFlags {
  maxRecords?: string
  maxAgeDays?: string
  resumeWindowSec?: string
  hardMaxRecords?: string
  json?: boolean
  stateDir?: string
}

/** The store key of `--target`: `host`, `netns:NAME`, or a bare namespace NAME. */
export function historyTarget(t: string): string {
  if (t === 'host') return 'host'
  const name = t.startsWith('netns:') ? t.slice('netns:'.length) : t
  const problem = netnsNameProblem(name)
  if (problem !== undefined) {
    throw new ValidationError(`invalid --target '${cut(t, 64)}': expected host, netns:NAME or a namespace NAME (the name ${problem})`, { path: '--target', value: cut(t, 64) })
  }
  return `netns:${name}`
}

/** A whole number in [min, max] from an option. */
export function wholeNumber(v: string, option: string, min: number, max: number): number {
  const n = Number(v)
  if (v.trim() === '' || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new ValidationError(`invalid ${option} '${cut(v, 32)}': expected a whole number from ${min} to ${max}`, { path: option, value: cut(v, 32) })
  }
  return n
}

export function historyQuery(flags: HistoryFlags): ChangeQuery {
  const q: ChangeQuery = { limit: flags.limit === undefined ? CHANGE_LIST_DEFAULT : wholeNumber(flags.limit, '--limit', 1, CHANGE_LIST_MAX) }
  if (flags.since !== undefined) q.afterId = wholeNumber(flags.since, '--since', 0, Number.MAX_SAFE_INTEGER)
  if (flags.target !== undefined) q.target = historyTarget(flags.target)
  const kinds = (flags.kind ?? []).flatMap((k) => k.split(',')).map((k) => k.trim()).filter((k) => k !== '')
  if (kinds.length > 0) q.kinds = expandChangeKinds(kinds)
  return q
}

/** `2024-05-01T12:00:00Z` (UTC, whole seconds). */
function timeText(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`
}

function detailText(r: ChangeRecord): string {
  if (r.detail === undefined) return ''
  const parts = Object.entries(r.detail).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
  return cut(parts.join(' '), 120)
}

export function historyText(records: readonly ChangeRecord[]): string {
  if (records.length === 0) return 'no changes recorded\n'
  const head = ['Id', 'Time', 'Target', 'Kind', 'Object', 'Actor', 'Outcome', 'Detail']
  return table([head, ...records.map((r) => [String(r.id), timeText(r.timeMs), r.target, r.kind, r.object, r.actor, r.outcome, detailText(r)])])
}

function retentionText(r: ChangeRetention, pruned: number | undefined): string {
  const rows: Array<[string, string]> = [
    ['Newest records kept:', String(r.maxRecords)],
    ['Longest kept:', `${r.maxAgeSec / 86_400} days`],
    ['Always kept (resume window):', `${r.resumeWindowSec} s`],
    ['Hard limit:', `${r.hardMaxRecords} records`],
  ]
  if (pruned !== undefined) rows.push(['Pruned now:', String(pruned)])
  return rows.map(([k, v]) => `${k.padEnd(30)}${v}\n`).join('')
}

function withStore<T>(stateDir: string | undefined, fn: (s: Store) => T): T {
  const store = openStore(resolveStateDir({ flag: stateDir }))
  try {
    return fn(store)
  } finally {
    store.close()
  }
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v]

export function registerHistoryCommands(program: Command): void {
  const history = program
    .command('history')
    .description('the change record: what changed on this host, when, by whom, and whether it stuck (oldest first)')
    .option('--target <target>', 'only this target: host, netns:NAME or a namespace NAME')
    .option('--since <id>', 'only records after this id (default: the newest --limit records)')
    .option('--kind <kind>', `only these kinds (repeat or comma-separate): a family (${CHANGE_FAMILIES.join(', ')}) or a kind such as network.started`, collect)
    .option('--limit <n>', `at most N records (default ${CHANGE_LIST_DEFAULT}, at most ${CHANGE_LIST_MAX})`)
    .option('--json', 'print machine-readable JSON')
  addStateDirOption(history).action((flags: HistoryFlags) => {
    const q = historyQuery(flags)
    const records = withStore(flags.stateDir, (s) => s.changes.list(q))
    if (flags.json === true) printJson(records)
    else process.stdout.write(historyText(records))
  })

  const retention = program
    .command('history-retention')
    .description('show, or change, how long the change record keeps its records')
    .option('--max-records <n>', 'keep a record only while it is among the newest N')
    .option('--max-age-days <days>', 'keep a record only while it is younger than this many days')
    .option('--resume-window-sec <sec>', 'never drop a record younger than this (clients of the event stream resume within it)')
    .option('--hard-max-records <n>', 'unless more than N records exist')
    .option('--json', 'print machine-readable JSON')
  addStateDirOption(retention).action((flags: RetentionFlags) => {
    const change: Partial<ChangeRetention> = {}
    const big = Number.MAX_SAFE_INTEGER
    if (flags.maxRecords !== undefined) change.maxRecords = wholeNumber(flags.maxRecords, '--max-records', 1, big)
    if (flags.maxAgeDays !== undefined) change.maxAgeSec = wholeNumber(flags.maxAgeDays, '--max-age-days', 1, 100_000) * 86_400
    if (flags.resumeWindowSec !== undefined) change.resumeWindowSec = wholeNumber(flags.resumeWindowSec, '--resume-window-sec', 0, big)
    if (flags.hardMaxRecords !== undefined) change.hardMaxRecords = wholeNumber(flags.hardMaxRecords, '--hard-max-records', 1, big)
    const changing = Object.keys(change).length > 0
    const out = withStore(flags.stateDir, (s) => {
      if (!changing) return { rule: s.changes.retention(), pruned: undefined }
      const rule = s.changes.setRetention(change)
      return { rule, pruned: s.changes.prune() }
    })
    if (flags.json === true) printJson({ ...out.rule, ...(out.pruned === undefined ? {} : { pruned: out.pruned }) })
    else process.stdout.write(retentionText(out.rule, out.pruned))
  })
}
