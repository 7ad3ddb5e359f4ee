/**
 * Benchmark port-churn (issue 6): network-port churn on a started `<forward mode='bridge'>` network over a Linux
 * bridge, allocation only (no plug).
 *   - ours: 10,000 create + delete pairs through the public driver API (NetworkDriver.ports), one port at a time:
 *     each pair parses the client's `<networkport>` document (as the daemon does with what virsh sends),
 *     `ports.create(..., {plug: false})`, then `ports.delete(...)`, in this process, on a namespace the
 *     benchmark creates and removes; ms per pair;
 *   - baseline: libvirt's net-port-create / net-port-delete on the same network definition, libvirtd in private
 *     namespaces (bench/harness/libvirtd.ts), one virsh process; a few hundred pairs, each the sum of the two
 *     commands' times as virsh's client sees them; ms per pair.
 *   The two run in alternating rounds (ours: 1,000 pairs, libvirt: 30 pairs, 10 rounds by default); each side's
 *   figure is the median of its rounds' ms per pair. Targets: ours <= 0.2 ms, ratio <= 0.2.
 * It then reports `port-memory`: the peak resident memory (VmHWM, MB) of a child process
 * (bench/lib/port-memory-child.js) that starts 100 bridge networks and holds 10,000 ports allocated at once
 * (100 per network, createMany without plug). Target < 150 MB. Baseline: null (the child's VmHWM before it
 * allocates is printed for comparison, not used as a baseline).
 * Last line: {"bench":"port-churn","results":[{"name":"port-churn",...},{"name":"port-memory",...}]}
 * Options: --pairs N (ours, total), --libvirt-pairs N (total), --rounds N, --no-baseline, --no-memory.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { parsePortInput } from '../src/driver/port/index.js'
import { libvirtMissing } from './harness/libvirtd.js'
import { bridgeNetworkXml, networkPortXml } from './harness/libvirt-docs.js'
import { libvirtPortRound, setUpLibvirtPorts, tearDownLibvirtPorts, type LibvirtPorts } from './lib/libvirt-ports.js'
import { freshNetns, dropNetns } from './lib/netns.js'
import { ipBatch, openDriverEnv, portMac, portUuid, type DriverEnv } from './lib/port-env.js'
import { intArg as intArgOf } from './lib/args.js'
import { loadLine, log, printResults, result } from './lib/result.js'
import { median, round } from './lib/stats.js'

const argv = process.argv.slice(2)

const intArg = (name: string, dflt: number): number => intArgOf(argv, name, dflt)

const NETWORK = 'hnportchurn'
const BRIDGE = 'hnchbr0'
const OWNER_UUID = '6f0a8f3e-2d55-4b0e-9a53-9b0f3c1d2e01'

interface Ours {
  env: DriverEnv
  ns: string
  next: number
}

async function setUpOurs(): Promise<Ours> {
  const ns = await freshNetns('churn')
  let env: DriverEnv | undefined
  try {
    ipBatch(ns, [`link add ${BRIDGE} type bridge`, `link set ${BRIDGE} up`])
    env = openDriverEnv(ns)
    await env.driver.define(env.target, bridgeNetworkXml(NETWORK, BRIDGE))
    await env.driver.start(env.target, NETWORK)
    return { env, ns, next: 0 }
  } catch (e) {
    env?.close()
    await dropNetns(ns)
    throw e
  }
}

function portDoc(i: number): string {
  return networkPortXml({ uuid: portUuid(1, i), ownerName: 'vm-churn', ownerUuid: OWNER_UUID, mac: portMac(i) })
}

/** CPU time (user + system, all threads: JIT and GC included) per pair in each round: context for the wall clock on a busy machine. */
const oursCpuMs: number[] = []

/** `pairs` create + delete pairs, one at a time; returns ms (wall clock) per pair. */
async function oursRound(o: Ours, pairs: number): Promise<number> {
  const { driver, target } = o.env
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  for (let k = 0; k < pairs; k++) {
    const i = o.next++
    const port = parsePortInput(portDoc(i))
    const info = await driver.ports.create(target, NETWORK, { port }, { plug: false })
    await driver.ports.delete(target, NETWORK, info.uuid)
  }
  const wall = (performance.now() - t0) / pairs
  const cpu = process.cpuUsage(c0)
  oursCpuMs.push((cpu.user + cpu.system) / 1000 / pairs)
  return wall
}

interface MemoryReport {
  ports: number
  storedPorts: number
  startMb: number
  beforeMb: number
  vmHwmMb: number
}

async function portMemory(): Promise<MemoryReport> {
  const ns = await freshNetns('pmem')
  try {
    const networks = 100
    ipBatch(ns, Array.from({ length: networks }, (_, i) => [`link add pmbr${i} type bridge`, `link set pmbr${i} up`]).flat())
    const child = fileURLToPath(new URL('./lib/port-memory-child.js', import.meta.url))
    const r = spawnSync(process.execPath, [child, ns, String(networks), '100'], { encoding: 'utf8', maxBuffer: 1 << 20 })
    assert.equal(r.status, 0, r.stderr)
    return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as MemoryReport
  } finally {
    await dropNetns(ns)
  }
}

async function main(): Promise<void> {
  const rounds = intArg('--rounds', 10)
  const oursPairs = Math.ceil(intArg('--pairs', 10_000) / rounds)
  const lvPairs = Math.ceil(intArg('--libvirt-pairs', 300) / rounds)
  log(`port-churn: ${rounds} rounds of ${oursPairs} pairs (ours) and ${lvPairs} pairs (libvirt); ${loadLine()}`)
  const missing = argv.includes('--no-baseline') ? 'skipped (--no-baseline)' : libvirtMissing()
  const ours = await setUpOurs()
  let lv: LibvirtPorts | undefined
  const oursMs: number[] = []
  const lvMs: number[] = []
  try {
    lv = missing === undefined ? await setUpLibvirtPorts(NETWORK, BRIDGE, OWNER_UUID) : undefined
    await oursRound(ours, 1000) // warm-up (JIT, statement cache), not counted
    for (let r = 0; r < rounds; r++) {
      oursMs.push(await oursRound(ours, oursPairs))
      if (lv !== undefined) lvMs.push(await libvirtPortRound(lv, lvPairs))
      log(`  round ${r + 1}: ours ${round(oursMs[r]!, 4)} ms/pair (cpu ${round(oursCpuMs[oursCpuMs.length - 1]!, 4)})${lv === undefined ? '' : `, libvirt ${round(lvMs[r]!, 3)} ms/pair`}; ${loadLine()}`)
    }
    const left = ours.env.driver.ports.list(ours.env.target, NETWORK).length
    assert.equal(left, 0, `${left} ports left in the store`)
  } finally {
    if (lv !== undefined) await tearDownLibvirtPorts(lv)
    ours.env.close()
    await dropNetns(ours.ns)
  }
  if (missing !== undefined) log(`libvirt baseline: ${missing}`)
  const oursMed = median(oursMs)
  const lvMed = lvMs.length === 0 ? null : median(lvMs)
  log(`ours: ${round(oursMed, 4)} ms per create+delete pair (${round(1000 / oursMed, 0)} pairs/s; cpu ${round(median(oursCpuMs.slice(1)), 4)} ms); libvirt: ${lvMed === null ? '-' : `${round(lvMed, 3)} ms`}`)
  const results = [result('port-churn', oursMed, lvMed, 'ms')]
  if (!argv.includes('--no-memory')) {
    const m = await portMemory()
    log(`port-memory: ${m.ports} ports held (${m.storedPorts} in the store), VmHWM ${m.vmHwmMb.toFixed(1)} MB; ${m.startMb.toFixed(1)} MB after start-up, ${m.beforeMb.toFixed(1)} MB with the networks started, before allocating`)
    results.push(result('port-memory', m.vmHwmMb, null, 'MB'))
  }
  printResults('port-churn', results)
}

await main()
