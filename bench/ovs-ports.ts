/**
 * Benchmark ovs-ports: 500 ports with VLAN tags (internal ports, access tag 100 + i) added to one OVS bridge in
 * ONE apply, through the whole engine (applyState with the composite backend: recover, query of kernel + OVS,
 * plan, journal, one OVSDB transaction + wait until ovs-vswitchd applied it, verify), from a document parsed
 * beforehand, with commands started from a launcher process as in `hostnet serve`. The document asks for what the baseline's rows give: the ports listed on the bridge, and given as
 * ovs-interface entries with `state: down` (new internal ports are down; a document that only lists them makes
 * hostnet bring them up as nmstate does, which costs 500 more kernel ops: measured once and printed, not in the
 * result). Each measurement runs against a fresh private OVS (ovsdb-server in a temp dir, ovs-vswitchd in a fresh
 * namespace, userspace datapath) holding the bridge with its local port.
 * Baselines in the same run:
 * - `ovs-ports`: one hand-built transaction of the same rows (Interface + Port per port, one Bridge mutate) plus
 *   the same wait (next_cfg/cur_cfg), sent with the OVSDB client directly;
 * - `ovs-ports-vs-vsctl`: `ovs-vsctl add-port` once per port (each call reads the whole database and waits for
 *   vswitchd). At about 100 ms per port it is measured on a sample (--vsctl-sample, default 100 ports) added
 *   to a bridge already holding half the rest (the middle of the range), and scaled per port; the output says so.
 * Medians over --reps repetitions (default 3), sides alternating. Options: --ports N, --reps N, --vsctl-sample N,
 * --up (measure the document that lists the ports only).
 */
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Target } from '../src/model/target.js'
import { Iproute2Backend, LauncherRunner } from '../src/backend/iproute2/index.js'
import { OvsHostBackend } from '../src/backend/ovs-host/index.js'
import { OvsdbClient } from '../src/backend/ovsdb/client.js'
import { addBridgeOps, addPortsOps } from '../src/backend/ovsdb/vswitch-ops.js'
import { transactAndWait } from '../src/backend/ovsdb/wait-applied.js'
import { parseDesiredState } from '../src/codec/yaml/state.js'
import type { DesiredState } from '../src/model/host/state.js'
import { OvsPrivate } from '../src/lab/ovs-private.js'
import { openStore } from '../src/store/index.js'
import { applyState } from '../src/txn/index.js'
import { numArg } from './lib/host-scale.js'
import { dropNetns, freshNetns } from './lib/netns.js'
import { loadLine, log, printResults, result } from './lib/result.js'
import { list, median, round, timeMs, timeSyncMs } from './lib/stats.js'

const argv = process.argv.slice(2)
const BRIDGE = 'br0'
const TAG_BASE = 100

interface Lab {
  ns: string
  ovs: OvsPrivate
  dir: string
}

async function openLab(tag: string): Promise<Lab> {
  const ns = await freshNetns(tag)
  const dir = mkdtempSync(join(tmpdir(), 'hostnet-bench-ovs-'))
  try {
    return { ns, dir, ovs: await OvsPrivate.start({ runDir: join(dir, 'ovs'), vswitchdNetns: ns }) }
  } catch (e) {
    await dropNetns(ns)
    rmSync(dir, { recursive: true, force: true })
    throw e
  }
}

async function closeLab(lab: Lab): Promise<void> {
  await lab.ovs.stop()
  await dropNetns(lab.ns)
  rmSync(lab.dir, { recursive: true, force: true })
}

/**
 * The bridge with its local port (as the baseline's add-bridge makes it) and `n` tagged internal ports. With
 * `up`, the ports are only listed, and hostnet brings the new internal ports up (nmstate's default); without,
 * they are also given as ovs-interface entries with `state: down`: the same end state as the baseline's rows.
 */
function portsYaml(n: number, opts: { up: boolean }): string {
  const ports = [`        - {name: ${BRIDGE}}`, ...Array.from({ length: n }, (_, i) => `        - {name: p${i}, vlan: {mode: access, tag: ${TAG_BASE + i}}}`)]
  const ifaces = opts.up ? [] : Array.from({ length: n }, (_, i) => `  - {name: p${i}, type: ovs-interface, state: down}`)
  return `interfaces:\n  - name: ${BRIDGE}\n    type: ovs-bridge\n    bridge:\n      options: {datapath: netdev}\n      port:\n${ports.join('\n')}\n${ifaces.map((l) => `${l}\n`).join('')}`
}

/** Ours: the engine from an empty bridge to the bridge with `n` tagged ports (up, verified). */
async function measureOurs(desired: DesiredState, n: number, up: boolean): Promise<number> {
  const lab = await openLab('ours')
  const store = openStore(join(lab.dir, 'state'))
  // commands start from a launcher process, as in `hostnet serve` (and the host benchmarks)
  const runner = new LauncherRunner()
  const backend = new OvsHostBackend({ kernel: new Iproute2Backend({ runner }), resolve: () => lab.ovs.address, applyTimeoutMs: 120_000 })
  const target: Target = { kind: 'netns', name: lab.ns }
  try {
    const caps = await backend.caps(target)
    const run = (d: DesiredState): ReturnType<typeof applyState> => applyState({ backend, store, caps, target, desired: d })
    assert.equal((await run(parseDesiredState(portsYaml(0, { up: true })))).status, 'committed')
    const t = await timeMs(() => run(desired))
    assert.equal(t.value.status, 'committed')
    assert.equal(t.value.ops.filter((o) => o.kind === 'ovs.transact').length, 1, 'one OVS transaction')
    const state = await backend.query(target)
    assert.equal(state.interfaces.filter((i) => i.type === 'ovs-interface' && i.state === 'up').length, up ? n + 1 : 1)
    assert.equal(state.interfaces.find((i) => i.type === 'ovs-bridge')?.ovsBridge?.ports?.length, n + 1)
    return t.ms
  } finally {
    await backend.close()
    runner.close()
    store.close()
    await closeLab(lab)
  }
}

/** Baseline: one hand-built transaction of the same rows, plus the wait. */
async function measureTxn(n: number): Promise<number> {
  const lab = await openLab('txn')
  const client = await OvsdbClient.connect({ address: lab.ovs.address })
  try {
    await transactAndWait(client, addBridgeOps({ name: BRIDGE, datapathType: 'netdev' }), { timeoutMs: 30_000 })
    const ports = Array.from({ length: n }, (_, i) => ({ name: `p${i}`, type: 'internal', tag: TAG_BASE + i }))
    return (await timeMs(() => transactAndWait(client, addPortsOps(BRIDGE, ports), { timeoutMs: 120_000 }))).ms
  } finally {
    client.close()
    await closeLab(lab)
  }
}

/**
 * Baseline: ovs-vsctl once per port, on `sample` ports added to a bridge that already holds `prefill` ports
 * (added untimed in one transaction): each call reads the whole database and waits for vswitchd, so its cost
 * grows with the bridge; sampling around the middle of the range estimates the average over all n ports.
 * Returns ms per port.
 */
async function measureVsctl(sample: number, prefill: number): Promise<number> {
  const lab = await openLab('vsctl')
  const client = await OvsdbClient.connect({ address: lab.ovs.address })
  const vsctl = (...args: string[]): void => {
    execFileSync('ovs-vsctl', [`--db=${lab.ovs.address}`, '--timeout=60', ...args], { stdio: 'ignore', env: { ...process.env, ...lab.ovs.env } })
  }
  try {
    await transactAndWait(client, addBridgeOps({ name: BRIDGE, datapathType: 'netdev' }), { timeoutMs: 30_000 })
    const pre = Array.from({ length: prefill }, (_, i) => ({ name: `q${i}`, type: 'internal', tag: TAG_BASE + i }))
    if (prefill > 0) await transactAndWait(client, addPortsOps(BRIDGE, pre), { timeoutMs: 120_000 })
    const t = await timeMs(async () => {
      for (let i = 0; i < sample; i++) vsctl('add-port', BRIDGE, `p${i}`, `tag=${TAG_BASE + i}`, '--', 'set', 'Interface', `p${i}`, 'type=internal')
    })
    return t.ms / sample
  } finally {
    client.close()
    await closeLab(lab)
  }
}

async function main(): Promise<void> {
  const n = numArg(argv, '--ports', 500)
  const reps = numArg(argv, '--reps', 3)
  const sample = Math.min(n, numArg(argv, '--vsctl-sample', 100))
  log(`ovs-ports: ${n} tagged internal ports on one bridge, ${reps} repetitions; ${loadLine()}`)
  const up = argv.includes('--up')
  const yaml = portsYaml(n, { up })
  const parsed = timeSyncMs(() => parseDesiredState(yaml))
  await measureOurs(parseDesiredState(portsYaml(10, { up })), 10, up) // warm-up
  const ours: number[] = []
  const base: number[] = []
  for (let r = 0; r < reps; r++) {
    const sides = [async () => ours.push(await measureOurs(parsed.value, n, up)), async () => base.push(await measureTxn(n))]
    if (r % 2 === 1) sides.reverse()
    for (const side of sides) await side()
    log(`  rep ${r + 1}: ours ${round(ours[ours.length - 1]!, 0)} ms, one hand-built transaction ${round(base[base.length - 1]!, 0)} ms; ${loadLine()}`)
  }
  const other = await measureOurs(parseDesiredState(portsYaml(n, { up: !up })), n, !up)
  const prefill = Math.floor((n - sample) / 2)
  const perPort = await measureVsctl(sample, prefill)
  const vsctlTotal = perPort * n
  log(`ours ${list(ours)} ms (median ${round(median(ours), 0)}), hand-built transaction ${list(base)} ms (median ${round(median(base), 0)}); YAML parse ${round(parsed.ms, 0)} ms (excluded)`)
  log(
    up
      ? `  (ours lists the ports only, and hostnet brings the new internal ports up as nmstate does; asking for them down, as the baseline leaves them, took ${round(other, 0)} ms, once)`
      : `  (ours leaves the new internal ports down, as the baseline's rows do; listing them only, so that hostnet brings them up as nmstate does, took ${round(other, 0)} ms, once)`,
  )
  log(`ovs-vsctl add-port: ${round(perPort, 1)} ms per port, measured on a sample of ${sample} ports added to a bridge holding ${prefill} (the middle of the range), scaled to ${n} ports: ${round(vsctlTotal, 0)} ms`)
  log(loadLine())
  printResults('ovs-ports', [result('ovs-ports', median(ours), median(base), 'ms'), result('ovs-ports-vs-vsctl', median(ours), vsctlTotal, 'ms')])
}

await main()
