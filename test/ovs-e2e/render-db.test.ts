/**
 * The OVS renderer against a real ovsdb-server (no ovs-vswitchd needed): every kind of change, rendered to one
 * transaction and committed, reads back (query + merge) exactly as the plan layer's OVS model predicts. This
 * keeps render.ts, merge.ts and plan/ovs/simulate.ts in agreement.
 */
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { mergeOvsState, needsUuids, readOvsDb, renderOvsChanges } from '../../src/backend/ovs-host/index.js'
import { OvsdbTxnError } from '../../src/backend/ovsdb/errors.js'
import { VSWITCH_DB } from '../../src/backend/ovsdb/wait-applied.js'
import type { Iface } from '../../src/model/host/iface.js'
import type { HostState } from '../../src/model/host/state.js'
import type { OvsChange } from '../../src/plan/ovs/ops.js'
import { applyOvsChanges } from '../../src/plan/ovs/simulate.js'
import { SKIP_OVS, connectClient, startOvs, stopAllAndCheck } from '../ovsdb/helpers.js'

after(async () => assert.deepEqual(await stopAllAndCheck(), []))

const eth = (name: string): Iface => ({ name, type: 'ethernet', state: 'up', mtu: 1500, controller: null })
const KERNEL: HostState = { interfaces: ['eth1', 'eth2', 'eth3', 'eth4'].map(eth), routes: [] }

const STEPS: OvsChange[][] = [
  [
    { kind: 'bridge.add', name: 'br-a', columns: { datapathType: 'netdev', stpEnable: true, failMode: 'secure', externalIds: { owner: 't' } } },
    { kind: 'port.add', bridge: 'br-a', name: 'in1', columns: { tag: 10, vlanMode: 'access' }, interfaces: [{ name: 'in1', type: 'internal', mtuRequest: 9000 }] },
    { kind: 'port.add', bridge: 'br-a', name: 'bond0', columns: { bondMode: 'balance-slb', bondUpdelay: 100, otherConfig: { 'bond-detect-mode': 'carrier' } }, interfaces: [{ name: 'eth1', type: '' }, { name: 'eth2', type: '' }] },
    { kind: 'port.add', bridge: 'br-a', name: 'eth4', columns: { trunks: [10, 20, 21, 22], vlanMode: 'trunk' }, interfaces: [{ name: 'eth4', type: '', externalIds: { role: 'uplink' } }] },
    { kind: 'port.add', bridge: 'br-a', name: 'pa', columns: {}, interfaces: [{ name: 'pa', type: 'patch', options: { peer: 'pb' } }] },
    { kind: 'bridge.add', name: 'br-b', columns: { datapathType: 'netdev' } },
    { kind: 'port.add', bridge: 'br-b', name: 'pb', columns: {}, interfaces: [{ name: 'pb', type: 'patch', options: { peer: 'pa' } }] },
  ],
  [
    { kind: 'port.set', name: 'in1', columns: { tag: 5, trunks: [5, 6], vlanMode: 'native-untagged' } },
    { kind: 'port.set', name: 'bond0', columns: { bondMode: 'balance-tcp', lacp: 'active', bondDowndelay: 7 } },
    { kind: 'port.add-ifaces', port: 'bond0', interfaces: [{ name: 'eth3', type: '' }] },
    { kind: 'port.del-ifaces', port: 'bond0', names: ['eth1'] },
    { kind: 'bridge.set', name: 'br-a', columns: { failMode: null, externalIds: {}, mcastSnoopingEnable: true } },
    { kind: 'iface.set', name: 'eth4', columns: { externalIds: { role: 'trunk' } } },
  ],
  [
    { kind: 'port.move', name: 'eth4', from: 'br-a', to: 'br-b' },
    { kind: 'port.del', bridge: 'br-a', name: 'pa' },
    { kind: 'port.add', bridge: 'br-a', name: 'pa', columns: { tag: 3 }, interfaces: [{ name: 'pa', type: 'patch', options: { peer: 'pb' } }] },
    { kind: 'port.set', name: 'bond0', columns: { bondMode: null, lacp: 'active' } },
  ],
  [{ kind: 'bridge.del', name: 'br-b' }],
]

function bridges(s: HostState): unknown {
  return s.interfaces
    .filter((i) => i.type === 'ovs-bridge' || i.ovsInterface !== undefined)
    .map((i) => (i.ovsBridge?.ports === undefined ? i : { ...i, ovsBridge: { ...i.ovsBridge, ports: [...i.ovsBridge.ports].sort((a, b) => a.name.localeCompare(b.name)) } }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type))
}

test('every kind of change reads back as the OVS model predicts', { skip: SKIP_OVS }, async () => {
  const ovs = await startOvs()
  const client = await connectClient(ovs)
  try {
    let model: HostState = mergeOvsState(KERNEL, await readOvsDb(client), 'x')
    for (const [i, changes] of STEPS.entries()) {
      const ops = renderOvsChanges(changes, needsUuids(changes) ? await readOvsDb(client) : undefined)
      await client.transact(VSWITCH_DB, ops)
      model = applyOvsChanges(model, changes)
      const db = mergeOvsState(KERNEL, await readOvsDb(client), 'x')
      assert.deepEqual(bridges(db), bridges(model), `step ${i}`)
    }
  } finally {
    client.close()
    await ovs.stop()
  }
})

test('a transaction naming a row that is gone fails as a whole (precondition), changing nothing', { skip: SKIP_OVS }, async () => {
  const ovs = await startOvs()
  const client = await connectClient(ovs)
  try {
    await client.transact(VSWITCH_DB, renderOvsChanges(STEPS[0]!, undefined))
    const before = JSON.stringify(await readOvsDb(client))
    const changes: OvsChange[] = [
      { kind: 'port.set', name: 'in1', columns: { tag: 99 } },
      { kind: 'port.set', name: 'no-such-port', columns: { tag: 1 } },
    ]
    await assert.rejects(client.transact(VSWITCH_DB, renderOvsChanges(changes, undefined)), (e: unknown) => e instanceof OvsdbTxnError && e.kind === 'conflict')
    assert.equal(JSON.stringify(await readOvsDb(client)), before)
  } finally {
    client.close()
    await ovs.stop()
  }
})
