/**
 * An OVS bridge with an internal port carrying an address, created by one apply: the port exists in the
 * kernel (a tap device of the userspace datapath) with its MTU and address, a namespace on an access port of
 * the same VLAN reaches it, and the query reports it as an ovs-interface of the bridge.
 */
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { leakedNetns, udpReaches } from '../helpers/netns.js'
import { SKIP_OVS_E2E, withLab } from './lab.js'

after(() => assert.deepEqual(leakedNetns(), []))

const DOC = `interfaces:
  - name: br-lab
    type: ovs-bridge
    bridge:
      options: {datapath: netdev, stp: false}
      port:
        - {name: mgmt, vlan: {mode: access, tag: 10}}
        - {name: ga, vlan: {mode: access, tag: 10}}
  - name: mgmt
    type: ovs-interface
    mtu: 1400
    ipv4: {address: [{ip: 10.10.0.254, prefix-length: 24}]}
`

test('an internal port with an address is reachable from a namespace on the same bridge', { skip: SKIP_OVS_E2E }, async () => {
  await withLab(async (lab) => {
    const r = await lab.apply(DOC)
    assert.equal(r.status, 'committed')
    assert.equal(r.ops.filter((o) => o.kind === 'ovs.transact').length, 1, 'one OVS transaction')
    const s = await lab.query()
    const mgmt = s.interfaces.find((i) => i.name === 'mgmt')
    assert.equal(mgmt?.type, 'ovs-interface')
    assert.equal(mgmt?.controller, 'br-lab')
    assert.equal(mgmt?.mtu, 1400)
    assert.equal(mgmt?.state, 'up')
    assert.deepEqual(mgmt?.ipv4?.addresses, [{ ip: '10.10.0.254', prefixLength: 24 }])
    assert.equal(s.interfaces.find((i) => i.name === 'ga')?.type, 'ovs-interface', 'a listed port without a device becomes an internal port')
    const br = s.interfaces.find((i) => i.type === 'ovs-bridge')
    assert.deepEqual(br?.ovsBridge?.ports?.map((p) => [p.name, p.vlan?.tag]), [['ga', 10], ['mgmt', 10]])
    const ga = await lab.guest('ga', '10.10.0.1/24')
    assert.ok(await udpReaches(ga, lab.ns, '10.10.0.254', 3000), 'guest reaches the internal port')
    const again = await lab.apply(DOC)
    assert.equal(again.status, 'unchanged', JSON.stringify(again.ops))
  })
})
