/**
 * Query: the whole state of a target in one `ip -json -details address show` (links, their kind data and
 * addresses), plus, unless routes are not wanted, ONE more `ip -batch` process run in parallel with it that
 * dumps the routes of the protocols hostnet reports, filtered in the kernel. A full route dump is avoided on
 * purpose: with a thousand up links the IPv6 table holds several routes per link (fe80::/64, local, multicast),
 * and dumping and printing those costs more than the whole link dump.
 * @module
 */
import { CommandError, HostnetError } from '../../errors.js'
import type { Route } from '../../model/host/route.js'
import type { HostState } from '../../model/host/state.js'
import type { Runner } from '../../sys/exec.js'
import { type QueryOptions } from '../backend.js'
import { describeTarget, type Target } from '../../model/target.js'
import { ipArgv } from './argv.js'
import { nameToken } from './render-tokens.js'
import { fileIdResolver } from './ids.js'
import type { IdResolver } from './query-sections.js'
import { parseRoutes } from './query-routes.js'
import { parseRules, RULES_LINE } from './query-rules.js'
import { addPortLists, buildHostState, linksToIfaces } from './query-state.js'
import { isStreamingRunner } from './launcher.js'
import { LinkStream } from './link-stream.js'
import type { Iface } from '../../model/host/iface.js'
import { KERNEL_CONTROLLER_TYPES, typeDescriptor } from '../../model/host/types/index.js'
import { targetProblem } from './target-error.js'

export const QUERY_TIMEOUT_MS = 60_000

async function readText(runner: Runner, target: Target, args: string[], input?: string): Promise<string> {
  try {
    const opts = { timeoutMs: QUERY_TIMEOUT_MS, ...(input === undefined ? {} : { input }) }
    return (await runner.run(ipArgv(target, ...args), opts)).stdout
  } catch (e) {
    if (e instanceof CommandError) throw targetProblem(target, e.stderr) ?? e
    throw e
  }
}

function parseJson(text: string, what: string, target: Target): unknown {
  if (text.trim() === '') return []
  try {
    return JSON.parse(text) as unknown
  } catch (e) {
    throw new HostnetError('backend-failure', `cannot parse the output of ip ${what} for ${describeTarget(target)}`, { cause: e })
  }
}

export const LINKS_ARGS = ['-json', '-details', 'address', 'show']
export const ROUTES_ARGS = ['-N', '-json', '-batch', '-']

/**
 * Route protocols read (numbers, as in rtnetlink.h): boot (`ip route add` without proto), static (hostnet's own)
 * and ra (router advertisements). Kernel-generated routes, a DHCP client's (proto dhcp: the lease's, as its dynamic
 * addresses are) and those of routing daemons (zebra, bird, bgp, keepalived, ...) are not read. Each IPv6 dump walks the whole IPv6 table in the kernel (~7 ms with 2,000 up
 * links), so the list is kept short.
 */
export const ROUTE_PROTOCOLS: readonly number[] = [3, 4, 9]

/** One dump per (protocol, family): IPv4 lines at even, IPv6 lines at odd positions. */
export const ROUTES_BATCH: string = ROUTE_PROTOCOLS.flatMap((p) => [
  `route show table all proto ${p} root 0.0.0.0/0`,
  `route show table all proto ${p} root ::/0`,
])
  .map((l) => `${l}\n`)
  .join('')

const ROUTE_DUMPS = ROUTE_PROTOCOLS.length * 2

/** The route dumps, then the IPv4 policy rules (one more JSON array): what a whole-state query reads in one ip. */
export const ROUTES_AND_RULES_BATCH = `${ROUTES_BATCH}${RULES_LINE}\n`

/** The batch prints one JSON array per line; split them back into the IPv4 and IPv6 lists. */
function splitRouteDumps(text: string, target: Target): { routes4: unknown[]; routes6: unknown[] } {
  const routes4: unknown[] = []
  const routes6: unknown[] = []
  text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .forEach((l, i) => {
      const list = parseJson(l, 'route show', target)
      if (Array.isArray(list)) (i % 2 === 0 ? routes4 : routes6).push(...(list as unknown[]))
    })
  return { routes4, routes6 }
}

/** Run `lines` in one `ip -json -details -force -batch -`; every line that worked printed one JSON array. */
async function batchLinks(runner: Runner, target: Target, lines: readonly string[]): Promise<unknown[]> {
  if (lines.length === 0) return []
  const input = `${lines.join('\n')}\n`
  const argv = ipArgv(target, '-json', '-details', '-force', '-batch', '-')
  const res = await runner.run(argv, { input, allowFailure: true, timeoutMs: QUERY_TIMEOUT_MS })
  const problem = res.exitCode === 0 ? undefined : targetProblem(target, res.stderr)
  if (problem !== undefined) throw problem
  const out: unknown[] = []
  for (const line of res.stdout.split('\n')) {
    const list = line.trim() === '' ? [] : parseJson(line, 'link show', target)
    if (Array.isArray(list)) out.push(...(list as unknown[]))
  }
  return out
}

/** Kernel kinds of links that can have ports: kernel controllers (from the type descriptors) and OVS's datapath devices. */
const CONTROLLER_KINDS: ReadonlySet<string> = new Set([...[...KERNEL_CONTROLLER_TYPES].map((t) => typeDescriptor(t).kernelKind!), 'openvswitch'])

function kindOf(raw: unknown): string | undefined {
  return (raw as { linkinfo?: { info_kind?: string } } | null)?.linkinfo?.info_kind
}

/** Up to this many names, a named read runs one kernel-filtered command per name (in parallel) instead of a batch. */
export const NAMED_SINGLE_MAX = 4

/** `ip -json -details ARGS` as a command of its own (ip asks the kernel to filter; a batch line does not). */
async function singleLinks(runner: Runner, target: Target, args: string[]): Promise<unknown[]> {
  const res = await runner.run(ipArgv(target, '-json', '-details', ...args), { allowFailure: true, timeoutMs: QUERY_TIMEOUT_MS })
  if (res.exitCode !== 0) {
    const problem = targetProblem(target, res.stderr)
    if (problem !== undefined) throw problem
    return [] // the link does not exist
  }
  const list = res.stdout.trim() === '' ? [] : parseJson(res.stdout, args.join(' '), target)
  return Array.isArray(list) ? (list as unknown[]) : []
}

/**
 * A partial state: `address show dev NAME` for every name (a missing link fails its line, which -force skips),
 * then `link show master NAME` for the controllers among them, so that their port lists are complete (a
 * second run: ip gives up on the whole batch at `master` of a missing link). A link read twice keeps the entry
 * with addresses. For a few names, one command per name and controller instead of the two batches: a batch
 * line makes the kernel dump every address of the namespace.
 */
export async function queryNamedInterfaces(
  runner: Runner,
  target: Target,
  names: readonly string[],
  ids: IdResolver,
): Promise<HostState> {
  const unique = [...new Set(names)]
  const single = unique.length <= NAMED_SINGLE_MAX
  const named = single
    ? (await Promise.all(unique.map((n) => singleLinks(runner, target, ['address', 'show', 'dev', n])))).flat()
    : await batchLinks(runner, target, unique.map((n) => `address show dev ${nameToken(n)}`))
  const controllers = named.filter((l) => CONTROLLER_KINDS.has(kindOf(l) ?? '')).map((l) => (l as { ifname: string }).ifname)
  const ports = single
    ? (await Promise.all(controllers.map((n) => singleLinks(runner, target, ['link', 'show', 'master', n])))).flat()
    : await batchLinks(runner, target, controllers.map((n) => `link show master ${nameToken(n)}`))
  const byIndex = new Map<unknown, unknown>()
  for (const raw of [...named, ...ports]) {
    const key = (raw as { ifindex?: unknown } | null)?.ifindex
    if (!byIndex.has(key)) byIndex.set(key, raw)
  }
  return buildHostState({ links: [...byIndex.values()] }, ids)
}

/** The routes alone (the second half of a query). */
export async function queryRoutes(runner: Runner, target: Target): Promise<Route[]> {
  const { routes4, routes6 } = splitRouteDumps(await readText(runner, target, ROUTES_ARGS, ROUTES_BATCH), target)
  return [...parseRoutes(routes4, 'ipv4'), ...parseRoutes(routes6, 'ipv6')]
}

/** The interfaces of a target: parsed while ip prints them when the runner can stream (see link-stream.ts). */
async function readIfaces(runner: Runner, target: Target, ids: IdResolver): Promise<Iface[]> {
  if (!isStreamingRunner(runner)) return linksToIfaces(parseJson(await readText(runner, target, LINKS_ARGS), 'address show', target), ids)
  const stream = new LinkStream(ids)
  try {
    await runner.runStreaming(ipArgv(target, ...LINKS_ARGS), { timeoutMs: QUERY_TIMEOUT_MS }, (t) => stream.push(t))
  } catch (e) {
    if (e instanceof CommandError) throw targetProblem(target, e.stderr) ?? e
    throw e
  }
  const done = stream.finish((text) => parseJson(text, 'address show', target))
  if ('links' in done) return linksToIfaces(done.links, ids)
  addPortLists(done.ifaces)
  return done.ifaces
}

export async function queryHostState(
  runner: Runner,
  target: Target,
  opts: QueryOptions = {},
  ids: IdResolver = fileIdResolver(),
): Promise<HostState> {
  if (opts.routes === false) return { interfaces: await readIfaces(runner, target, ids), routes: [] }
  const [interfaces, text] = await Promise.all([readIfaces(runner, target, ids), readText(runner, target, ROUTES_ARGS, ROUTES_AND_RULES_BATCH)])
  const lines = text.split('\n').filter((l) => l.trim() !== '')
  const { routes4, routes6 } = splitRouteDumps(lines.slice(0, ROUTE_DUMPS).join('\n'), target)
  const rules = lines.length > ROUTE_DUMPS ? parseRules(parseJson(lines[ROUTE_DUMPS] ?? '', 'rule show', target)) : []
  return { interfaces, routes: [...parseRoutes(routes4, 'ipv4'), ...parseRoutes(routes6, 'ipv6')], routeRules: rules }
}
