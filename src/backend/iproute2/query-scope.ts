/**
 * Scoped query: only the interfaces plan/scope.ts says a small document can involve, each read on its own with
 * `ip -json -details address show dev NAME` (a single command: ip asks the kernel to filter the dumps, which
 * `ip -batch` does not, so a batch line costs a whole address dump), in rounds: a round reads the interfaces
 * found by the last one, in parallel. Ports and children of a full member come from its `lower_*` and `upper_*`
 * links in sysfs (read inside the namespace, one `find` per round), its base and controller from its own link, and
 * its routes from one kernel-filtered `route show table all dev NAME` dump (both families), filtered to the
 * route protocols a whole query reads.
 * Undefined when the scope grows past the limit: the caller then reads everything. Open vSwitch interfaces
 * elsewhere in the namespace do not change a kernel document's plan (plan/scope.test.ts).
 * @module
 */
import type { Iface } from '../../model/host/iface.js'
import type { Route } from '../../model/host/route.js'
import type { HostState } from '../../model/host/state.js'
import { withoutPortLists } from '../../model/host/relations.js'
import { scopeNeighbours } from '../../plan/scope.js'
import type { Runner } from '../../sys/exec.js'
import type { Target } from '../../model/target.js'
import { ipArgv } from './argv.js'
import { asArray, asObject, num, str, type JsonObject } from './json-read.js'
import { parseLink } from './query-link.js'
import { ROUTE_PROTOCOLS } from './query.js'
import { parseRoute } from './query-routes.js'
import type { IdResolver } from './query-sections.js'
import { linksToIfaces } from './query-state.js'
import { targetProblem } from './target-error.js'

const SCOPE_TIMEOUT_MS = 30_000

async function runJson(runner: Runner, target: Target, argv: string[]): Promise<readonly unknown[]> {
  const res = await runner.run(argv, { allowFailure: true, timeoutMs: SCOPE_TIMEOUT_MS })
  if (res.exitCode !== 0) {
    const problem = targetProblem(target, res.stderr)
    if (problem !== undefined) throw problem
    return [] // e.g. "Device does not exist": the interface is not there
  }
  const text = res.stdout.trim()
  return text === '' ? [] : asArray(JSON.parse(text) as unknown)
}

interface SysfsLinks {
  links: Map<string, { uppers: string[]; lowers: string[] }>
  /** Names find reported missing. */
  missing: Set<string>
  /** find failed in another way (e.g. `ip netns exec` could not mount sysfs): the links are not known. */
  failed: boolean
}

/** The `upper_*` and `lower_*` names of each link in sysfs, read inside the target. */
async function sysfsLinks(runner: Runner, target: Target, names: readonly string[]): Promise<SysfsLinks> {
  const out: SysfsLinks = { links: new Map(), missing: new Set(), failed: false }
  if (names.length === 0) return out
  const find = ['find', ...names.map((n) => `/sys/class/net/${n}/`), '-maxdepth', '1', '(', '-name', 'upper_*', '-o', '-name', 'lower_*', ')']
  const argv = target.kind === 'host' ? find : ['ip', 'netns', 'exec', target.name, ...find]
  const res = await runner.run(argv, { allowFailure: true, timeoutMs: SCOPE_TIMEOUT_MS })
  const problem = res.exitCode === 0 ? undefined : targetProblem(target, res.stderr)
  if (problem !== undefined) throw problem
  for (const line of res.stderr.split('\n')) {
    if (line.trim() === '') continue
    const m = /\/sys\/class\/net\/([^/]+)\/\W*: No such file or directory$/.exec(line.trim())
    if (m !== null && names.includes(m[1]!)) out.missing.add(m[1]!)
    else out.failed = true
  }
  if (res.exitCode !== 0 && out.missing.size === 0) out.failed = true
  for (const line of res.stdout.split('\n')) {
    const m = /^\/sys\/class\/net\/([^/]+)\/(upper|lower)_(.+)$/.exec(line.trim())
    if (m === null) continue
    const entry = out.links.get(m[1]!) ?? { uppers: [], lowers: [] }
    ;(m[2] === 'upper' ? entry.uppers : entry.lowers).push(m[3]!)
    out.links.set(m[1]!, entry)
  }
  return out
}

const RTPROT_BOOT = 3

/**
 * The family of a route of an unfiltered dump: IPv6 routes always carry a router preference (RTA_PREF), which
 * IPv4 routes never do (an IPv4 route may have an IPv6 gateway, so the gateway does not tell).
 */
function familyOf(r: JsonObject): 'ipv4' | 'ipv6' {
  return r['pref'] !== undefined || (str(r, 'dst') ?? '').includes(':') ? 'ipv6' : 'ipv4'
}

/** Managed routes through `dev` (as a whole query would report them), IPv4 then IPv6, each by protocol. */
async function routesThrough(runner: Runner, target: Target, dev: string): Promise<{ v4: Route[]; v6: Route[] }> {
  const raws = await runJson(runner, target, ipArgv(target, '-N', '-json', 'route', 'show', 'table', 'all', 'dev', dev))
  const out = { v4: [] as Route[], v6: [] as Route[] }
  for (const p of ROUTE_PROTOCOLS) {
    for (const raw of raws) {
      const r = asObject(raw)
      // ip leaves the protocol out when it is boot (3), the default of `ip route add`
      if (r === undefined || (num(r, 'protocol') ?? RTPROT_BOOT) !== p) continue
      const family = familyOf(r)
      // ip leaves `dev` out when it filters by device
      const route = parseRoute({ ...r, dev }, family)
      if (route !== undefined) (family === 'ipv4' ? out.v4 : out.v6).push(route)
    }
  }
  return out
}

export interface ScopeQueryOptions {
  maxInterfaces: number
}

export async function queryScopedState(
  runner: Runner,
  target: Target,
  seeds: readonly string[],
  ids: IdResolver,
  opts: ScopeQueryOptions,
): Promise<HostState | undefined> {
  const raw = new Map<string, unknown>()
  const parsed = new Map<string, Iface>()
  const full = new Set<string>()
  const shallow = new Set<string>()
  const routeReads: Array<Promise<{ v4: Route[]; v6: Route[] }>> = []
  let wantFull = new Set(seeds)
  let wantShallow = new Set<string>()
  while (wantFull.size > 0 || wantShallow.size > 0) {
    for (const n of wantFull) {
      full.add(n)
      shallow.delete(n)
      const r = routesThrough(runner, target, n)
      r.catch(() => undefined) // awaited below; an early return (scope too big) must not leave it unhandled
      routeReads.push(r)
    }
    for (const n of wantShallow) shallow.add(n)
    if (full.size + shallow.size > opts.maxInterfaces) return undefined
    const unread = [...wantFull, ...wantShallow].filter((n) => !raw.has(n))
    const [links, sysfs] = await Promise.all([
      Promise.all(unread.map((n) => runJson(runner, target, ipArgv(target, '-json', '-details', 'address', 'show', 'dev', n)))),
      sysfsLinks(runner, target, [...wantFull]),
    ])
    unread.forEach((n, k) => {
      const l = links[k]![0]
      raw.set(n, l)
      const i = l === undefined ? undefined : parseLink(l, ids)
      if (i !== undefined) parsed.set(n, i)
    })
    // sysfs unreadable, or not agreeing with ip about which links exist (one came or went): read everything
    if (sysfs.failed || [...wantFull].some((n) => sysfs.missing.has(n) === (raw.get(n) !== undefined))) return undefined
    const next: Array<[string, boolean]> = []
    for (const n of [...wantFull, ...wantShallow]) {
      const i = parsed.get(n)
      if (i === undefined) continue
      const asFull = wantFull.has(n)
      const rel = sysfs.links.get(n) ?? { uppers: [], lowers: [] }
      // lower links are ports (of a controller) or the base; upper links are children, or the controller
      const children = rel.uppers.filter((u) => u !== i.controller)
      next.push(...scopeNeighbours(i, asFull, asFull ? rel.lowers : [], asFull ? children : []))
    }
    wantFull = new Set(next.filter(([n, f]) => f && !full.has(n)).map(([n]) => n))
    wantShallow = new Set(next.filter(([n, f]) => !f && !full.has(n) && !shallow.has(n) && !wantFull.has(n)).map(([n]) => n))
  }
  const byIndex = [...raw.values()].filter((l) => l !== undefined).sort((a, b) => (num(asObject(a), 'ifindex') ?? 0) - (num(asObject(b), 'ifindex') ?? 0))
  const reads = await Promise.all(routeReads)
  const routes = [...reads.flatMap((r) => r.v4), ...reads.flatMap((r) => r.v6)]
  // a shallow member's ports are not all read: no controller-side list (as restrictState has it)
  const interfaces = linksToIfaces(byIndex, ids).map((i) => (full.has(i.name) ? i : withoutPortLists(i)))
  return { interfaces, routes }
}
