/**
 * nmstate's examples on the full kernel: one User-Mode Linux boot runs every sequence of FULL_KERNEL_SEQUENCES
 * (nmstate-examples-lane.js); each document must apply, re-apply to no change, and leave a state whose show (YAML
 * and JSON) re-applies to no change. Each sequence is asserted here.
 */
import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { lastJsonLine, runUnderUml, umlSkip, type UmlResult } from '../helpers/uml.js'
import { checkSequence, examplesSkip, FULL_KERNEL_SEQUENCES, type ExampleOutcome } from '../host-e2e/nmstate-examples.js'

const skip = examplesSkip() || (umlSkip() ?? false)
const script = fileURLToPath(new URL('./nmstate-examples-lane.js', import.meta.url))

let run: UmlResult | undefined
let sequences: ExampleOutcome[][] = []

before(async () => {
  if (skip !== false) return
  run = await runUnderUml(script, { timeoutMs: 480_000 })
  const out = lastJsonLine(run.stdout) as { kernel?: string; sequences?: ExampleOutcome[][]; ms?: number[] }
  assert.equal(out.kernel, 'uml', `the examples ran under the UML kernel\n${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`)
  sequences = out.sequences ?? []
  process.stdout.write(`# nmstate examples in UML: ${JSON.stringify(out.ms)} ms per sequence\n`)
})

test('the full-kernel lane ran every sequence', { skip }, () => {
  assert.equal(run?.exitCode, 0, run?.stderr)
  assert.equal(sequences.length, FULL_KERNEL_SEQUENCES.length)
})

for (const [k, seq] of FULL_KERNEL_SEQUENCES.entries()) {
  test(`nmstate examples on the full kernel: ${seq.join(' → ')}`, { skip }, () => {
    const out = sequences[k]
    assert.ok(out, 'the sequence reported')
    assert.deepEqual(out.map((o) => o.file), [...seq])
    assert.equal(checkSequence(seq, out), undefined)
  })
}
