/**
 * Benchmark cluster-converge (issue 17): 16 hosts (network namespaces on an underlay bridge, each with its own
 * agent process and state directory), one single-member etcd on loopback.
 * - `cluster-converge`: ms from one logical-network definition (`ClusterState.defineNetwork`, as `hostnet cluster
 *   net-define` does) to every agent reporting it applied and verified; median of --runs (default 3), each run a
 *   new network, removed (and waited for) before the next. Baseline: the same per-host documents (the bridge and
 *   VXLAN of plan/cluster's compile, as YAML) and network XML applied one host after the other with the CLI, as an
 *   admin's script would: `hostnet apply`, `hostnet net-define`, `hostnet net-start` per host.
 * - `agent-memory`: the largest VmRSS of the 16 idle agents after the runs, MB (no baseline).
 * Options: --hosts N (16), --runs N (3).
 */
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { EtcdCluster } from '../test/helpers/etcd.js'
import { ClusterLab } from '../test/helpers/cluster-lab.js'
import { repoRoot } from '../test/helpers/paths.js'
import { compileHost } from '../src/plan/cluster/compile.js'
import { formatState } from '../src/codec/yaml/state.js'
import { numArg } from './lib/host-scale.js'
import { loadLine, log, printResults, result } from './lib/result.js'
import { median } from './lib/stats.js'

const argv = process.argv.slice(2)

function vmRssMb(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m === null ? NaN : Number(m[1]) / 1024
}

function cpuSec(): number {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}

async function main(): Promise<void> {
  const hosts = numArg(argv, '--hosts', 16)
  const runs = numArg(argv, '--runs', 3)
  log(`cluster-converge: ${hosts} hosts, ${runs} runs; ${loadLine()}`)
  const etcd = await EtcdCluster.start(1)
  const lab = new ClusterLab(etcd.urls)
  try {
    await lab.addHosts(hosts)
    await lab.register()
    for (const h of lab.hosts) lab.startAgent(h.id)
    const ids = lab.hosts.map((h) => h.id)
    await lab.waitFor(ids, 1, () => true, 120_000) // every agent made its first pass
    const ours: number[] = []
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now()
      const { revision } = await lab.cluster.defineNetwork({ name: `bench${i}`, segment: { kind: 'vxlan' } })
      await lab.waitFor(ids, revision, (s) => s.state === 'converged' && s.networks.includes(`bench${i}`), 120_000)
      ours.push(performance.now() - t0)
      log(`  run ${i + 1}: every agent applied and verified in ${ours.at(-1)!.toFixed(0)} ms`)
      const gone = (await lab.cluster.undefineNetwork(`bench${i}`))!
      await lab.waitFor(ids, gone, (s) => s.state === 'converged' && s.networks.length === 0, 120_000)
    }
    // idle agents: their resident memory
    await new Promise((r) => setTimeout(r, 1000))
    const rss = lab.hosts.map((h) => vmRssMb(h.agent!.pid!))
    log(`  agents' VmRSS: max ${Math.max(...rss).toFixed(1)} MB, median ${median(rss).toFixed(1)} MB`)

    // baseline: the same per-host documents and network XML, one host after the other with the CLI
    const snap = await lab.cluster.read()
    const base: number[] = []
    for (let i = 0; i < runs; i++) {
      const name = `base${i}`
      const vni = 20_000 + i
      snap.networks.set(name, { name, segment: { kind: 'vxlan', vni }, bridge: `vbr${vni}`, hosts: {} })
      const files = lab.hosts.map((h) => {
        const n = compileHost(h.id, snap).networks.find((x) => x.name === name)!
        const doc = join(lab.dir, `${h.id}-${name}.yaml`)
        const xml = join(lab.dir, `${h.id}-${name}.xml`)
        writeFileSync(doc, formatState({ interfaces: n.interfaces }))
        writeFileSync(xml, n.networkXml)
        return { h, doc, xml }
      })
      const bin = join(repoRoot(), 'bin', 'hostnet')
      const t0 = performance.now()
      for (const { h, doc, xml } of files) {
        const common = ['--netns', h.netns, '--state-dir', h.stateDir]
        execFileSync(process.execPath, [bin, 'apply', ...common, doc], { stdio: 'ignore' })
        execFileSync(process.execPath, [bin, 'net-define', ...common, xml], { stdio: 'ignore' })
        execFileSync(process.execPath, [bin, 'net-start', ...common, name], { stdio: 'ignore' })
      }
      base.push(performance.now() - t0)
      log(`  baseline run ${i + 1}: the CLI, host after host, in ${base.at(-1)!.toFixed(0)} ms`)
      const linked = JSON.parse(execFileSync('ip', ['-n', lab.hosts[0]!.netns, '-j', 'link', 'show', 'master', `vbr${vni}`], { encoding: 'utf8' })) as unknown[]
      assert.equal(linked.length, 1, 'the baseline made the VXLAN port')
      snap.networks.delete(name)
    }
    log(`  test process CPU ${cpuSec().toFixed(1)} s; ${loadLine()}`)
    printResults('cluster-converge', [result('cluster-converge', median(ours), median(base), 'ms'), result('agent-memory', Math.max(...rss), null, 'MB')])
  } finally {
    await lab.destroy()
    await etcd.stop()
  }
}

await main()
