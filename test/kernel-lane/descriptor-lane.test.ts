/**
 * The descriptors against the full kernel: test/kernel/descriptor-kernel.test.js run inside one User-Mode Linux
 * boot, where the types this VM's kernel lacks (bond, VLAN, VRF) are created from their descriptors too.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { runUnderUml, umlSkip } from '../helpers/uml.js'

const skip = umlSkip() ?? false
const script = fileURLToPath(new URL('../kernel/descriptor-kernel.test.js', import.meta.url))

test('full kernel: every field of every type, from its descriptor, created, read back, changed and verified', { skip }, async () => {
  const run = await runUnderUml(script, { timeoutMs: 240_000 })
  assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`)
  assert.match(run.stdout, /^ok 1 /m)
  const types = /# types: (.*)/.exec(run.stdout)?.[1]?.split(', ') ?? []
  for (const t of ['bond', 'vlan', 'vrf', 'linux-bridge', 'vxlan']) assert.ok(types.includes(t), `${t} not covered: ${types.join(', ')}`)
})
