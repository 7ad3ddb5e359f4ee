/**
 * Runs INSIDE the User-Mode Linux guest (see engine-lane.test.ts): the engine cases for bond, VLAN, dummy, vrf and
 * the bond → VLAN → bridge stack (plus its fault sweep), each in its own namespace and a state dir on the guest's
 * tmpfs. Prints one JSON line `{"kernel": "uml"|"host", "cases": {name: {ok, error?, ms}}}` at the end.
 * Arguments: case names to run (default: all).
 */
import { runTypeCase, type E2eCase } from '../host-e2e/committed.js'
import { bondCase, dummyCase, vlanCase, vrfCase } from './engine-type-cases.js'
import { stackCase, stackFaultCase } from './engine-stack-cases.js'

export const ENGINE_LANE_CASES: Readonly<Record<string, E2eCase>> = {
  dummy: dummyCase,
  bond: bondCase,
  vlan: vlanCase,
  vrf: vrfCase,
  'stack-bond-vlan-bridge': stackCase,
  'stack-fault-sweep': stackFaultCase,
}

async function runCase(fn: E2eCase): Promise<{ ok: boolean; error?: string; ms: number }> {
  const t0 = performance.now()
  const ms = (): number => Math.round(performance.now() - t0)
  try {
    // the guest's /run is a tmpfs (its /tmp is the host's, through hostfs)
    await runTypeCase(fn, process.env['UML_LANE'] === '1' ? { tmpBase: '/run' } : {})
    return { ok: true, ms: ms() }
  } catch (e) {
    return { ok: false, error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e), ms: ms() }
  }
}

async function main(): Promise<void> {
  const only = process.argv.slice(2)
  const cases: Record<string, unknown> = {}
  for (const [name, fn] of Object.entries(ENGINE_LANE_CASES)) if (only.length === 0 || only.includes(name)) cases[name] = await runCase(fn)
  process.stdout.write(`${JSON.stringify({ kernel: process.env['UML_LANE'] === '1' ? 'uml' : 'host', cases })}\n`)
}

await main()
