/**
 * The network driver's bridge work through iproute2. Creation goes through the kernel backend's HostOps (one
 * `ip -batch`: bridge, addresses, up, routes). Destruction is split like ecosystem.md recommends: retiring a
 * bridge (down, addresses flushed, renamed to a `hngc…` tombstone) takes ~3 ms and frees its name and subnet at
 * once; the slow kernel deletion (tens of ms per device) happens later, in bulk, in `deleteTombstones`.
 * @module
 */
import { randomBytes } from 'node:crypto'
import { CommandError, HostnetError } from '../../errors.js'
import { type HostBackend } from '../../backend/backend.js'
import { describeTarget, type Target } from '../../model/target.js'
import { ipArgv } from '../../backend/iproute2/argv.js'
import { targetProblem } from '../../backend/iproute2/target-error.js'
import { parseBatchFailure } from '../../backend/iproute2/batch-failure.js'
import { renderBatch } from '../../backend/iproute2/render.js'
import type { HostOp } from '../../plan/ops.js'
import { systemRunner, type Runner } from '../../sys/exec.js'
import { netnsExists } from '../../sys/netns.js'
import type { BridgeSpec, LinkService, RouteEntry } from './services.js'

/** Prefix of retired bridges waiting for deletion (`hngc` + 10 hex digits: 14 bytes). */
export const TOMBSTONE_PREFIX = 'hngc'

export function tombstoneName(random: (n: number) => Uint8Array = randomBytes): string {
  return `${TOMBSTONE_PREFIX}${Buffer.from(random(5)).toString('hex')}`
}

export function isTombstone(name: string): boolean {
  return name.startsWith(TOMBSTONE_PREFIX) && /^[0-9a-f]{10}$/.test(name.slice(TOMBSTONE_PREFIX.length))
}

/** The HostOps that create a network's bridge (created down, then addresses, up, routes). */
export function bridgeOps(spec: BridgeSpec): HostOp[] {
  const ops: HostOp[] = [
    {
      kind: 'link.create',
      iface: {
        name: spec.name,
        type: 'linux-bridge',
        ...(spec.mtu === undefined ? {} : { mtu: spec.mtu }),
        ...(spec.mac === undefined ? {} : { mac: spec.mac }),
        bridge: { options: { stp: spec.stp, forwardDelaySec: spec.delaySec } },
      },
    },
  ]
  for (const a of spec.addresses) {
    const slash = a.lastIndexOf('/')
    ops.push({ kind: 'addr.add', name: spec.name, address: { ip: a.slice(0, slash), prefixLength: Number(a.slice(slash + 1)) } })
  }
  ops.push({ kind: 'link.set-state', name: spec.name, state: 'up' })
  for (const r of spec.routes) {
    const metric = r.metric === undefined ? {} : { metric: r.metric }
    ops.push({ kind: 'route.add', route: { destination: r.destination, nextHopAddress: r.gateway, nextHopInterface: spec.name, ...metric } })
  }
  return ops
}

/**
 * The `ip -batch` lines creating the bridge: the kernel backend's rendering of {@link bridgeOps}, with IPv6
 * addresses added `nodad` (a bridge without ports has no carrier, so duplicate address detection would keep
 * them tentative and dnsmasq could not bind to them; the bridge's addresses are the network's own).
 */
export function bridgeBatch(spec: BridgeSpec): string[] {
  const ops = bridgeOps(spec)
  const { lines, opOfLine } = renderBatch(ops)
  const out = lines.map((l, i) => {
    const op = ops[opOfLine[i]!]
    return op?.kind === 'addr.add' && op.address.ip.includes(':') ? `${l} nodad` : l
  })
  // no IPv6 on the network: no link-local address either (IPv6 is switched off on the bridge right after; an
  // address made and removed again would wake every dnsmasq of the target, which re-scan on address events)
  if (!spec.addresses.some((a) => a.includes(':'))) out.splice(1, 0, `link set dev ${spec.name} addrgenmode none`)
  return out
}

/** `ip -json route show` output → route entries (routes without a destination string are skipped). */
export function routeEntries(stdout: string): RouteEntry[] {
  const parsed: unknown = JSON.parse(stdout.trim() === '' ? '[]' : stdout)
  const out: RouteEntry[] = []
  for (const r of Array.isArray(parsed) ? (parsed as Array<Record<string, unknown>>) : []) {
    if (typeof r['dst'] !== 'string') continue
    out.push({
      destination: r['dst'],
      ...(typeof r['dev'] === 'string' ? { dev: r['dev'] } : {}),
      ...(typeof r['gateway'] === 'string' ? { gateway: r['gateway'] } : {}),
    })
  }
  return out
}

interface LinkJson {
  ifname?: unknown
  linkinfo?: { info_kind?: unknown }
}

export class IprouteLinkService implements LinkService {
  private readonly runner: Runner

  constructor(
    private readonly backend: HostBackend,
    opts: { runner?: Runner } = {},
  ) {
    this.runner = opts.runner ?? systemRunner
  }

  async createBridge(target: Target, spec: BridgeSpec, opts: { routesV4?: boolean } = {}): Promise<RouteEntry[]> {
    const bridgeLines = bridgeBatch(spec)
    // the route dump, when asked for, is the batch's first line: it runs before the bridge exists
    const offset = opts.routesV4 === true ? 1 : 0
    const lines = opts.routesV4 === true ? ['route show table main', ...bridgeLines] : bridgeLines
    const argv = opts.routesV4 === true ? ipArgv(target, '-json', '-batch', '-') : ipArgv(target, '-batch', '-')
    const res = await this.runner.run(argv, { input: `${lines.join('\n')}\n`, allowFailure: true })
    if (res.exitCode === 0) return opts.routesV4 === true ? routeEntries(res.stdout) : []
    const problem = targetProblem(target, res.stderr)
    if (problem !== undefined) throw problem
    const failure = parseBatchFailure(res.stderr, lines)
    const cause = new CommandError(argv, res.exitCode, res.stderr)
    if (failure.lineIndex !== undefined && failure.lineIndex < offset) {
      throw new HostnetError('backend-failure', `cannot read the routes of ${describeTarget(target)}: ${failure.message}`, { cause })
    }
    if (failure.lineIndex === offset && /File exists/.test(failure.message)) {
      throw new HostnetError('conflict', `bridge name '${spec.name}' is already in use by a network device in ${describeTarget(target)}`, {
        cause,
        details: { path: '/network/bridge/@name', value: spec.name },
      })
    }
    // ip stopped at the failing line: the bridge exists when its first line went through
    if (failure.lineIndex !== offset) await this.retireBridge(target, spec.name).then((t) => (t === undefined ? 0 : this.deleteTombstones(target)))
    const line = failure.lineIndex === undefined ? '' : ` (${lines[failure.lineIndex]})`
    throw new HostnetError('backend-failure', `cannot create bridge '${spec.name}' in ${describeTarget(target)}${line}: ${failure.message}`, { cause })
  }

  async retireBridge(target: Target, name: string): Promise<string | undefined> {
    const tomb = tombstoneName()
    const lines = [`link set dev ${name} down`, `address flush dev ${name}`, `link set dev ${name} name ${tomb}`]
    const res = await this.runner.run(ipArgv(target, '-batch', '-'), { input: `${lines.join('\n')}\n`, allowFailure: true })
    if (res.exitCode === 0) return tomb
    const problem = targetProblem(target, res.stderr)
    if (problem !== undefined) throw problem
    if (/Cannot find device/.test(res.stderr)) return undefined
    throw new HostnetError('backend-failure', `cannot take bridge '${name}' down in ${describeTarget(target)}: ${res.stderr.trim()}`)
  }

  async deleteTombstones(target: Target): Promise<number> {
    if (!this.targetExists(target)) return 0
    const names = [...(await this.linkNames(target))].filter(isTombstone).sort()
    if (names.length === 0) return 0
    await this.backend.apply(target, [{ kind: 'link.delete', names }])
    return names.length
  }

  async linkNames(target: Target): Promise<Set<string>> {
    const res = await this.runner.run(ipArgv(target, '-json', 'link', 'show'), { allowFailure: true })
    if (res.exitCode !== 0) throw targetProblem(target, res.stderr) ?? new HostnetError('backend-failure', `cannot list the devices of ${describeTarget(target)}: ${res.stderr.trim()}`)
    const parsed: unknown = JSON.parse(res.stdout || '[]')
    const out = new Set<string>()
    for (const l of Array.isArray(parsed) ? (parsed as LinkJson[]) : []) if (typeof l.ifname === 'string') out.add(l.ifname)
    return out
  }

  async linkKind(target: Target, name: string): Promise<string | undefined> {
    const res = await this.runner.run(ipArgv(target, '-json', '-details', 'link', 'show', 'dev', name), { allowFailure: true })
    if (res.exitCode !== 0) {
      const problem = targetProblem(target, res.stderr)
      if (problem !== undefined) throw problem
      if (/does not exist|Cannot find device/.test(res.stderr)) return undefined
      throw new HostnetError('backend-failure', `cannot read device '${name}' of ${describeTarget(target)}: ${res.stderr.trim()}`)
    }
    const parsed: unknown = JSON.parse(res.stdout || '[]')
    const link = Array.isArray(parsed) ? (parsed[0] as LinkJson | undefined) : undefined
    const kind = link?.linkinfo?.info_kind
    return typeof kind === 'string' ? kind : 'device'
  }

  async routes(target: Target, families: { v4: boolean; v6: boolean }): Promise<RouteEntry[]> {
    const dump = async (fam: string[]): Promise<RouteEntry[]> => {
      const res = await this.runner.run(ipArgv(target, '-json', ...fam, 'route', 'show', 'table', 'main'), { allowFailure: true })
      if (res.exitCode !== 0) throw targetProblem(target, res.stderr) ?? new HostnetError('backend-failure', `cannot read the routes of ${describeTarget(target)}: ${res.stderr.trim()}`)
      return routeEntries(res.stdout)
    }
    const parts = await Promise.all([families.v4 ? dump([]) : [], families.v6 ? dump(['-6']) : []])
    return parts.flat()
  }

  targetExists(target: Target): boolean {
    return target.kind === 'host' || netnsExists(target.name)
  }
}
