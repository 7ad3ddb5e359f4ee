/**
 * Benchmark host-remove: every bridge and veth of the 100-bridge / 1000-veth-pair state set `state: absent`.
 * Ours: applyState in this process (recover, query, plan, journal, apply: one bulk delete through a link group,
 * verify) from a document parsed beforehand. Baseline: the kernel's bulk deletion of the same links as a whole
 * command, `ip -n NS -batch` moving the bridges and one end of every pair into one group, then
 * `link delete group N`. Both sides start from the state made by the same `ip -batch` lines (not timed), each
 * in its own fresh namespace, deleted and let settle before the next; which goes first alternates; medians over
 * --reps repetitions (default 3). Options: --reps N, --settle-ms N, --bridges N, --pairs N.
 */
import assert from 'node:assert/strict'
import { parseDesiredState } from '../src/codec/yaml/state.js'
import { ipBatch, openEngine } from './lib/engine.js'
import { bulkDeleteLines, createLines, numArg, removeYaml, scaleFromArgs } from './lib/host-scale.js'
import { settle, SETTLE_MS, withFreshNetns } from './lib/netns.js'
import { loadLine, log, printResults, result } from './lib/result.js'
import { list, median, round, timeMs } from './lib/stats.js'

const argv = process.argv.slice(2)

async function main(): Promise<void> {
  const scale = scaleFromArgs(argv)
  const reps = numArg(argv, '--reps', 3)
  const settleMs = numArg(argv, '--settle-ms', SETTLE_MS)
  log(`host-remove: ${scale.bridges} bridges, ${scale.pairs} veth pairs, ${reps} repetitions; ${loadLine()}`)
  const eng = await openEngine()
  try {
    const create = createLines(scale)
    const desired = parseDesiredState(removeYaml(scale))
    // warm-up: one untimed full-size removal (JIT-compiled planner and parser in the measured ones)
    await withFreshNetns('warm', async (ns) => {
      ipBatch(ns, create)
      assert.equal((await eng.apply(ns, desired)).status, 'committed')
    })
    await settle(settleMs)
    const ours: number[] = []
    const base: number[] = []
    for (let r = 0; r < reps; r++) {
      const sides = [
        async (): Promise<void> => {
          await withFreshNetns('ours', async (ns) => {
            ipBatch(ns, create)
            await settle(1000)
            const t = await timeMs(() => eng.apply(ns, desired))
            assert.equal(t.value.status, 'committed')
            assert.equal(t.value.ops.length, 1, 'one bulk delete')
            ours.push(t.ms)
          })
          await settle(settleMs)
        },
        async (): Promise<void> => {
          await withFreshNetns('base', async (ns) => {
            ipBatch(ns, create)
            await settle(1000)
            base.push((await timeMs(async () => ipBatch(ns, bulkDeleteLines(scale)))).ms)
          })
          await settle(settleMs)
        },
      ]
      if (r % 2 === 1) sides.reverse()
      for (const side of sides) await side()
      log(`  rep ${r + 1}: ours ${round(ours[ours.length - 1]!, 0)} ms, baseline ${round(base[base.length - 1]!, 0)} ms; ${loadLine()}`)
    }
    log(`ours ${list(ours)} ms (median ${round(median(ours), 0)}), baseline ${list(base)} ms (median ${round(median(base), 0)})`)
    printResults('host-remove', [result('host-remove', median(ours), median(base), 'ms')])
  } finally {
    eng.close()
  }
}

await main()
