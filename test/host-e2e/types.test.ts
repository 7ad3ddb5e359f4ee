/**
 * Every interface type this machine's kernel can create, created, changed and removed through the engine from
 * YAML documents, each in namespaces it creates and removes (bond, VLAN, dummy and vrf: see
 * test/kernel-lane/engine-lane.test.ts). After every apply the journal says committed, and re-applying the last
 * document changes nothing.
 */
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { canUseNetns, leakedNetns } from '../helpers/netns.js'
import { bridgeCase, ethernetCase, tapCase, vethCase } from './cases-links.js'
import { macvlanCase, macvtapCase, vxlanCase } from './cases-stacked.js'
import { runTypeCase, type E2eCase } from './committed.js'

const skip = canUseNetns() ? false : 'needs root and ip netns'

const CASES: ReadonlyArray<{ name: string; type: string; sandbox: boolean; fn: E2eCase }> = [
  { name: 'veth pair', type: 'veth', sandbox: false, fn: vethCase },
  { name: 'bridge with ports and options', type: 'linux-bridge', sandbox: false, fn: bridgeCase },
  { name: 'NIC (veth end) changed, enslaved, released', type: 'ethernet', sandbox: true, fn: ethernetCase },
  { name: 'tap and tun', type: 'tap', sandbox: false, fn: tapCase },
  { name: 'mac-vlan on a NIC', type: 'mac-vlan', sandbox: true, fn: macvlanCase },
  { name: 'mac-vtap on a NIC', type: 'mac-vtap', sandbox: true, fn: macvtapCase },
  { name: 'vxlan on a NIC, port of a bridge', type: 'vxlan', sandbox: true, fn: vxlanCase },
]

for (const c of CASES) {
  test(`engine e2e ${c.type}: ${c.name}`, { skip }, async () => {
    await runTypeCase(c.fn, { sandbox: c.sandbox })
  })
}

after(() => {
  if (skip === false) assert.deepEqual(leakedNetns(), [], 'namespaces left behind')
})
