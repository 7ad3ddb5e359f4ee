/**
 * Benchmark port-plug (issue 6): plug then unplug 500 ports on a `<forward mode='vepa'>` network with 8 pool
 * devices (the host ends of 8 veth pairs in a namespace the benchmark creates; the network's target is that
 * namespace).
 *   - ours: the driver's batch verbs, as a hypervisor starting many VMs would: `ports.createMany` (one
 *     allocation transaction, one `ip -batch` making the 500 macvtap devices, one transaction marking them
 *     plugged), then `ports.deleteMany` (one claim transaction, one `ip -batch` link-group deletion, one
 *     transaction deleting the rows); ms for both together;
 *   - baseline, in the same run: one `ip -batch` creating the same 500 macvtap devices (same names, MACs, modes
 *     and the lower devices hostnet chose), then one `ip -batch` bulk-deleting them (link group); ms for both.
 *   Ours and the baseline alternate (which goes first alternates too), with a pause for the kernel to settle
 *   before each; each figure is the median of its repetitions. Target: ratio <= 1.3.
 * Last line: {"bench":"port-plug","results":[{"name":"port-plug","ours":..,"baseline":..,"unit":"ms","ratio":..}]}
 * Options: --ports N (500), --pool N (8), --reps N (9).
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import { portDeviceName, type PortCreateRequest } from '../src/driver/port/index.js'
import type { NetworkPortDef } from '../src/model/networkport.js'
import type { MacAddr } from '../src/model/values/mac.js'
import type { Uuid } from '../src/model/values/uuid.js'
import { dropNetns, freshNetns, sleep } from './lib/netns.js'
import { ipBatch, openDriverEnv, portMac, portUuid, type DriverEnv } from './lib/port-env.js'
import { intArg as intArgOf } from './lib/args.js'
import { loadLine, log, printResults, result } from './lib/result.js'
import { median, round } from './lib/stats.js'

const argv = process.argv.slice(2)

const intArg = (name: string, dflt: number): number => intArgOf(argv, name, dflt)

const NETWORK = 'hnportplug'
const OWNER = { name: 'vm-plug', uuid: '6f0a8f3e-2d55-4b0e-9a53-9b0f3c1d2e03' as Uuid }
const BASELINE_GROUP = 0x5eed
const SETTLE_MS = 300

function vepaNetworkXml(pool: readonly string[]): string {
  return ['<network>', `  <name>${NETWORK}</name>`, "  <forward mode='vepa'>", ...pool.map((d) => `    <interface dev='${d}'/>`), '  </forward>', '</network>', ''].join('\n')
}

function requests(rep: number, ports: number): PortCreateRequest[] {
  return Array.from({ length: ports }, (_, i) => {
    const port: NetworkPortDef = { uuid: portUuid(3 + rep, i) as Uuid, owner: OWNER, mac: portMac(rep * 65536 + i) as MacAddr }
    return { port }
  })
}

interface Device {
  name: string
  lower: string
  mode: string
  mac: string
}

/** createMany + deleteMany of `ports` ports; returns the times and the devices hostnet made. */
async function ours(env: DriverEnv, ns: string, rep: number, ports: number): Promise<{ plugMs: number; unplugMs: number; devices: Device[] }> {
  const reqs = requests(rep, ports)
  const t0 = performance.now()
  const infos = await env.driver.ports.createMany(env.target, NETWORK, reqs)
  const t1 = performance.now()
  const made = linkCount(ns)
  await env.driver.ports.deleteMany(env.target, NETWORK, infos.map((p) => p.uuid))
  const t2 = performance.now()
  assert.equal(made, ports, `hostnet made ${made} macvtap devices, expected ${ports}`)
  assert.equal(infos.filter((p) => p.status === 'plugged').length, ports)
  const devices = infos.map((p): Device => {
    const plug = p.port.plug
    assert.ok(plug?.type === 'direct' && p.device !== undefined, `port ${p.uuid} has no direct plug`)
    return { name: p.device, lower: plug.dev, mode: plug.mode, mac: p.port.mac }
  })
  return { plugMs: t1 - t0, unplugMs: t2 - t1, devices }
}

/** The same devices with two plain `ip -batch` runs. */
function baseline(ns: string, rep: number, template: readonly Device[]): { plugMs: number; unplugMs: number } {
  // names and MACs of this repetition (fresh ones, like ours), lower devices and modes as hostnet chose them
  const devices = requests(rep, template.length).map((r, i) => ({ ...template[i]!, name: portDeviceName(r.port.uuid), mac: r.port.mac }))
  const add = devices.map((d) => `link add link ${d.lower} name ${d.name} address ${d.mac} up type macvtap mode ${d.mode}`)
  const del = [...devices.map((d) => `link set dev ${d.name} group ${BASELINE_GROUP}`), `link delete group ${BASELINE_GROUP}`]
  const t0 = performance.now()
  ipBatch(ns, add)
  const t1 = performance.now()
  const made = linkCount(ns)
  ipBatch(ns, del)
  const t2 = performance.now()
  assert.equal(made, devices.length, `ip made ${made} macvtap devices, expected ${devices.length}`)
  return { plugMs: t1 - t0, unplugMs: t2 - t1 }
}

/** macvtap devices in the namespace (checked outside the timed parts). */
function linkCount(ns: string): number {
  return ipShow(ns).filter((l) => l.linkinfo?.info_kind === 'macvtap').length
}

function ipShow(ns: string): Array<{ ifname: string; linkinfo?: { info_kind?: string } }> {
  const args = ['-n', ns, '-d', '-json', 'link', 'show']
  const r = spawnSync('ip', args, { encoding: 'utf8', maxBuffer: 1 << 28 })
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`)
  return JSON.parse(r.stdout || '[]') as Array<{ ifname: string; linkinfo?: { info_kind?: string } }>
}

async function main(): Promise<void> {
  const ports = intArg('--ports', 500)
  const poolSize = intArg('--pool', 8)
  const reps = intArg('--reps', 9)
  log(`port-plug: ${ports} ports on a vepa network with ${poolSize} pool devices, ${reps} repetitions; ${loadLine()}`)
  const ns = await freshNetns('plug')
  let env: DriverEnv | undefined
  const o: Array<{ plugMs: number; unplugMs: number }> = []
  const b: Array<{ plugMs: number; unplugMs: number }> = []
  try {
    const pool = Array.from({ length: poolSize }, (_, i) => `pplp${i}`)
    ipBatch(ns, pool.flatMap((d) => [`link add ${d} type veth peer name ${d}p`, `link set ${d} up`, `link set ${d}p up`]))
    env = openDriverEnv(ns)
    await env.driver.define(env.target, vepaNetworkXml(pool))
    await env.driver.start(env.target, NETWORK)
    // warm-up (JIT, statements, the kernel's first macvtap), not counted; it also gives the baseline its devices
    const warm = await ours(env, ns, 0, ports)
    const perLower = new Map<string, number>()
    for (const d of warm.devices) perLower.set(d.lower, (perLower.get(d.lower) ?? 0) + 1)
    log(`  hostnet's pool use: ${[...perLower].map(([k, v]) => `${k} ${v}`).join(', ')}; modes: ${[...new Set(warm.devices.map((d) => d.mode))].join(', ')}`)
    baseline(ns, 0, warm.devices)
    for (let r = 1; r <= reps; r++) {
      const runOurs = async (): Promise<void> => {
        await sleep(SETTLE_MS)
        o.push(await ours(env!, ns, r, ports))
      }
      const runBase = async (): Promise<void> => {
        await sleep(SETTLE_MS)
        b.push(baseline(ns, r, warm.devices))
      }
      if (r % 2 === 1) {
        await runOurs()
        await runBase()
      } else {
        await runBase()
        await runOurs()
      }
      const fmt = (x: { plugMs: number; unplugMs: number }): string => `${round(x.plugMs + x.unplugMs, 1)} ms (plug ${round(x.plugMs, 1)} + unplug ${round(x.unplugMs, 1)})`
      log(`  rep ${r}: ours ${fmt(o[o.length - 1]!)}, ip -batch ${fmt(b[b.length - 1]!)}; ${loadLine()}`)
    }
    assert.equal(env.driver.ports.list(env.target, NETWORK).length, 0, 'ports left in the store')
  } finally {
    env?.close()
    await dropNetns(ns)
  }
  const total = (xs: typeof o): number => median(xs.map((x) => x.plugMs + x.unplugMs))
  const oursMs = total(o)
  const baseMs = total(b)
  log(`ours: median ${round(oursMs, 1)} ms (plug ${round(median(o.map((x) => x.plugMs)), 1)}, unplug ${round(median(o.map((x) => x.unplugMs)), 1)})`)
  log(`ip -batch: median ${round(baseMs, 1)} ms (plug ${round(median(b.map((x) => x.plugMs)), 1)}, unplug ${round(median(b.map((x) => x.unplugMs)), 1)})`)
  printResults('port-plug', [result('port-plug', oursMs, baseMs, 'ms')])
}

await main()
