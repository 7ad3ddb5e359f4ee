/**
 * The engine on the full kernel: bond, VLAN, dummy and vrf created, changed and removed from YAML documents through
 * applyState, the bond → VLAN → bridge stack, and a fault sweep over the stack. One User-Mode Linux boot runs
 * engine-cases.js (every case, one JSON line out); each case is asserted here.
 */
import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { lastJsonLine, runUnderUml, umlSkip, type UmlResult } from '../helpers/uml.js'

const CASE_NAMES = ['dummy', 'bond', 'vlan', 'vrf', 'stack-bond-vlan-bridge', 'stack-fault-sweep']
const skip = umlSkip() ?? false
const script = fileURLToPath(new URL('./engine-cases.js', import.meta.url))

let run: UmlResult | undefined
let cases: Record<string, { ok?: boolean; error?: string }> = {}

before(async () => {
  if (skip !== false) return
  run = await runUnderUml(script, { timeoutMs: 480_000 })
  const out = lastJsonLine(run.stdout) as { kernel?: string; cases?: typeof cases }
  assert.equal(out.kernel, 'uml', 'the cases ran under the UML kernel')
  cases = out.cases ?? {}
})

test('the engine lane ran and reported every case', { skip }, () => {
  assert.equal(run?.exitCode, 0, run?.stderr)
  assert.deepEqual(Object.keys(cases).sort(), [...CASE_NAMES].sort())
})

for (const name of CASE_NAMES) {
  test(`full kernel, engine: ${name}`, { skip }, () => {
    const c = cases[name]
    assert.ok(c, `case '${name}' did not report`)
    assert.equal(c.ok, true, c.error)
  })
}
