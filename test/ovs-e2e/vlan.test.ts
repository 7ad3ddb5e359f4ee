/**
 * VLANs on OVS ports, end to end. Guests sit on access ports (internal ports moved into their own namespaces):
 * different tags in one subnet cannot reach each other, the same tag can. A trunk port (a veth) carries both
 * tags to a third namespace, which has no 802.1q module to split them: it runs its own private OVS (configured
 * by hostnet too) with the trunk as a trunk port and one internal access port per tag, each with an address,
 * so reaching each of them proves that VLAN's frames crossed the trunk tagged and stayed apart.
 */
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { leakedNetns, udpReaches } from '../helpers/netns.js'
import { SKIP_OVS_E2E, openLab, wire, withLab } from './lab.js'

after(() => assert.deepEqual(leakedNetns(), []))

function hostDoc(gbTag: number): string {
  return `interfaces:
  - name: br-v
    type: ovs-bridge
    bridge:
      options: {datapath: netdev}
      port:
        - {name: ga, vlan: {mode: access, tag: 10}}
        - {name: gb, vlan: {mode: access, tag: ${gbTag}}}
        - {name: gc, vlan: {mode: access, tag: 10}}
        - {name: gd, vlan: {mode: access, tag: 20}}
        - {name: trunk, vlan: {mode: trunk, trunk-tags: [{id: 10}, {id: 20}]}}
  - {name: trunk, type: veth, state: up}
`
}

const FAR_DOC = `interfaces:
  - name: br-t
    type: ovs-bridge
    bridge:
      options: {datapath: netdev}
      port:
        - {name: up0, vlan: {mode: trunk, trunk-tags: [{id-range: {min: 10, max: 20}}]}}
        - {name: t10, vlan: {mode: access, tag: 10}}
        - {name: t20, vlan: {mode: access, tag: 20}}
  - {name: up0, type: veth, state: up}
  - {name: t10, type: ovs-interface, ipv4: {address: [{ip: 10.10.0.9, prefix-length: 24}]}}
  - {name: t20, type: ovs-interface, ipv4: {address: [{ip: 10.20.0.9, prefix-length: 24}]}}
`

const NO = 1500

test('access ports isolate VLANs, a trunk carries both tags to a namespace that sees each VLAN', { skip: SKIP_OVS_E2E }, async () => {
  await withLab(async (lab) => {
    const far = await openLab()
    try {
      wire(lab.ns, 'trunk', far.ns, 'up0')
      assert.equal((await far.apply(FAR_DOC)).status, 'committed')
      assert.equal((await lab.apply(hostDoc(20))).status, 'committed')
      const ga = await lab.guest('ga', '10.10.0.1/24')
      const gb = await lab.guest('gb', '10.10.0.2/24')
      const gc = await lab.guest('gc', '10.10.0.3/24')
      const gd = await lab.guest('gd', '10.20.0.4/24')
      assert.ok(await udpReaches(ga, gc, '10.10.0.3', 3000), 'same tag (10): reachable')
      assert.equal(await udpReaches(ga, gb, '10.10.0.2', NO), false, 'tags 10 and 20 in one subnet: isolated')
      assert.ok(await udpReaches(ga, far.ns, '10.10.0.9', 3000), 'VLAN 10 crosses the trunk to the far VLAN 10 port')
      assert.ok(await udpReaches(gd, far.ns, '10.20.0.9', 3000), 'VLAN 20 crosses the trunk to the far VLAN 20 port')
      assert.equal(await udpReaches(gb, far.ns, '10.10.0.9', NO), false, 'VLAN 20 does not reach the far VLAN 10 port')
      const moved = await lab.apply(hostDoc(10))
      assert.equal(moved.status, 'committed')
      assert.deepEqual(moved.ops.map((o) => (o.kind === 'ovs.transact' ? o.changes : o.kind)), [[{ kind: 'port.set', name: 'gb', columns: { tag: 10 } }]])
      assert.ok(await udpReaches(ga, gb, '10.10.0.2', 3000), 'gb moved to tag 10: reachable')
      assert.ok(await udpReaches(gb, far.ns, '10.10.0.9', 3000), 'and reaches the far VLAN 10 port')
    } finally {
      await far.close()
    }
  })
})
