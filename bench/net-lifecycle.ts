/**
 * Benchmark: N NAT networks with DHCP (default 100), define + start each, then destroy + undefine each.
 *   - hostnet: its network driver in this process (real iproute2, nftables, dnsmasq) on a namespace the benchmark
 *     creates and removes; net-destroy retires the bridge (down, renamed) and the deferred bulk deletion of all
 *     retired bridges is measured separately as `net-destroy-gc` (per network);
 *   - baseline: Debian's libvirtd in a private namespace (bench/harness/libvirtd.ts), one virsh process, the
 *     same network documents.
 * Prints per-command summaries, the firewall objects per network of both, and last one JSON line:
 * {"bench":"net-lifecycle","results":[{"name":"net-start","ours":..,"baseline":..,"unit":"ms","ratio":..},...]}
 * Options: --networks N, --no-baseline (hostnet only).
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import type { Target } from '../src/model/target.js'
import { Iproute2Backend } from '../src/backend/iproute2/index.js'
import { createNetworkDriver } from '../src/driver/network/index.js'
import { openStore } from '../src/store/index.js'
import { createNetns, deleteNetns, stopNetnsProcesses } from '../src/sys/netns.js'
import { libvirtMissing, startPrivateLibvirtd } from './harness/libvirtd.js'
import { natNetworkDoc, type NatNetworkDoc } from './harness/libvirt-docs.js'
import { round1, summarize, type Summary } from './harness/stats.js'
import type { VirshStep } from './harness/virsh-session.js'

interface Side {
  summaries: Record<string, Summary>
  /** Firewall objects (nft tables + chains + rules, or iptables rules) per network. */
  firewallPerNetwork: number
}

function intOption(name: string, dflt: number): number {
  const i = process.argv.indexOf(name)
  if (i < 0) return dflt
  const v = Number(process.argv[i + 1])
  if (!Number.isInteger(v) || v < 1 || v > 1000) throw new Error(`${name} needs an integer in 1..1000`)
  return v
}

async function timed(list: number[], fn: () => Promise<unknown>): Promise<void> {
  const t0 = performance.now()
  await fn()
  list.push(performance.now() - t0)
}

/** Objects in an `nft -j list ruleset` dump: tables, chains and rules. */
function nftObjects(json: string): number {
  const doc = JSON.parse(json) as { nftables?: Array<Record<string, unknown>> }
  return (doc.nftables ?? []).filter((x) => 'table' in x || 'chain' in x || 'rule' in x).length
}

async function runHostnet(docs: readonly NatNetworkDoc[]): Promise<Side> {
  const ns = `hostnet-netbench-${process.pid}`
  const dir = mkdtempSync(join(tmpdir(), 'hostnet-netbench-'))
  const store = openStore(dir)
  const target: Target = { kind: 'netns', name: ns }
  await createNetns(ns)
  const ms = { define: [] as number[], start: [] as number[], destroy: [] as number[], undefine: [] as number[] }
  // a long-lived driver keeps one `nft -i` session for the namespace (as hostnet serve does)
  const driver = createNetworkDriver({ backend: new Iproute2Backend(), store, stateDir: dir, nftSessions: true })
  try {
    execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up'])
    for (const d of docs) {
      await timed(ms.define, () => driver.define(target, d.xml))
      await timed(ms.start, () => driver.start(target, d.name))
    }
    const objects = nftObjects(execFileSync('ip', ['netns', 'exec', ns, 'nft', '-j', 'list', 'ruleset'], { encoding: 'utf8' }))
    for (const d of docs) {
      await timed(ms.destroy, () => driver.destroy(target, d.name, { deferDelete: true }))
      await timed(ms.undefine, async () => driver.undefine(target, d.name))
    }
    const t0 = performance.now()
    const deleted = await driver.collectGarbage(target)
    const gcMs = performance.now() - t0
    if (deleted !== docs.length) throw new Error(`deleted ${deleted} retired bridges, expected ${docs.length}`)
    const gcPer = Array.from({ length: docs.length }, () => gcMs / docs.length)
    return {
      summaries: {
        'net-define': summarize(ms.define),
        'net-start': summarize(ms.start),
        'net-destroy': summarize(ms.destroy),
        'net-undefine': summarize(ms.undefine),
        'net-destroy-gc': summarize(gcPer),
      },
      firewallPerNetwork: objects / docs.length,
    }
  } finally {
    driver.close()
    store.close()
    // after a failed run the networks' dnsmasq still run inside: they would outlive the namespace's name
    await stopNetnsProcesses(ns)
    await deleteNetns(ns)
    rmSync(dir, { recursive: true, force: true })
  }
}

function msOf(steps: readonly VirshStep[], command: string): number[] {
  return steps.filter((s) => s.argv[0] === command).map((s) => s.ms)
}

async function runLibvirt(docs: readonly NatNetworkDoc[]): Promise<Side> {
  const lv = await startPrivateLibvirtd()
  try {
    const up = await lv.virshSession(docs.flatMap((d) => [['net-define', lv.writeFile(`${d.name}.xml`, d.xml)], ['net-start', d.name]]))
    const bad = up.find((s) => !s.ok)
    if (bad !== undefined) throw new Error(`virsh ${bad.argv.join(' ')} failed: ${bad.error}`)
    const dump = await lv.exec(['nft', '-j', 'list', 'ruleset'])
    const base = 0 // libvirt's shared chains are counted with the networks: they exist only for them
    const objects = nftObjects(dump.stdout) - base
    const down = await lv.virshSession(docs.flatMap((d) => [['net-destroy', d.name], ['net-undefine', d.name]]))
    const all = [...up, ...down]
    return {
      summaries: Object.fromEntries(['net-define', 'net-start', 'net-destroy', 'net-undefine'].map((c) => [c, summarize(msOf(all, c))])),
      firewallPerNetwork: objects / docs.length,
    }
  } finally {
    await lv.stop()
  }
}

function print(title: string, side: Side): void {
  console.log(title)
  for (const [name, s] of Object.entries(side.summaries)) {
    const spread = `p90 ${round1(s.p90)}  min ${round1(s.min)}  max ${round1(s.max)}  mean ${round1(s.mean)}`
    console.log(`  ${name.padEnd(15)} n=${String(s.n).padStart(4)}  median ${String(round1(s.median)).padStart(6)} ms  ${spread}`)
  }
  console.log(`  firewall objects per network: ${round1(side.firewallPerNetwork)}`)
}

function result(name: string, ours: number, baseline: number | undefined, unit: string): Record<string, unknown> {
  const b = baseline === undefined ? null : round1(baseline)
  return { name, ours: round1(ours), baseline: b, unit, ratio: b === null || b === 0 ? null : Math.round((ours / b) * 1000) / 1000 }
}

async function main(): Promise<void> {
  const n = intOption('--networks', 100)
  const docs = Array.from({ length: n }, (_, i) => natNetworkDoc(i + 1))
  const ours = await runHostnet(docs)
  print(`hostnet: ${n} NAT networks with DHCP, driver in-process:`, ours)
  const missing = process.argv.includes('--no-baseline') ? 'skipped (--no-baseline)' : libvirtMissing()
  const base = missing === undefined ? await runLibvirt(docs) : undefined
  if (base !== undefined) print(`libvirt 9.0: ${n} NAT networks with DHCP, one virsh process:`, base)
  else console.log(`libvirt baseline: ${missing}`)
  const b = (name: string): number | undefined => base?.summaries[name]?.median
  const results = [
    result('net-start', ours.summaries['net-start']!.median, b('net-start'), 'ms'),
    result('net-destroy', ours.summaries['net-destroy']!.median, b('net-destroy'), 'ms'),
    result('net-destroy-gc', ours.summaries['net-destroy-gc']!.median, undefined, 'ms'),
    result('net-destroy+gc', ours.summaries['net-destroy']!.median + ours.summaries['net-destroy-gc']!.median, b('net-destroy'), 'ms'),
    result('firewall-objects', ours.firewallPerNetwork, base?.firewallPerNetwork, 'objects/network'),
  ]
  console.log(JSON.stringify({ bench: 'net-lifecycle', results }))
}

await main()
