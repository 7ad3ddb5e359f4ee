/**
 * Runs INSIDE the User-Mode Linux guest (see nmstate-examples.test.ts beside it): nmstate's examples that need
 * bonding, 802.1q, VRF, ipvlan or bridge VLAN filtering, in order in one sandbox (NICs eth0..eth3) with its store on
 * the guest's tmpfs, through the engine. Prints one JSON line `{"kernel": "uml"|"host", "sequences": [[outcome...]...]}`.
 */
import { applyState } from '../../src/txn/index.js'
import { withE2e } from '../host-e2e/env.js'
import { FULL_KERNEL_SEQUENCES, runSequence, type ExampleOutcome, type ExampleTarget } from '../host-e2e/nmstate-examples.js'

async function main(): Promise<void> {
  const sequences: ExampleOutcome[][] = []
  const ms: number[] = []
  // one sandbox for every sequence, as a user would run them: each sequence ends by removing what it made
  try {
    await withE2e(
      async (env) => {
        const t: ExampleTarget = {
          apply: (desired) => applyState({ backend: env.backend, store: env.store, target: env.target, caps: env.caps, desired }),
          query: () => env.query(),
          caps: env.caps,
        }
        for (const seq of FULL_KERNEL_SEQUENCES) {
          const t0 = performance.now()
          sequences.push(await runSequence(t, seq))
          ms.push(Math.round(performance.now() - t0))
        }
      },
      { sandbox: true, ...(process.env['UML_LANE'] === '1' ? { tmpBase: '/run' } : {}) },
    )
  } catch (e) {
    sequences.push([{ file: '(environment)', ok: false, error: `the environment failed: ${(e as Error).message}` }])
  }
  process.stdout.write(`${JSON.stringify({ kernel: process.env['UML_LANE'] === '1' ? 'uml' : 'host', sequences, ms })}\n`)
}

await main()
