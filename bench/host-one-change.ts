/**
 * Benchmark host-one-change: one MTU change among the 2,000+ interfaces of the 100-bridge / 1000-veth-pair state.
 * Ours: applyState in this process (recover, query, plan, journal, apply, verify) of a one-interface document
 * (the MTU of a free veth end, alternating between two values so that every round is a change). Baseline: one
 * `ip link set dev X mtu N`, as a whole command. After a warm-up (6 rounds), --reps rounds (default 15); medians.
 * Options: --reps N, --bridges N, --pairs N.
 */
import assert from 'node:assert/strict'
import type { DesiredState } from '../src/model/host/state.js'
import { openEngine, runCommand } from './lib/engine.js'
import { numArg, peerName, scaleFromArgs, scaleState } from './lib/host-scale.js'
import { withFreshNetns } from './lib/netns.js'
import { loadLine, log, printResults, result } from './lib/result.js'
import { list, median, round, timeMs } from './lib/stats.js'

const argv = process.argv.slice(2)

const mtuDoc = (name: string, mtu: number): DesiredState => ({ interfaces: [{ name, type: 'unknown', mtu }] })

async function main(): Promise<void> {
  const scale = scaleFromArgs(argv)
  const reps = numArg(argv, '--reps', 15)
  log(`host-one-change: ${scale.bridges} bridges, ${scale.pairs} veth pairs, ${reps} rounds; ${loadLine()}`)
  const eng = await openEngine()
  try {
    await withFreshNetns('one', async (ns) => {
      assert.equal((await eng.apply(ns, scaleState(scale))).status, 'committed')
      const ours = async (r: number): Promise<number> => {
        const t = await timeMs(() => eng.apply(ns, mtuDoc(peerName(7), r % 2 === 0 ? 1400 : 1500)))
        assert.equal(t.value.status, 'committed')
        assert.equal(t.value.ops.length, 1)
        return t.ms
      }
      const baseline = async (r: number): Promise<number> =>
        (await timeMs(async () => runCommand(['ip', '-n', ns, 'link', 'set', 'dev', peerName(8), 'mtu', r % 2 === 0 ? '1400' : '1500']))).ms
      for (let r = 0; r < 6; r++) {
        await ours(r)
        await baseline(r)
      }
      const o: number[] = []
      const b: number[] = []
      for (let r = 0; r < reps; r++) {
        o.push(await ours(r))
        b.push(await baseline(r))
      }
      log(`ours ${list(o)} ms (median ${round(median(o), 1)}), baseline ${list(b)} ms (median ${round(median(b), 1)}); ${loadLine()}`)
      printResults('host-one-change', [result('host-one-change', median(o), median(b), 'ms')])
    })
  } finally {
    eng.close()
  }
}

await main()
