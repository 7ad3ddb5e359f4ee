/**
 * An active-backup OVS bond of two veth "NICs" eth1/eth2 whose peers p1/p2 are plain ports of a second OVS (the
 * "switch", in its own namespace with its own ovs-vswitchd) that holds the far end's address on an internal
 * port: traffic flows over the bond; the active member goes down, the bond fails over and traffic continues;
 * the status ovs-show prints names the active member.
 */
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { ovsStatus, readOvsDb } from '../../src/backend/ovs-host/index.js'
import { leakedNetns, udpReaches } from '../helpers/netns.js'
import { SKIP_OVS_E2E, ipIn, openLab, wire, withLab, type OvsLab } from './lab.js'

after(() => assert.deepEqual(leakedNetns(), []))

const HOST_DOC = `interfaces:
  - name: br-up
    type: ovs-bridge
    bridge:
      options: {datapath: netdev}
      port:
        - {name: mgmt}
        - name: bond0
          link-aggregation:
            mode: active-backup
            port: [{name: eth1}, {name: eth2}]
  - {name: mgmt, type: ovs-interface, ipv4: {address: [{ip: 10.30.0.1, prefix-length: 24}]}}
  - {name: eth1, type: veth, state: up}
  - {name: eth2, type: veth, state: up}
`

const SWITCH_DOC = `interfaces:
  - name: br-sw
    type: ovs-bridge
    bridge:
      options: {datapath: netdev}
      port: [{name: far}, {name: p1}, {name: p2}]
  - {name: far, type: ovs-interface, ipv4: {address: [{ip: 10.30.0.2, prefix-length: 24}]}}
  - {name: p1, type: veth, state: up}
  - {name: p2, type: veth, state: up}
`

async function activeMember(lab: OvsLab): Promise<string | undefined> {
  const snap = await readOvsDb(await lab.backend.client(lab.target), { status: true })
  return ovsStatus(snap, '').bridges[0]?.ports.find((p) => p.name === 'bond0')?.bond?.activeMember
}

async function waitActive(lab: OvsLab, not: string | undefined): Promise<string | undefined> {
  for (let i = 0; i < 100; i++) {
    const a = await activeMember(lab)
    if (a !== undefined && a !== not) return a
    await new Promise((r) => setTimeout(r, 100))
  }
  return activeMember(lab)
}

test('an active-backup bond carries traffic and fails over when the active member goes down', { skip: SKIP_OVS_E2E }, async () => {
  await withLab(async (lab) => {
    const sw = await openLab()
    try {
      wire(lab.ns, 'eth1', sw.ns, 'p1')
      wire(lab.ns, 'eth2', sw.ns, 'p2')
      assert.equal((await sw.apply(SWITCH_DOC)).status, 'committed')
      assert.equal((await lab.apply(HOST_DOC)).status, 'committed')
      const s = await lab.query()
      const bond = s.interfaces.find((i) => i.type === 'ovs-bridge')?.ovsBridge?.ports?.find((p) => p.name === 'bond0')?.bond
      assert.deepEqual([bond?.mode, bond?.ports], ['active-backup', ['eth1', 'eth2']])
      assert.deepEqual(s.interfaces.filter((i) => i.controller === 'br-up').map((i) => i.name).sort(), ['eth1', 'eth2', 'mgmt'])
      assert.ok(await udpReaches(sw.ns, lab.ns, '10.30.0.1', 5000), 'traffic over the bond')
      const first = await waitActive(lab, undefined)
      assert.ok(first === 'eth1' || first === 'eth2', `active member: ${first}`)
      ipIn(lab.ns, 'link', 'set', first, 'down')
      const second = await waitActive(lab, first)
      assert.ok(second !== undefined && second !== first, `failed over from ${first} to ${second}`)
      assert.ok(await udpReaches(sw.ns, lab.ns, '10.30.0.1', 5000), 'traffic continues on the other member')
      assert.ok(await udpReaches(lab.ns, sw.ns, '10.30.0.2', 5000), 'and in the other direction')
    } finally {
      await sw.close()
    }
  })
})
