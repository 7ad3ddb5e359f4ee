/**
 * A virtual network's bridge: created with its addresses, up state and routes in ONE `ip -batch` (optionally
 * preceded, in the same process, by a dump of the main table's IPv4 routes, which then runs before the bridge
 * exists), and retired (down, addresses flushed, renamed) in one more. Addresses and routes arrive typed.
 * @module
 */
import { CommandError, HostnetError } from '../../errors.js'
import { describeTarget, type Target } from '../../model/target.js'
import { formatCidr, formatIp, type IpAddr, type IpCidr } from '../../model/values/ip.js'
import type { HostOp } from '../../plan/ops.js'
import { ipArgv } from './argv.js'
import { parseBatchFailure } from './batch-failure.js'
import type { LinkLayer, RouteEntry } from './link-layer.js'
import { parseRouteEntries } from './link-layer.js'
import { renderLinkOp } from './link-ops.js'
import { renderOp } from './render.js'
import { asArray } from './json-read.js'
import { targetProblem } from './target-error.js'

/** A bridge to create, with everything one `ip -batch` sets up. */
export interface BridgeSpec {
  name: string
  mac?: string
  mtu?: number
  stp: boolean
  delaySec: number
  addresses: IpCidr[]
  routes: Array<{ destination: IpCidr; gateway: IpAddr; metric?: number }>
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
  for (const a of spec.addresses) ops.push({ kind: 'addr.add', name: spec.name, address: { ip: formatIp(a.addr), prefixLength: a.prefix } })
  ops.push({ kind: 'link.set-state', name: spec.name, state: 'up' })
  for (const r of spec.routes) {
    const metric = r.metric === undefined ? {} : { metric: r.metric }
    ops.push({ kind: 'route.add', route: { destination: formatCidr(r.destination), nextHopAddress: formatIp(r.gateway), nextHopInterface: spec.name, ...metric } })
  }
  return ops
}

/**
 * The `ip -batch` lines creating the bridge: the kernel backend's rendering of {@link bridgeOps}, with IPv6
 * addresses added `nodad` (a bridge without ports has no carrier, so duplicate address detection would keep
 * them tentative and dnsmasq could not bind to them; the bridge's addresses are the network's own).
 */
export function bridgeBatch(spec: BridgeSpec): string[] {
  const out: string[] = []
  for (const op of bridgeOps(spec)) {
    const lines = renderOp(op)
    out.push(...(op.kind === 'addr.add' && op.address.ip.includes(':') ? lines.map((l) => `${l} nodad`) : lines))
  }
  // no IPv6 on the network: no link-local address either (IPv6 is switched off on the bridge right after; an
  // address made and removed again would wake every dnsmasq of the target, which re-scan on address events)
  if (!spec.addresses.some((a) => a.addr.family === 'ipv6')) out.splice(1, 0, ...renderLinkOp({ kind: 'link.set', name: spec.name, noIpv6LinkLocal: true }))
  return out
}

/** What a failed bridge creation left: the error to report, and whether the bridge itself was made. */
export type BridgeCreateResult = { ok: true; routes: RouteEntry[] } | { ok: false; error: HostnetError; bridgeMade: boolean }

/**
 * Create the bridge (one `ip -batch`; with `routesV4` its first line dumps the main table's IPv4 routes, which are
 * returned). A name taken by another device is a 'conflict'; on any failure the result says whether the bridge
 * exists (ip stops at the failing line: the bridge exists once its first line went through), so the caller can
 * take it away.
 */
export async function createNetworkBridge(links: LinkLayer, target: Target, spec: BridgeSpec, opts: { routesV4?: boolean } = {}): Promise<BridgeCreateResult> {
  const bridgeLines = bridgeBatch(spec)
  const offset = opts.routesV4 === true ? 1 : 0
  const lines = opts.routesV4 === true ? ['route show table main', ...bridgeLines] : bridgeLines
  const argv = opts.routesV4 === true ? ipArgv(target, '-json', '-batch', '-') : ipArgv(target, '-batch', '-')
  const res = await links.runner.run(argv, { input: `${lines.join('\n')}\n`, allowFailure: true })
  if (res.exitCode === 0) {
    return { ok: true, routes: opts.routesV4 === true ? parseRouteEntries(asArray(JSON.parse(res.stdout.trim() === '' ? '[]' : res.stdout) as unknown)) : [] }
  }
  const problem = targetProblem(target, res.stderr)
  if (problem !== undefined) throw problem
  const failure = parseBatchFailure(res.stderr, lines)
  const cause = new CommandError(argv, res.exitCode, res.stderr)
  if (failure.lineIndex !== undefined && failure.lineIndex < offset) {
    throw new HostnetError('backend-failure', `cannot read the routes of ${describeTarget(target)}: ${failure.message}`, { cause })
  }
  if (failure.lineIndex === offset && /File exists/.test(failure.message)) {
    const error = new HostnetError('conflict', `bridge name '${spec.name}' is already in use by a network device in ${describeTarget(target)}`, {
      cause,
      details: { path: '/network/bridge/@name', value: spec.name },
    })
    return { ok: false, error, bridgeMade: false }
  }
  const line = failure.lineIndex === undefined ? '' : ` (${lines[failure.lineIndex]})`
  const error = new HostnetError('backend-failure', `cannot create bridge '${spec.name}' in ${describeTarget(target)}${line}: ${failure.message}`, { cause })
  return { ok: false, error, bridgeMade: failure.lineIndex !== offset }
}

/**
 * Take a link out of service at once: down, addresses flushed, marked with `alias` and renamed to `newName` (one
 * `ip -batch`). Returns false when it does not exist.
 */
export async function retireLink(links: LinkLayer, target: Target, name: string, newName: string, alias: string): Promise<boolean> {
  const res = await links.batch(target, [
    { kind: 'link.set', name, state: 'down' },
    { kind: 'addr.flush', dev: name },
    { kind: 'link.set', name, alias, rename: newName },
  ])
  if (res.ok) return true
  if (/Cannot find device/.test(res.stderr)) return false
  throw new HostnetError('backend-failure', `cannot take bridge '${name}' down in ${describeTarget(target)}: ${res.stderr.trim()}`)
}
