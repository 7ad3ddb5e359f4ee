/**
 * Benchmark host-memory: peak resident memory of a process that applies the 100-bridge / 1000-veth-pair state
 * (parse of the YAML document, query, plan, journal, apply, verify) to a fresh namespace: a child node process
 * (bench/lib/memory-child.js) reports its VmHWM at its end. Ours in MB; no baseline. The child's VmHWM right
 * after start-up is printed for comparison. Options: --bridges N, --pairs N.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { numArg, scaleFromArgs } from './lib/host-scale.js'
import { withFreshNetns } from './lib/netns.js'
import { loadLine, log, printResults, result } from './lib/result.js'

const argv = process.argv.slice(2)

interface ChildReport {
  status: string
  ops: number
  startMb: number
  vmHwmMb: number
  maxRssMb: number
}

async function main(): Promise<void> {
  const scale = scaleFromArgs(argv)
  const runs = numArg(argv, '--runs', 1)
  log(`host-memory: ${scale.bridges} bridges, ${scale.pairs} veth pairs; ${loadLine()}`)
  const child = fileURLToPath(new URL('./lib/memory-child.js', import.meta.url))
  const peaks: number[] = []
  for (let i = 0; i < runs; i++) {
    await withFreshNetns('mem', async (ns) => {
      const r = spawnSync(process.execPath, [child, ns, String(scale.bridges), String(scale.pairs)], { encoding: 'utf8', maxBuffer: 1 << 20 })
      assert.equal(r.status, 0, r.stderr)
      const rep = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as ChildReport
      assert.equal(rep.status, 'committed')
      const mb = (x: number): string => `${x.toFixed(1)} MB`
      log(`child: ${rep.ops} ops, VmHWM ${mb(rep.vmHwmMb)} (maxRSS ${mb(rep.maxRssMb)}; ${mb(rep.startMb)} after start-up)`)
      peaks.push(rep.vmHwmMb)
    })
  }
  printResults('host-memory', [result('host-memory', Math.max(...peaks), null, 'MB')])
}

await main()
