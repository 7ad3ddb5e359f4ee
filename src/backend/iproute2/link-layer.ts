/**
 * The typed link layer every caller above the backends uses for device plumbing (like Incus's one link layer for
 * all its drivers): runs {@link LinkOp}s as one `ip -batch` per call, and reads links, addresses and routes from
 * `ip -json`, answering typed values. Construct with `{ runner }` to record or fake the commands.
 * @module
 */
import { HostnetError } from '../../errors.js'
import { describeTarget, type Target } from '../../model/target.js'
import { parseIpAddr, type IpAddr, type IpCidr } from '../../model/values/ip.js'
import { systemRunner, type Runner } from '../../sys/exec.js'
import { ipArgv } from './argv.js'
import { parseBatchFailure } from './batch-failure.js'
import { asArray, asObject, bool, num, obj, str, type JsonObject } from './json-read.js'
import { renderLinkOps, type LinkOp } from './link-ops.js'
import { nameToken } from './render-tokens.js'
import { targetProblem } from './target-error.js'

export interface LinkBatchResult {
  ok: boolean
  stderr: string
  /** The index of the op behind the failing line, when known. */
  failedOp?: number
  /** What ip said about the failure (one line). */
  message?: string
}

/** A link as far as plumbing needs it. */
export interface LinkInfo {
  name: string
  /** The kernel's kind (`bridge`, `veth`, `macvtap`, `openvswitch`, ...); 'device' for a physical one. Only with details. */
  kind?: string
  mac?: string
  /** Administratively up. */
  up: boolean
  /** The bridge (or bond) it is enslaved to. */
  controller?: string
  /** A bridge port's hairpin flag (only with details). */
  hairpin?: boolean
  /** The link's alias (IFLA_IFALIAS), when it has one. */
  alias?: string
}

/** A kernel route of the target, as far as the subnet checks need it. */
export interface RouteEntry {
  /** The destination; 'default' for a default route. */
  destination: IpCidr | 'default'
  dev?: string
  gateway?: IpAddr
}

/** An interface's MAC and addresses (`ip -json address show dev NAME`). */
export interface LinkAddresses {
  mac?: string
  addresses: IpCidr[]
}

function parseList(stdout: string, what: string, target: Target): readonly unknown[] {
  if (stdout.trim() === '') return []
  try {
    return asArray(JSON.parse(stdout) as unknown)
  } catch (e) {
    throw new HostnetError('backend-failure', `cannot parse the output of ip ${what} for ${describeTarget(target)}`, { cause: e })
  }
}

function linkInfo(o: JsonObject, details: boolean): LinkInfo | undefined {
  const name = str(o, 'ifname')
  if (name === undefined) return undefined
  const info: LinkInfo = { name, up: asArray(o['flags']).includes('UP') }
  const linkinfo = obj(o, 'linkinfo')
  // with -details, virtual devices carry their kind; a physical one has none
  if (details) info.kind = str(linkinfo, 'info_kind') ?? 'device'
  const mac = str(o, 'address')
  if (mac !== undefined) info.mac = mac
  const controller = str(o, 'master')
  if (controller !== undefined) info.controller = controller
  const hairpin = bool(obj(linkinfo, 'info_slave_data'), 'hairpin')
  if (hairpin !== undefined) info.hairpin = hairpin
  const alias = str(o, 'ifalias')
  if (alias !== undefined) info.alias = alias
  return info
}

/** `ip -json route show` entries → route entries (entries without a readable destination are skipped). */
export function parseRouteEntries(list: readonly unknown[]): RouteEntry[] {
  const out: RouteEntry[] = []
  for (const raw of list) {
    const r = asObject(raw)
    const dst = str(r, 'dst')
    if (dst === undefined) continue
    const destination = dst === 'default' ? 'default' : routeDestination(dst)
    if (destination === undefined) continue
    const entry: RouteEntry = { destination }
    const dev = str(r, 'dev')
    if (dev !== undefined) entry.dev = dev
    const gw = str(r, 'gateway')
    const gateway = gw === undefined ? undefined : tryIp(gw)
    if (gateway !== undefined) entry.gateway = gateway
    out.push(entry)
  }
  return out
}

function tryIp(s: string): IpAddr | undefined {
  try {
    return parseIpAddr(s, 'route address')
  } catch {
    return undefined // not an address ip should print; such a route is not one a subnet check can use
  }
}

/** `10.0.0.0/24`, or a host route printed without its prefix (`10.0.0.5`). */
function routeDestination(dst: string): IpCidr | undefined {
  const slash = dst.indexOf('/')
  const addr = tryIp(slash < 0 ? dst : dst.slice(0, slash))
  if (addr === undefined) return undefined
  const prefix = slash < 0 ? (addr.family === 'ipv4' ? 32 : 128) : Number(dst.slice(slash + 1))
  return Number.isInteger(prefix) && prefix >= 0 && prefix <= (addr.family === 'ipv4' ? 32 : 128) ? { addr, prefix } : undefined
}

function cidrOf(a: JsonObject): IpCidr | undefined {
  const local = str(a, 'local')
  const prefix = num(a, 'prefixlen')
  const addr = local === undefined ? undefined : tryIp(local)
  return addr === undefined || prefix === undefined ? undefined : { addr, prefix }
}

export interface LinkLayerOptions {
  runner?: Runner
}

/** One entry of the neighbour table. */
export interface NeighborEntry {
  ip: string
  /** Lower-case colon form. */
  mac: string
  dev?: string
}

export class LinkLayer {
  readonly runner: Runner

  constructor(opts: LinkLayerOptions = {}) {
    this.runner = opts.runner ?? systemRunner
  }

  /**
   * Run `ops` in ONE `ip -batch` in the target. Without `force`, ip stops at the first failing line and the
   * result names the op behind it; with `force` it goes on and the result only says whether all worked.
   * A missing target namespace is a 'not-found' error.
   */
  async batch(target: Target, ops: readonly LinkOp[], opts: { force?: boolean } = {}): Promise<LinkBatchResult> {
    const { lines, opOfLine } = renderLinkOps(ops)
    if (lines.length === 0) return { ok: true, stderr: '' }
    const argv = ipArgv(target, ...(opts.force === true ? ['-force'] : []), '-batch', '-')
    const res = await this.runner.run(argv, { input: `${lines.join('\n')}\n`, allowFailure: true })
    if (res.exitCode === 0) return { ok: true, stderr: res.stderr }
    const problem = targetProblem(target, res.stderr)
    if (problem !== undefined) throw problem
    const failure = parseBatchFailure(res.stderr, lines)
    const failedOp = failure.lineIndex === undefined ? undefined : opOfLine[failure.lineIndex]
    return { ok: false, stderr: res.stderr, message: failure.message, ...(failedOp === undefined ? {} : { failedOp }) }
  }

  /** Run `ops` in one batch; any failure is a 'backend-failure' error saying `what` could not be done. */
  async apply(target: Target, ops: readonly LinkOp[], what: string): Promise<void> {
    const res = await this.batch(target, ops)
    if (!res.ok) {
      throw new HostnetError('backend-failure', `cannot ${what} in ${describeTarget(target)}: ${res.message ?? res.stderr.trim()}`, {
        details: { stderr: res.stderr },
      })
    }
  }

  private async read(target: Target, args: string[], what: string): Promise<readonly unknown[]> {
    const res = await this.runner.run(ipArgv(target, '-json', ...args), { allowFailure: true })
    if (res.exitCode !== 0) {
      throw targetProblem(target, res.stderr) ?? new HostnetError('backend-failure', `cannot read ${what} of ${describeTarget(target)}: ${res.stderr.trim()}`)
    }
    return parseList(res.stdout, args.join(' '), target)
  }

  /** The names of the target's links. */
  async names(target: Target): Promise<Set<string>> {
    const out = new Set<string>()
    for (const l of await this.read(target, ['link', 'show'], 'the devices')) {
      const name = str(asObject(l), 'ifname')
      if (name !== undefined) out.add(name)
    }
    return out
  }

  /** Every link of the target; with `details`, their kinds and bridge-port flags too. */
  async links(target: Target, opts: { details?: boolean } = {}): Promise<LinkInfo[]> {
    const list = await this.read(target, [...(opts.details === true ? ['-details'] : []), 'link', 'show'], 'the devices')
    return list.flatMap((l) => {
      const o = asObject(l)
      const info = o === undefined ? undefined : linkInfo(o, opts.details === true)
      return info === undefined ? [] : [info]
    })
  }

  /** One link (with its kind: `-details`), or undefined when it does not exist. */
  async link(target: Target, name: string): Promise<LinkInfo | undefined> {
    const dev = nameToken(name)
    const res = await this.runner.run(ipArgv(target, '-json', '-details', 'link', 'show', 'dev', dev), { allowFailure: true })
    if (res.exitCode !== 0) {
      const problem = targetProblem(target, res.stderr)
      if (problem !== undefined) throw problem
      if (/does not exist|Cannot find device/.test(res.stderr)) return undefined
      throw new HostnetError('backend-failure', `cannot read device '${name}' of ${describeTarget(target)}: ${res.stderr.trim()}`)
    }
    const o = asObject(parseList(res.stdout, 'link show', target)[0])
    return o === undefined ? undefined : linkInfo(o, true)
  }

  /** An interface's MAC and addresses, or undefined when it does not exist. */
  async addresses(target: Target, name: string): Promise<LinkAddresses | undefined> {
    const dev = nameToken(name)
    const res = await this.runner.run(ipArgv(target, '-json', 'address', 'show', 'dev', dev), { allowFailure: true })
    if (res.exitCode !== 0) {
      const problem = targetProblem(target, res.stderr)
      if (problem !== undefined) throw problem
      if (/does not exist|Cannot find device/.test(res.stderr)) return undefined
      throw new HostnetError('backend-failure', `cannot read the addresses of '${name}' in ${describeTarget(target)}: ${res.stderr.trim()}`)
    }
    const o = asObject(parseList(res.stdout, 'address show', target)[0])
    if (o === undefined) return undefined
    const out: LinkAddresses = { addresses: asArray(o['addr_info']).flatMap((a) => {
      const c = asObject(a) === undefined ? undefined : cidrOf(asObject(a)!)
      return c === undefined ? [] : [c]
    }) }
    const mac = str(o, 'address')
    if (mac !== undefined) out.mac = mac
    return out
  }

  /**
   * The neighbour (ARP/NDP) table: IP address, MAC and device of each entry that has a link-layer address
   * (incomplete and failed entries have none and are left out).
   */
  async neighbors(target: Target): Promise<NeighborEntry[]> {
    const out: NeighborEntry[] = []
    for (const n of await this.read(target, ['neigh', 'show'], 'the neighbour table')) {
      const o = asObject(n)
      const ip = o === undefined ? undefined : str(o, 'dst')
      const mac = o === undefined ? undefined : str(o, 'lladdr')
      const dev = o === undefined ? undefined : str(o, 'dev')
      if (ip !== undefined && mac !== undefined) out.push({ ip, mac: mac.toLowerCase(), ...(dev === undefined ? {} : { dev }) })
    }
    return out
  }

  /** The main table's routes of the families asked for (one `ip` per family, in parallel). */
  async routes(target: Target, families: { v4: boolean; v6: boolean }): Promise<RouteEntry[]> {
    const dump = async (fam: string[]): Promise<RouteEntry[]> => parseRouteEntries(await this.read(target, [...fam, 'route', 'show', 'table', 'main'], 'the routes'))
    const parts = await Promise.all([families.v4 ? dump([]) : [], families.v6 ? dump(['-6']) : []])
    return parts.flat()
  }
}
