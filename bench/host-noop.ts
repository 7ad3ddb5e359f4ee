/**
 * Benchmark host-noop: applying the 100-bridge / 1000-veth-pair state again to a namespace that already has it.
 * Ours: applyState in this process (recover, query, plan; nothing to apply, nothing written), from the parsed
 * document. Baseline: one `ip -json -d addr show` of that namespace, as a whole command. After a warm-up of 6
 * rounds (the planner needs a few runs to be JIT-compiled), --reps rounds (default 15) alternate which side runs
 * first; medians are reported.
 * Options: --reps N, --bridges N, --pairs N.
 */
import assert from 'node:assert/strict'
import { openEngine, runCommand } from './lib/engine.js'
import { numArg, scaleFromArgs, scaleState } from './lib/host-scale.js'
import { withFreshNetns } from './lib/netns.js'
import { loadLine, log, printResults, result } from './lib/result.js'
import { list, median, round, timeMs } from './lib/stats.js'

const argv = process.argv.slice(2)

async function main(): Promise<void> {
  const scale = scaleFromArgs(argv)
  const reps = numArg(argv, '--reps', 15)
  log(`host-noop: ${scale.bridges} bridges, ${scale.pairs} veth pairs, ${reps} rounds; ${loadLine()}`)
  const eng = await openEngine()
  try {
    const desired = scaleState(scale)
    await withFreshNetns('noop', async (ns) => {
      assert.equal((await eng.apply(ns, desired)).status, 'committed')
      const entries = eng.store.journal.list().length
      const baseline = async (): Promise<number> => (await timeMs(async () => runCommand(['ip', '-n', ns, '-json', '-d', 'addr', 'show']))).ms
      const ours = async (): Promise<number> => {
        const t = await timeMs(() => eng.apply(ns, desired))
        assert.equal(t.value.status, 'unchanged')
        return t.ms
      }
      for (let i = 0; i < 6; i++) {
        await ours()
        await baseline()
      }
      const o: number[] = []
      const b: number[] = []
      for (let r = 0; r < reps; r++) {
        if (r % 2 === 0) {
          o.push(await ours())
          b.push(await baseline())
        } else {
          b.push(await baseline())
          o.push(await ours())
        }
      }
      assert.equal(eng.store.journal.list().length, entries, 'the no-op wrote nothing to the journal')
      log(`ours ${list(o)} ms (median ${round(median(o), 1)}), baseline ${list(b)} ms (median ${round(median(b), 1)}); ${loadLine()}`)
      printResults('host-noop', [result('host-noop', median(o), median(b), 'ms')])
    })
  } finally {
    eng.close()
  }
}

await main()
