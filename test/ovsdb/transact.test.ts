/** transact against a real private ovsdb-server: success with named-uuid links, typed errors, atomicity, speed. */
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import type { OvsPrivate } from '../../src/lab/ovs-private.js'
import type { OvsdbClient } from '../../src/backend/ovsdb/client.js'
import { OvsdbRpcError, OvsdbTxnError } from '../../src/backend/ovsdb/errors.js'
import { Op, eq, mutation, type OvsdbOperation } from '../../src/backend/ovsdb/ops.js'
import { namedUuid, ovsSet, uuidAtom } from '../../src/backend/ovsdb/atoms.js'
import { addBridgeOps, addPortsOps } from '../../src/backend/ovsdb/vswitch-ops.js'
import { bridgeFromRow, openVSwitchFromRow, portFromRow } from '../../src/backend/ovsdb/vswitch-rows.js'
import { hasNameIndex } from '../../src/backend/ovsdb/schema.js'
import { SKIP_OVS, connectClient, snapshot, startOvs, stopAllAndCheck } from './helpers.js'

const DB = 'Open_vSwitch'
let ovs: OvsPrivate
let client: OvsdbClient

before(async () => {
  if (SKIP_OVS) return
  ovs = await startOvs()
  client = await connectClient(ovs)
})

after(async () => {
  client?.close()
  assert.deepEqual(await stopAllAndCheck(), [])
})

/** Run `ops`, expect an OvsdbTxnError matching `check`, and prove the database did not change. */
async function expectFailureUnchanged(ops: OvsdbOperation[], check: (e: OvsdbTxnError) => void): Promise<OvsdbTxnError> {
  const before = await snapshot(client)
  let caught: unknown
  try {
    await client.transact(DB, ops)
  } catch (e) {
    caught = e
  }
  assert.ok(caught instanceof OvsdbTxnError, `expected OvsdbTxnError, got ${String(caught)}`)
  check(caught)
  assert.equal(await snapshot(client), before, 'the database changed')
  return caught
}

test('list_dbs, get_schema and echo', { skip: SKIP_OVS }, async () => {
  assert.deepEqual((await client.listDbs()).sort(), ['Open_vSwitch', '_Server'])
  const schema = await client.getSchema(DB)
  assert.equal(schema.name, 'Open_vSwitch')
  assert.ok(hasNameIndex(schema.tables['Bridge']!))
  assert.equal(schema.tables['Port']!.columns['tag']!.type.max, 1)
  assert.deepEqual(await client.echo('ping', 1), ['ping', 1])
  await assert.rejects(client.getSchema('nope'), (e: unknown) => e instanceof OvsdbRpcError && e.kind === 'not-found')
})

test('insert bridge + port + interface linked with named uuids into Open_vSwitch.bridges', { skip: SKIP_OVS }, async () => {
  const results = await client.transact(DB, [
    Op.insert('Interface', { name: 'br0', type: 'internal' }, 'iface'),
    Op.insert('Port', { name: 'br0', interfaces: namedUuid('iface') }, 'port'),
    Op.insert('Bridge', { name: 'br0', ports: ovsSet([namedUuid('port')]), datapath_type: 'netdev' }, 'bridge'),
    Op.mutate(DB, [], [mutation('bridges', 'insert', ovsSet([namedUuid('bridge')]))]),
  ])
  const [ifaceUuid, portUuid, bridgeUuid] = results.slice(0, 3).map((r) => r.uuid?.[1])
  assert.equal(results[3]?.count, 1)
  const [ovsRows, brRows, portRows] = await client.transact(DB, [Op.select(DB), Op.select('Bridge', [eq('name', 'br0')]), Op.select('Port', [eq('name', 'br0')])])
  const root = openVSwitchFromRow('x', ovsRows!.rows![0]!)
  const br = bridgeFromRow(bridgeUuid!, brRows!.rows![0]!)
  const port = portFromRow(portUuid!, portRows!.rows![0]!)
  assert.deepEqual(root.bridges, [bridgeUuid])
  assert.deepEqual(br.ports, [portUuid])
  assert.equal(br.datapathType, 'netdev')
  assert.deepEqual(port.interfaces, [ifaceUuid])
})

test('referential integrity: a Port referencing a missing Interface fails at commit, nothing changes', { skip: SKIP_OVS }, async () => {
  const missing = '2f7f4a9c-9d1f-4c62-9f2e-1b2c3d4e5f60'
  await expectFailureUnchanged(
    [
      Op.insert('Interface', { name: 'ok0' }, 'i0'),
      Op.insert('Port', { name: 'ok0', interfaces: namedUuid('i0') }, 'p0'),
      Op.insert('Port', { name: 'bad', interfaces: uuidAtom(missing) }, 'p1'),
      Op.mutate('Bridge', [eq('name', 'br0')], [mutation('ports', 'insert', ovsSet([namedUuid('p0'), namedUuid('p1')]))]),
    ],
    (e) => {
      assert.equal(e.kind, 'backend-failure')
      assert.equal(e.ovsdbError, 'referential integrity violation')
      assert.equal(e.phase, 'commit')
      assert.equal(e.opIndex, 2, 'blames the Port insert that references the missing row')
      assert.match(e.ovsdbDetails ?? '', new RegExp(missing))
    },
  )
})

test('constraint violation: bad enum value (Port.vlan_mode) and out-of-range tag, earlier ops undone', { skip: SKIP_OVS }, async () => {
  const first = [Op.insert('Interface', { name: 'c0' }, 'i'), Op.insert('Port', { name: 'c0', interfaces: namedUuid('i') }, 'p')]
  const link = Op.mutate('Bridge', [eq('name', 'br0')], [mutation('ports', 'insert', ovsSet([namedUuid('p')]))])
  await expectFailureUnchanged([...first, link, Op.update('Port', [eq('name', 'br0')], { vlan_mode: 'bogus' })], (e) => {
    assert.equal(e.ovsdbError, 'constraint violation')
    assert.equal(e.opIndex, 3)
    assert.equal(e.phase, 'operation')
    assert.match(e.message, /operation 3 \(update on 'Port'\).*bogus is not one of the allowed values/)
  })
  await expectFailureUnchanged([...first, link, Op.update('Port', [eq('name', 'br0')], { tag: 5000 })], (e) => {
    assert.equal(e.kind, 'backend-failure')
    assert.match(e.ovsdbDetails ?? '', /5000 is not in the valid range 0 to 4095/)
  })
})

test('duplicate bridge name (index on Bridge.name) is a conflict, nothing changes', { skip: SKIP_OVS }, async () => {
  const dup = [Op.insert('Bridge', { name: 'br0' }, 'b'), Op.mutate(DB, [], [mutation('bridges', 'insert', ovsSet([namedUuid('b')]))])]
  await expectFailureUnchanged([...addBridgeOps({ name: 'dup0' }), ...dup], (e) => {
    assert.equal(e.kind, 'conflict')
    assert.equal(e.opIndex, 4, 'blames the second Bridge insert')
    assert.equal(e.ovsdbError, 'constraint violation')
    assert.match(e.ovsdbDetails ?? '', /identical values \(br0\) for index on column "name"/)
  })
  // the same name inserted twice in one transaction
  await expectFailureUnchanged([...addBridgeOps({ name: 'twice' }), ...addBridgeOps({ name: 'twice' })], (e) => assert.equal(e.kind, 'conflict'))
})

test('a wait that times out is a timeout error; a timeout-0 precondition is a conflict; nothing changes', { skip: SKIP_OVS }, async () => {
  const t0 = performance.now()
  const never = Op.wait('Bridge', [eq('name', 'br0')], { columns: ['datapath_type'], until: '==', rows: [{ datapath_type: 'system' }], timeoutMs: 300 })
  await expectFailureUnchanged([...addBridgeOps({ name: 'w0' }), never], (e) => {
    assert.equal(e.kind, 'timeout')
    assert.equal(e.ovsdbError, 'timed out')
    assert.equal(e.opIndex, 4)
  })
  assert.ok(performance.now() - t0 >= 290, 'the server waited')
  await expectFailureUnchanged(addPortsOps('no-such-bridge', [{ name: 'x0' }]), (e) => {
    assert.equal(e.kind, 'conflict')
    assert.equal(e.opIndex, 0)
  })
})

test('abort undoes the whole transaction', { skip: SKIP_OVS }, async () => {
  await expectFailureUnchanged([...addBridgeOps({ name: 'ab0' }), Op.comment('then abort'), Op.abort()], (e) => {
    assert.equal(e.ovsdbError, 'aborted')
    assert.equal(e.opIndex, 5)
  })
})

test('atomicity: 200 port inserts followed by one failing op leave no trace', { skip: SKIP_OVS }, async () => {
  const ports = Array.from({ length: 200 }, (_, i) => ({ name: `atom${i}`, tag: 1 + i }))
  await expectFailureUnchanged([...addPortsOps('br0', ports), Op.update('Bridge', [eq('name', 'br0')], { fail_mode: 'bogus' })], (e) => {
    assert.equal(e.opIndex, 1 + 400 + 1)
  })
  const [r] = await client.transact(DB, [Op.select('Port', [eq('name', 'atom0')])])
  assert.equal(r?.rows?.length, 0)
})

test('cancel: aborting a blocked transaction cancels it on the server', { skip: SKIP_OVS }, async () => {
  const ac = new AbortController()
  const blocked = client.transact(DB, [Op.wait('Bridge', [eq('name', 'br0')], { columns: ['name'], until: '!=', rows: [{ name: 'br0' }], timeoutMs: 10_000 })], { signal: ac.signal })
  setTimeout(() => ac.abort(), 50)
  await assert.rejects(blocked, (e: unknown) => e instanceof OvsdbRpcError && e.canceled)
})

test('locks: the second client waits, gets "locked" after unlock', { skip: SKIP_OVS }, async () => {
  const other = await connectClient(ovs)
  try {
    assert.equal(await client.lock('hostnet_writer'), true)
    const events: string[] = []
    other.onLockEvent((ev, id) => events.push(`${ev}:${id}`))
    assert.equal(await other.lock('hostnet_writer'), false)
    await client.unlock('hostnet_writer')
    for (let i = 0; i < 100 && events.length === 0; i++) await new Promise((r) => setTimeout(r, 10))
    assert.deepEqual(events, ['locked:hostnet_writer'])
    await assert.rejects(client.lock('bad-name'), /invalid OVSDB lock name/)
  } finally {
    other.close()
  }
})

test('performance: 500 bridges in one transaction, and 500 tagged ports on one bridge', { skip: SKIP_OVS }, async () => {
  const bridges = Array.from({ length: 500 }, (_, i) => addBridgeOps({ name: `pb${i}` })).flat()
  let t0 = performance.now()
  await client.transact(DB, bridges)
  const bridgesMs = performance.now() - t0
  await client.transact(DB, addBridgeOps({ name: 'perf' }))
  const ports = Array.from({ length: 500 }, (_, i) => ({ name: `pp${i}`, type: 'internal', tag: 1 + (i % 4094) }))
  t0 = performance.now()
  const res = await client.transact(DB, addPortsOps('perf', ports))
  const portsMs = performance.now() - t0
  assert.equal(res.length, 1 + 1000 + 1)
  const [br] = await client.transact(DB, [Op.select('Bridge', [eq('name', 'perf')], ['ports'])])
  assert.equal(bridgeFromRow('x', { name: 'perf', ...br!.rows![0]! }).ports.length, 501)
  console.log(`# 500 bridges in one transaction: ${bridgesMs.toFixed(1)} ms; 500 tagged ports in one transaction: ${portsMs.toFixed(1)} ms`)
  assert.ok(bridgesMs < 3000 && portsMs < 3000, `too slow: ${bridgesMs} / ${portsMs} ms`)
})
