/**
 * A Kimchi bridged network over a NIC that carries the host's address and default route (./bridge-cases.ts): the
 * address and route move to the bridge in one transaction and come back when the network is deleted, a forced
 * failure half-way leaves the NIC as it was. On this kernel without a VLAN; the VLAN variant under User-Mode Linux.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { canUseNetns, leakedNetns } from '../helpers/netns.js'
import { lastJsonLine, runUnderUml, umlSkip } from '../helpers/uml.js'
import { bridgeCase } from './bridge-cases.js'

const skip = canUseNetns() ? false : 'needs root and ip netns'

test("kimchi bridge over a NIC with the host's address and default route: moved, restored, rolled back on failure", { skip }, async () => {
  await bridgeCase()
  assert.deepEqual(leakedNetns(), [])
})

test('kimchi bridge with a VLAN id (full kernel): kb<nic>-<vlan> over <nic>.<vlan>, the NIC untouched, guests reach the VLAN', { skip: skip || (umlSkip() ?? false) }, async () => {
  const run = await runUnderUml(fileURLToPath(new URL('./bridge-lane.js', import.meta.url)), { timeoutMs: 240_000 })
  const out = lastJsonLine(run.stdout) as { kernel?: string; ok?: boolean; error?: string }
  assert.equal(out.kernel, 'uml', 'ran under the UML kernel')
  assert.equal(out.ok, true, `${out.error ?? ''}\n${run.stderr.slice(-2000)}`)
})
