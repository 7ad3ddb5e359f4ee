/**
 * Kernel cases for the tc backend, run where the kernel has htb, sfq, ingress, u32, fw and police (this VM's
 * kernel lacks sfq, fw and police: then the test runs this file under the User-Mode Linux lane). Each case works
 * in its own namespaces, applies libvirt's commands with the real `tc` and reports what `tc` reads back (and,
 * for the rate cases, the measured TCP goodput); test/port-core/tc-kernel.test.ts asserts on the report.
 *
 * Run directly (`node dist/test/port-core/tc-lane.js`) it prints one JSON line `{ kernel, cases }`.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { systemRunner } from '../../src/sys/exec.js'
import { parseXml } from '../../src/codec/xml/parse.js'
import { parseBandwidth } from '../../src/codec/libvirt-xml/netdev/bandwidth.js'
import type { Bandwidth } from '../../src/model/netdev/bandwidth.js'
import type { MacAddr } from '../../src/model/values/mac.js'
import { planFloorPlug, planFloorUnplug, INITIAL_FLOOR_STATE } from '../../src/model/port/index.js'
import type { FloorState } from '../../src/model/port/index.js'
import { testNetwork } from '../../src/model/port/test-fixtures.js'
import {
  applyShapingCommands,
  readTcState,
  renderFloorPlugAndRebalance,
  renderFloorUnplugAndRebalance,
  renderInterfaceBandwidth,
  renderNetworkBandwidth,
} from '../../src/backend/tc/index.js'
import type { AppliedCommand, TcState } from '../../src/backend/tc/index.js'
import { conformanceDir } from '../helpers/paths.js'
import { leakedNetns, makeNetns, removeNetns } from '../helpers/netns.js'
import { measureGoodput } from './tcp-goodput.js'
import type { Goodput } from './tcp-goodput.js'

export const LANE_MODULES = ['veth', 'bridge', 'sch_htb', 'sch_sfq', 'sch_ingress', 'cls_u32', 'cls_fw', 'act_police']

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`)
}

/** Whether this kernel has everything libvirt's commands use (probed in a scratch namespace). */
export async function probeTcFeatures(): Promise<boolean> {
  const ns = await makeNetns('probe')
  try {
    ip('-n', ns, 'link', 'add', 'p0', 'type', 'veth', 'peer', 'name', 'p1')
    const tc = (...a: string[]): boolean => spawnSync('tc', ['-n', ns, ...a], { stdio: 'ignore' }).status === 0
    return (
      tc('qdisc', 'add', 'dev', 'p0', 'root', 'handle', '1:', 'htb', 'default', '1') &&
      tc('class', 'add', 'dev', 'p0', 'parent', '1:', 'classid', '1:1', 'htb', 'rate', '1kbps') &&
      tc('qdisc', 'add', 'dev', 'p0', 'parent', '1:1', 'handle', '2:', 'sfq') &&
      tc('filter', 'add', 'dev', 'p0', 'parent', '1:0', 'protocol', 'all', 'prio', '1', 'handle', '1', 'fw', 'flowid', '1') &&
      tc('qdisc', 'add', 'dev', 'p0', 'ingress') &&
      tc('filter', 'add', 'dev', 'p0', 'parent', 'ffff:', 'protocol', 'all', 'u32', 'match', 'u32', '0', '0',
        'police', 'rate', '1kbps', 'burst', '1kb', 'drop', 'flowid', ':1')
    )
  } catch {
    return false // no veth: not this kernel
  } finally {
    await removeNetns(ns)
  }
}

/** Two namespaces joined by a veth: `vh` (the host side, playing the tap) in `host`, `vg` in `guest`. */
async function withPair<T>(fn: (host: string, guest: string) => Promise<T>): Promise<T> {
  const host = await makeNetns('h')
  const guest = await makeNetns('g')
  try {
    ip('-n', host, 'link', 'add', 'vh', 'type', 'veth', 'peer', 'name', 'vg', 'netns', guest)
    ip('-n', host, 'addr', 'add', '10.77.0.1/24', 'dev', 'vh')
    ip('-n', guest, 'addr', 'add', '10.77.0.2/24', 'dev', 'vg')
    const links = [[host, 'vh'], [guest, 'vg'], [host, 'lo'], [guest, 'lo']] as const
    for (const [ns, dev] of links) ip('-n', ns, 'link', 'set', dev, 'up')
    return await fn(host, guest)
  } finally {
    await removeNetns(guest)
    await removeNetns(host)
  }
}

interface DerivedCase {
  bandwidth_xml: string | null
}

function derivedBandwidths(): Array<Bandwidth | undefined> {
  const file = join(conformanceDir(), 'derived', 'virnetdevbandwidth-cases.json')
  const cases = (JSON.parse(readFileSync(file, 'utf8')) as { cases: DerivedCase[] }).cases
  return cases.map((c) => {
    if (c.bandwidth_xml === null) return undefined
    return parseBandwidth(parseXml(c.bandwidth_xml), { allowFloor: true }, { path: '/bandwidth' }).bandwidth
  })
}

export interface InterfaceCaseResult {
  bandwidth: Bandwidth | null
  applied: AppliedCommand[]
  state: TcState
}

/** Every derived bandwidth applied to a tap-like veth (swapped), read back. */
async function interfaceCases(): Promise<InterfaceCaseResult[]> {
  const out: InterfaceCaseResult[] = []
  for (const bw of derivedBandwidths()) {
    await withPair(async (host) => {
      const cmds = renderInterfaceBandwidth('vh', bw, { swapped: true })
      const applied = await applyShapingCommands(systemRunner, cmds, { netns: host })
      out.push({ bandwidth: bw ?? null, applied, state: await readTcState(systemRunner, 'vh', { netns: host }) })
    })
  }
  return out
}

export const FLOOR_NET_BANDWIDTH: Bandwidth = {
  inbound: { average: 1000, peak: 5000, burst: 1024 },
  outbound: { average: 2000 },
}
export const FLOOR_PORTS = [
  { mac: '52:54:00:00:00:0a' as MacAddr, bandwidth: { inbound: { average: 300, floor: 200 } } },
  { mac: '52:54:00:00:00:0b' as MacAddr, bandwidth: { inbound: { floor: 300 } } },
]

export interface FloorCaseResult {
  plugged: TcState
  unplugged: TcState
  classIds: number[]
  unplugApplied: AppliedCommand[]
  states: FloorState[]
}

/** A network bridge with QoS, two floor ports plugged, the first unplugged again. */
async function floorCase(): Promise<FloorCaseResult> {
  const ns = await makeNetns('br')
  try {
    ip('-n', ns, 'link', 'add', 'br0', 'type', 'bridge')
    ip('-n', ns, 'link', 'set', 'br0', 'up')
    const network = testNetwork({ mode: 'nat' }, { bridge: { name: 'br0' }, bandwidth: FLOOR_NET_BANDWIDTH })
    const opts = { netns: ns }
    await applyShapingCommands(systemRunner, renderNetworkBandwidth('br0', FLOOR_NET_BANDWIDTH), opts)
    let state = INITIAL_FLOOR_STATE
    const states: FloorState[] = []
    const classIds: number[] = []
    for (const [i, p] of FLOOR_PORTS.entries()) {
      const port = { portUuid: `p${i}`, network: 'red' }
      const plug = planFloorPlug({ network, mac: p.mac, bandwidth: p.bandwidth, state, port })!
      const cmds = renderFloorPlugAndRebalance({
        bridge: 'br0',
        networkBandwidth: FLOOR_NET_BANDWIDTH,
        mac: p.mac,
        portBandwidth: p.bandwidth,
        classId: plug.classId,
        defaultClassRate: plug.defaultClassRate,
      })
      await applyShapingCommands(systemRunner, cmds, opts)
      state = plug.state
      states.push(state)
      classIds.push(plug.classId)
    }
    const plugged = await readTcState(systemRunner, 'br0', opts)
    const first = FLOOR_PORTS[0]!
    const unplug = planFloorUnplug({ network, bandwidth: first.bandwidth, classId: classIds[0], state })!
    const unplugCmds = renderFloorUnplugAndRebalance('br0', FLOOR_NET_BANDWIDTH, unplug.classId, unplug.defaultClassRate)
    const unplugApplied = await applyShapingCommands(systemRunner, unplugCmds, opts)
    states.push(unplug.state)
    return { plugged, unplugged: await readTcState(systemRunner, 'br0', opts), classIds, unplugApplied, states }
  } finally {
    await removeNetns(ns)
  }
}

export interface RateCaseResult {
  direction: 'outbound' | 'inbound' | 'unshaped'
  goodput: Goodput
  state: TcState
}

/**
 * A port's bandwidth on the host side of the veth (the tap), as libvirt applies it to a tap (swapped): the guest's
 * outbound is policed on the tap's ingress (the guest sends), its inbound shaped by htb on the tap's egress (the
 * host sends).
 */
async function rateCase(direction: RateCaseResult['direction'], averageKBps: number): Promise<RateCaseResult> {
  return withPair(async (host, guest) => {
    const rate = { average: averageKBps }
    const bw: Bandwidth | undefined =
      direction === 'outbound' ? { outbound: rate } : direction === 'inbound' ? { inbound: rate } : undefined
    await applyShapingCommands(systemRunner, renderInterfaceBandwidth('vh', bw, { swapped: true }), { netns: host })
    const guestSends = direction !== 'inbound'
    const goodput = await measureGoodput(
      guestSends
        ? { fromNs: guest, toNs: host, toIp: '10.77.0.1', measureMs: direction === 'unshaped' ? 1000 : 3000 }
        : { fromNs: host, toNs: guest, toIp: '10.77.0.2' },
    )
    return { direction, goodput, state: await readTcState(systemRunner, 'vh', { netns: host }) }
  })
}

export interface LaneReport {
  kernel: string
  cases: Record<string, { ok: boolean; error?: string; value?: unknown }>
}

export const RATE_KBPS = 1024

const STEPS: Record<string, () => Promise<unknown>> = {
  interface: interfaceCases,
  floor: floorCase,
  'rate-unshaped': () => rateCase('unshaped', 0),
  'rate-outbound': () => rateCase('outbound', RATE_KBPS),
  'rate-inbound': () => rateCase('inbound', RATE_KBPS),
}

/** Run the named cases (all when none are named); `leaked` lists namespaces left behind (must be empty). */
export async function runLane(names: readonly string[] = []): Promise<LaneReport & { leaked: string[] }> {
  const kernel = process.env['UML_LANE'] === '1' ? 'uml' : 'host'
  const cases: LaneReport['cases'] = {}
  for (const [name, fn] of Object.entries(STEPS)) {
    if (names.length > 0 && !names.includes(name)) continue
    try {
      cases[name] = { ok: true, value: await fn() }
    } catch (e) {
      cases[name] = { ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }
    }
  }
  return { kernel, cases, leaked: leakedNetns() }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runLane(process.argv.slice(2)).then(
    (r) => console.log(JSON.stringify(r)),
    (e: unknown) => {
      console.error(e)
      process.exit(1)
    },
  )
}
