/**
 * Benchmark host-apply: from an empty namespace to 100 bridges and 1000 veth pairs (ten ports per bridge, an IPv4
 * address on every bridge and every free veth end), through the whole engine (applyState: recover, query, plan,
 * journal, apply, verify), the YAML document's parse included (a user pays it: `hostnet apply FILE`); the parse
 * alone is reported as host-apply-parse. Baseline: `ip -n NS -batch FILE` with the equivalent hand-written commands, as a whole
 * command. Each side runs in its own fresh namespace, deleted (and let settle) before the next measurement;
 * which side goes first alternates; medians over --reps repetitions (default 3).
 * Options: --reps N, --settle-ms N, --bridges N, --pairs N.
 */
import assert from 'node:assert/strict'
import { parseDesiredState } from '../src/codec/yaml/state.js'
import { ipBatch, openEngine, type BenchEngine } from './lib/engine.js'
import { createLines, numArg, scaleFromArgs, scaleState, scaleYaml, type Scale } from './lib/host-scale.js'
import { settle, SETTLE_MS, withFreshNetns } from './lib/netns.js'
import { loadLine, log, printResults, result } from './lib/result.js'
import { list, median, round, timeMs, timeSyncMs } from './lib/stats.js'

const argv = process.argv.slice(2)

/** One untimed full-size apply: the planner and the query parser run JIT-compiled in the measured ones. */
async function warmUp(eng: BenchEngine, scale: Scale): Promise<void> {
  await withFreshNetns('warm', async (ns) => {
    const r = await eng.apply(ns, scaleState(scale))
    assert.equal(r.status, 'committed')
  })
}

async function main(): Promise<void> {
  const scale = scaleFromArgs(argv)
  const reps = numArg(argv, '--reps', 3)
  const settleMs = numArg(argv, '--settle-ms', SETTLE_MS)
  log(`host-apply: ${scale.bridges} bridges, ${scale.pairs} veth pairs, ${reps} repetitions; ${loadLine()}`)
  const eng = await openEngine()
  try {
    await warmUp(eng, scale)
    await settle(settleMs)
    const yaml = scaleYaml(scale)
    const parses: number[] = []
    const lines = createLines(scale)
    const ours: number[] = []
    const base: number[] = []
    for (let r = 0; r < reps; r++) {
      const sides = [
        async (): Promise<void> => {
          await withFreshNetns('ours', async (ns) => {
            const t = await timeMs(async () => {
              const parsed = timeSyncMs(() => parseDesiredState(yaml))
              parses.push(parsed.ms)
              return eng.apply(ns, parsed.value)
            })
            assert.equal(t.value.status, 'committed')
            assert.equal(t.value.verifyAttempts, 1)
            ours.push(t.ms)
          })
          await settle(settleMs)
        },
        async (): Promise<void> => {
          await withFreshNetns('base', async (ns) => {
            base.push((await timeMs(async () => ipBatch(ns, lines))).ms)
          })
          await settle(settleMs)
        },
      ]
      if (r % 2 === 1) sides.reverse()
      for (const side of sides) await side()
      log(`  rep ${r + 1}: ours ${round(ours[ours.length - 1]!, 0)} ms, baseline ${round(base[base.length - 1]!, 0)} ms; ${loadLine()}`)
    }
    log(`ours ${list(ours)} ms (median ${round(median(ours), 0)}), baseline ${list(base)} ms (median ${round(median(base), 0)})`)
    log(`YAML parse ${list(parses)} ms (${yaml.length} bytes), included in ours`)
    log(loadLine())
    printResults('host-apply', [result('host-apply', median(ours), median(base), 'ms'), result('host-apply-parse', median(parses), null, 'ms')])
  } finally {
    eng.close()
  }
}

await main()
