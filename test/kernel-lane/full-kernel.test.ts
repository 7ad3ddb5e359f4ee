/**
 * The full-kernel lane: bond, VLAN, dummy, VRF, bridge VLAN filtering and a bond → VLAN → bridge stack, which
 * this VM's kernel lacks. One User-Mode Linux boot runs full-kernel-cases.js (all cases, one JSON line out);
 * each case is then asserted here.
 */
import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { lastJsonLine, runUnderUml, umlSkip, type UmlResult } from '../helpers/uml.js'

const CASE_NAMES = ['bond-modes', 'bond-ports', 'vlan', 'dummy', 'vrf', 'bridge-vlan-filtering', 'stack-bond-vlan-bridge', 'caps']
const skip = umlSkip() ?? false
const script = fileURLToPath(new URL('./full-kernel-cases.js', import.meta.url))

let run: UmlResult | undefined
let cases: Record<string, { ok?: boolean; error?: string }> = {}

before(async () => {
  if (skip !== false) return
  run = await runUnderUml(script, { timeoutMs: 300_000 })
  const out = lastJsonLine(run.stdout) as { kernel?: string; cases?: typeof cases }
  assert.equal(out.kernel, 'uml', 'the cases ran under the UML kernel')
  cases = out.cases ?? {}
})

test('the lane ran and reported every case', { skip }, () => {
  assert.equal(run?.exitCode, 0, run?.stderr)
  assert.deepEqual(Object.keys(cases).sort(), [...CASE_NAMES].sort())
})

for (const name of CASE_NAMES) {
  test(`full kernel: ${name}`, { skip }, () => {
    const c = cases[name]
    assert.ok(c, `case '${name}' did not report`)
    assert.equal(c.ok, true, c.error)
  })
}
