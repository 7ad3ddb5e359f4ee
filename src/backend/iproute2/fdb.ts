/**
 * Head-end replication of VXLANs: the all-zero-MAC FDB entries (`bridge fdb append 00:00:00:00:00:00 dev X dst
 * IP`) that copy broadcast, unknown-unicast and multicast frames to each remote. Written with ONE `bridge -batch`
 * per apply, read back with `bridge -json fdb show dev X` per VXLAN (one dump of the namespace's FDB for many).
 * @module
 */
import { CommandError, HostnetError } from '../../errors.js'
import type { Iface } from '../../model/host/iface.js'
import type { HostState } from '../../model/host/state.js'
import { describeTarget, type Target } from '../../model/target.js'
import { formatIp, parseIpAddr } from '../../model/values/ip.js'
import type { HostOp } from '../../plan/ops.js'
import type { Runner } from '../../sys/exec.js'
import { parseBatchFailure } from './batch-failure.js'
import { asArray, asObject, str } from './json-read.js'
import { nameToken } from './render-tokens.js'
import { targetProblem } from './target-error.js'

export const ZERO_MAC = '00:00:00:00:00:00'
/** Up to this many VXLANs, one `fdb show dev X` each (in parallel); more: one dump of the whole FDB. */
const PER_DEVICE_MAX = 4

type RemotesOp = Extract<HostOp, { kind: 'vxlan.set-remotes' }>

/** The `bridge` command line for a target. */
export function bridgeArgv(target: Target, ...args: string[]): string[] {
  return target.kind === 'host' ? ['bridge', ...args] : ['bridge', '-n', target.name, ...args]
}

function ipText(ip: string, what: string): string {
  return formatIp(parseIpAddr(ip, what))
}

/** `bridge -batch` lines of one op: deletions first. */
export function renderRemotes(op: RemotesOp): string[] {
  const dev = nameToken(op.name)
  return [
    ...op.del.map((ip) => `fdb del ${ZERO_MAC} dev ${dev} dst ${ipText(ip, `remote of vxlan '${op.name}'`)}`),
    ...op.add.map((ip) => `fdb append ${ZERO_MAC} dev ${dev} dst ${ipText(ip, `remote of vxlan '${op.name}'`)}`),
  ]
}

export interface RemotesFailure {
  /** Index (into `ops`) of the op whose line failed, when known. */
  opIndex?: number
  message: string
  cause: CommandError
}

/** Run the ops in one `bridge -batch -`; undefined when all worked. */
export async function applyRemotes(runner: Runner, target: Target, ops: readonly RemotesOp[], timeoutMs: number): Promise<RemotesFailure | undefined> {
  const lines: string[] = []
  const opOfLine: number[] = []
  ops.forEach((op, i) => {
    for (const l of renderRemotes(op)) {
      lines.push(l)
      opOfLine.push(i)
    }
  })
  if (lines.length === 0) return undefined
  const argv = bridgeArgv(target, '-batch', '-')
  const res = await runner.run(argv, { input: `${lines.join('\n')}\n`, allowFailure: true, timeoutMs })
  if (res.exitCode === 0) return undefined
  const problem = targetProblem(target, res.stderr)
  if (problem !== undefined) throw problem
  const failure = parseBatchFailure(res.stderr, lines)
  const opIndex = failure.lineIndex === undefined ? undefined : opOfLine[failure.lineIndex]
  return { ...(opIndex === undefined ? {} : { opIndex }), message: failure.message, cause: new CommandError(argv, res.exitCode, res.stderr) }
}

/** name → sorted remotes of the all-zero entries in a `bridge -json fdb show` listing. */
export function parseRemotes(list: readonly unknown[], names: ReadonlySet<string>): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const n of names) out.set(n, [])
  for (const raw of list) {
    const e = asObject(raw)
    const dev = str(e, 'ifname')
    const dst = str(e, 'dst')
    if (dev === undefined || dst === undefined || str(e, 'mac') !== ZERO_MAC) continue
    const remotes = out.get(dev)
    if (remotes === undefined) continue
    try {
      remotes.push(formatIp(parseIpAddr(dst, 'fdb destination')))
    } catch {
      continue // not a unicast IP destination (an interface-only entry): not head-end replication
    }
  }
  for (const [n, l] of out) out.set(n, [...new Set(l)].sort())
  return out
}

async function fdbShow(runner: Runner, target: Target, args: string[]): Promise<unknown[]> {
  const argv = bridgeArgv(target, '-json', 'fdb', 'show', ...args)
  let stdout: string
  try {
    stdout = (await runner.run(argv, { timeoutMs: 60_000 })).stdout
  } catch (e) {
    if (e instanceof CommandError) throw targetProblem(target, e.stderr) ?? e
    throw e
  }
  if (stdout.trim() === '') return []
  try {
    return [...asArray(JSON.parse(stdout) as unknown)]
  } catch (e) {
    throw new HostnetError('backend-failure', `cannot parse the output of bridge fdb show for ${describeTarget(target)}`, { cause: e })
  }
}

/** The state with `vxlan.remotes` filled in for every VXLAN it holds (no command when it holds none). */
export async function withVxlanRemotes(runner: Runner, target: Target, state: HostState): Promise<HostState> {
  const vxlans = state.interfaces.filter((i): i is Iface & { type: 'vxlan' } => i.type === 'vxlan')
  if (vxlans.length === 0) return state
  const names = new Set(vxlans.map((i) => i.name))
  const list =
    vxlans.length <= PER_DEVICE_MAX
      ? (await Promise.all(vxlans.map(async (i) => ofDevice(i.name, await fdbShow(runner, target, ['dev', nameToken(i.name)]).catch(missingLink))))).flat()
      : await fdbShow(runner, target, [])
  const remotes = parseRemotes(list, names)
  for (const i of vxlans) {
    // the kernel keeps a VXLAN's own remote (or group) as its default all-zero entry: not head-end replication
    const own = i.vxlan?.remote ?? i.vxlan?.group
    i.vxlan = { ...i.vxlan, remotes: (remotes.get(i.name) ?? []).filter((ip) => ip !== own) }
  }
  return state
}

/** `fdb show dev X` leaves the device out of its entries: put it back. */
function ofDevice(name: string, list: readonly unknown[]): unknown[] {
  return list.map((e) => ({ ...asObject(e), ifname: name }))
}

/** A VXLAN deleted between the link read and the FDB read has no entries. */
function missingLink(e: unknown): unknown[] {
  if (e instanceof CommandError && /does not exist|Cannot find device/i.test(e.stderr)) return []
  throw e
}
