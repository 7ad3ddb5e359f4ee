/**
 * A full snapshot of what hostnet may change in a target namespace, for the fault-injection suite: every link
 * (kind, flags, MTU, controller, MAC, alias), every address and every IPv4 and IPv6 route of every table (IPv6
 * link-local ones aside: the kernel adds them on its own time), the nft
 * ruleset, tc qdiscs, classes and filters of every link, the processes in the namespace, the files of the state
 * directory (names and sizes; the store itself aside) and the store's network, port and usage rows (the moments
 * they were touched and the last error aside: a failure is recorded). Two snapshots are equal when the target is
 * as it was.
 * @module
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import type Database from 'better-sqlite3'

/** A read-only command in the namespace; one killed by a signal from outside (seen under load) runs again. */
function run(ns: string, argv: readonly string[]): string {
  for (let attempt = 1; ; attempt++) {
    try {
      return execFileSync('ip', ['netns', 'exec', ns, ...argv], { encoding: 'utf8' })
    } catch (e) {
      if ((e as { signal?: unknown }).signal == null || attempt >= 3) throw e
    }
  }
}

interface JsonLink {
  ifname: string
  flags?: string[]
  mtu?: number
  master?: string
  address?: string
  ifalias?: string
  linkinfo?: { info_kind?: string }
}

function linksOf(ns: string): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const l of JSON.parse(run(ns, ['ip', '-json', '-details', 'link', 'show'])) as JsonLink[]) {
    out[l.ifname] = { kind: l.linkinfo?.info_kind, flags: [...(l.flags ?? [])].sort(), mtu: l.mtu, master: l.master, mac: l.address, alias: l.ifalias }
  }
  return out
}

function addressesOf(ns: string): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  const all = JSON.parse(run(ns, ['ip', '-json', 'address', 'show'])) as Array<{ ifname: string; addr_info?: Array<{ local: string; prefixlen: number }> }>
  for (const l of all) out[l.ifname] = (l.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`).filter((a) => !a.startsWith('fe80:')).sort()
  return out
}

const sortedLines = (s: string): string[] => s.split('\n').filter((l) => l.trim() !== '').sort()

/**
 * IPv6 link-local addresses and their routes come and go with the kernel's own timing (a device that came up gets
 * one once DAD is done): left out, like the moment a link got its carrier.
 */
const notLinkLocal = (lines: string[]): string[] => lines.filter((l) => !/\bfe80:/.test(l))

/**
 * qdiscs of every link (one `tc qdisc show`), classes and filters of the links with a qdisc that can have them
 * (anything but noqueue: a link without one has neither).
 */
function tcOf(ns: string): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const line of sortedLines(run(ns, ['tc', 'qdisc', 'show']))) {
    const dev = / dev (\S+) /.exec(line)?.[1] ?? '?'
    ;(out[dev] ??= []).push(`qdisc: ${line}`)
  }
  for (const [dev, qdiscs] of Object.entries(out)) {
    if (qdiscs.every((q) => q.startsWith('qdisc: qdisc noqueue '))) continue
    for (const what of ['class', 'filter']) qdiscs.push(...sortedLines(run(ns, ['tc', what, 'show', 'dev', dev])).map((l) => `${what}: ${l}`))
  }
  return out
}

function processesOf(ns: string): string[] {
  const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout.split('\n').filter((p) => /^\d+$/.test(p))
  return pids
    .map((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '').join(' ')
      } catch {
        return ''
      }
    })
    .filter((c) => c !== '')
    .sort()
}

function filesOf(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name)
      if (e.isDirectory()) walk(p)
      else if (!/^hostnet\.db/.test(e.name)) out.push(`${relative(dir, p)} ${statSync(p).size}`)
    }
  }
  walk(dir)
  return out.sort()
}

/** The store's rows, without the columns a recorded failure changes. */
function rowsOf(db: Database.Database): Record<string, unknown[]> {
  const rows = (sql: string): unknown[] =>
    (db.prepare(sql).all() as Array<Record<string, unknown>>).map((r) => {
      const { updated_ms: _u, error_json: _e, ...rest } = r
      return rest
    })
  return {
    networks: rows('SELECT * FROM networks ORDER BY target, name'),
    ports: rows('SELECT * FROM network_ports ORDER BY target, uuid'),
    usage: rows('SELECT * FROM network_port_usage WHERE ports > 0 ORDER BY target, network, device'),
  }
}

export interface Snapshot {
  links: Record<string, unknown>
  addresses: Record<string, string[]>
  routes: string[]
  nft: string
  tc: Record<string, string[]>
  processes: string[]
  files: string[]
  rows: Record<string, unknown[]>
}

export function snapshot(ns: string, stateDir: string, db: Database.Database): Snapshot {
  return {
    links: linksOf(ns),
    addresses: addressesOf(ns),
    routes: [...sortedLines(run(ns, ['ip', '-4', 'route', 'show', 'table', 'all'])), ...notLinkLocal(sortedLines(run(ns, ['ip', '-6', 'route', 'show', 'table', 'all'])))],
    // rule counters aside: the kernel's own packets (IGMP/MLD from a bridge) count on their own time
    nft: run(ns, ['nft', 'list', 'ruleset']).replace(/counter packets \d+ bytes \d+/g, 'counter'),
    tc: tcOf(ns),
    processes: processesOf(ns),
    files: filesOf(stateDir),
    rows: rowsOf(db),
  }
}
