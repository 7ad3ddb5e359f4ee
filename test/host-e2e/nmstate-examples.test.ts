/**
 * nmstate's `examples/` on this kernel: one sandbox (NICs eth0..eth3) with a private Open vSwitch, every sequence of
 * nmstate-examples.ts run in order through the service layer the CLI uses (apply, re-apply with no change, and
 * `show`/`show --json` re-applied with no change after every step); the documents that need hardware are refused
 * naming the key, and apply without it with skipUnsupported. The catalogue must account for every file.
 */
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseDesiredState, type SkippedKey } from '../../src/codec/yaml/state.js'
import { HostnetError } from '../../src/errors.js'
import type { Target } from '../../src/model/target.js'
import { createSandbox } from '../../src/lab/sandbox.js'
import { destroySandboxAndOvs, startSandboxOvs } from '../../src/lab/sandbox-ovs.js'
import { diffDocument, runApply, showState } from '../../src/service/host.js'
import { openRuntime, type Runtime } from '../../src/service/runtime.js'
import type { KernelCaps } from '../../src/plan/caps.js'
import { canUseNetns, leakedNetns, uniqueNetnsName } from '../helpers/netns.js'
import {
  DHCP_OWNED_EXAMPLES,
  exampleFiles,
  examplesSkip,
  FULL_KERNEL_SEQUENCES,
  HARDWARE_EXAMPLES,
  checkSequence,
  NOT_YET,
  readExample,
  runSequence,
  SANDBOX_SEQUENCES,
  TESTED_ELSEWHERE,
  type ExampleOutcome,
  type ExampleTarget,
} from './nmstate-examples.js'
import { SKIP_OVS_E2E } from '../ovs-e2e/lab.js'

const skip = examplesSkip() || (canUseNetns() ? SKIP_OVS_E2E : 'needs root for network namespaces')

let dir = ''
let name = ''
let rt: Runtime | undefined
let target: Target

let caps: KernelCaps | undefined

function exampleTarget(runtime: Runtime): ExampleTarget {
  return {
    apply: (desired) => runApply(runtime, target, desired),
    query: () => showState(runtime, target),
    ...(caps === undefined ? {} : { caps }),
  }
}

before(async () => {
  if (skip !== false) return
  dir = mkdtempSync(join(tmpdir(), 'hostnet-nmstate-ex-'))
  name = uniqueNetnsName('nmx')
  target = { kind: 'netns', name }
  await createSandbox({ name })
  await startSandboxOvs(dir, name)
  rt = await openRuntime({ stateDir: dir }, { networks: false })
  caps = await rt.caps(target)
})

after(async () => {
  rt?.close()
  if (name !== '') await destroySandboxAndOvs(dir, name)
  if (dir !== '') rmSync(dir, { recursive: true, force: true })
  assert.deepEqual(leakedNetns(), [])
})

test('the catalogue accounts for every example document exactly once', { skip }, () => {
  const placed = new Map<string, string>()
  const place = (f: string, where: string): void => {
    if (!placed.has(f)) placed.set(f, where)
  }
  for (const s of SANDBOX_SEQUENCES) for (const f of s) place(f, 'sandbox')
  for (const s of FULL_KERNEL_SEQUENCES) for (const f of s) place(f, 'full-kernel')
  for (const f of Object.keys(HARDWARE_EXAMPLES)) place(f, 'hardware')
  for (const f of Object.keys(DHCP_OWNED_EXAMPLES)) place(f, 'dhcp')
  for (const f of Object.keys(TESTED_ELSEWHERE)) place(f, 'elsewhere')
  const files = exampleFiles()
  assert.deepEqual(files.filter((f) => !placed.has(f)), [], 'documents not in the catalogue')
  assert.deepEqual([...placed.keys()].filter((f) => !files.includes(f)).sort(), [], 'catalogue entries without a document')
})

const outcomes: ExampleOutcome[][] = []

for (const [k, seq] of SANDBOX_SEQUENCES.entries()) {
  test(`nmstate examples in a sandbox: ${seq.join(' → ')}`, { skip }, async () => {
    const out = await runSequence(exampleTarget(rt!), seq)
    outcomes[k] = out
    assert.equal(checkSequence(seq, out), undefined)
    if (out.every((o) => o.ok)) {
      // the sandbox is back to its NICs after every sequence: only lo, eth0..eth3 and the OVS system datapath
      const left = (await showState(rt!, target)).interfaces.map((i) => i.name).filter((n) => !/^(lo|eth[0-3]|ovs-netdev)$/.test(n))
      assert.deepEqual(left, [], `${seq.at(-1)} leaves the sandbox as it found it`)
    } else {
      // a sequence stopped early by a known gap still cleans up what it made
      for (const f of [...seq].reverse()) if (/(absent|delete)\.yml$/.test(f) && NOT_YET[f] === undefined) await runApply(rt!, target, parseDesiredState(readExample(f))).catch(() => undefined)
    }
  })
}

for (const [file, hw] of Object.entries(HARDWARE_EXAMPLES)) {
  test(`nmstate example needing hardware: ${file} is refused naming the key, and skipUnsupported applies the rest`, { skip }, async () => {
    const text = readExample(file)
    let refused: unknown
    try {
      await runApply(rt!, target, parseDesiredState(text))
    } catch (e) {
      refused = e
    }
    assert.ok(refused instanceof HostnetError, `${file} is refused (${String(refused)})`)
    assert.equal(refused.kind, 'not-supported', refused.message)
    if (NOT_YET[file] !== undefined) {
      assert.match(refused.message, NOT_YET[file], 'the known gap')
      return
    }
    assert.match(refused.message, hw.key)
    assert.match(refused.message, /not supported/)
    const skipped: SkippedKey[] = []
    const rest = parseDesiredState(text, { skipUnsupported: true, skipped })
    assert.ok(skipped.length > 0, 'the skipped keys are reported')
    assert.ok(skipped.some((s) => hw.key.test(s.key)), JSON.stringify(skipped))
    if (hw.rest) {
      const r = await runApply(rt!, target, rest)
      assert.ok(['committed', 'unchanged'].includes(r.status))
      assert.deepEqual(await diffDocument(rt!, target, rest).then((d) => d.ops), [])
    }
  })
}
