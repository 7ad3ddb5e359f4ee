/** Monitor-backed cache against a real ovsdb-server: initial dump, insert, modify, delete, callbacks, name index. */
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import type { OvsPrivate } from '../../src/lab/ovs-private.js'
import type { OvsdbClient } from '../../src/backend/ovsdb/client.js'
import type { CacheEvent } from '../../src/backend/ovsdb/monitor-cache.js'
import { openMonitorCache, type MonitoredCache } from '../../src/backend/ovsdb/monitor.js'
import { Op, eq, type Condition } from '../../src/backend/ovsdb/ops.js'
import { addBridgeOps, addPortsOps, deletePortsOps } from '../../src/backend/ovsdb/vswitch-ops.js'
import { bridgeFromRow, convertRows, interfaceFromRow, openVSwitchFromRow, portFromRow } from '../../src/backend/ovsdb/vswitch-rows.js'
import { SKIP_OVS, connectClient, startOvs, stopAllAndCheck } from './helpers.js'

const DB = 'Open_vSwitch'
const TABLES = ['Open_vSwitch', 'Bridge', 'Port', 'Interface']
let ovs: OvsPrivate
let writer: OvsdbClient
let reader: OvsdbClient
let mon: MonitoredCache
const batches: CacheEvent[][] = []

before(async () => {
  if (SKIP_OVS) return
  ovs = await startOvs()
  writer = await connectClient(ovs)
  await writer.transact(DB, addBridgeOps({ name: 'pre0' }))
  reader = await connectClient(ovs)
  mon = await openMonitorCache(reader, DB, TABLES)
  mon.cache.subscribe((evs) => batches.push([...evs]))
})

after(async () => {
  writer?.close()
  reader?.close()
  assert.deepEqual(await stopAllAndCheck(), [])
})

/** Wait until a batch satisfying `pred` has arrived (another client's change reaches us asynchronously). */
async function nextBatch(pred: (evs: CacheEvent[]) => boolean): Promise<CacheEvent[]> {
  return mon.cache.waitFor(() => batches.find(pred), 2000, 'monitor update')
}

const summary = (evs: CacheEvent[]) => evs.map((e) => `${e.type}:${e.table}`).sort()

test('initial snapshot: rows present, name index built, typed conversion works', { skip: SKIP_OVS }, () => {
  const c = mon.cache
  assert.equal(c.isFilled, true)
  const brUuid = c.uuidByName('Bridge', 'pre0')
  assert.ok(brUuid)
  const br = bridgeFromRow(brUuid, c.row('Bridge', brUuid)!)
  assert.equal(br.datapathType, 'netdev')
  const [root] = convertRows(c.rows('Open_vSwitch'), openVSwitchFromRow)
  assert.deepEqual(root?.bridges, [brUuid])
  assert.equal(portFromRow(br.ports[0]!, c.row('Port', br.ports[0]!)!).name, 'pre0')
})

test('insert: another client adds ports; one batch with Interface, Port inserts and the Bridge update', { skip: SKIP_OVS }, async () => {
  batches.length = 0
  await writer.transact(DB, addPortsOps('pre0', [{ name: 'vnet0', type: 'internal', tag: 10 }, { name: 'vnet1', type: 'internal', trunks: [20, 30] }]))
  const evs = await nextBatch((b) => b.some((e) => e.type === 'insert' && e.table === 'Port'))
  assert.deepEqual(summary(evs), ['insert:Interface', 'insert:Interface', 'insert:Port', 'insert:Port', 'update:Bridge'])
  const p0 = portFromRow(mon.cache.uuidByName('Port', 'vnet0')!, mon.cache.rowByName('Port', 'vnet0')!)
  assert.equal(p0.tag, 10)
  const i0 = interfaceFromRow(p0.interfaces[0]!, mon.cache.row('Interface', p0.interfaces[0]!)!)
  assert.equal(i0.name, 'vnet0')
  assert.equal(i0.type, 'internal')
  assert.deepEqual(portFromRow('x', mon.cache.rowByName('Port', 'vnet1')!).trunks, [20, 30])
  const bridgeUpdate = evs.find((e) => e.type === 'update')!
  assert.ok(bridgeUpdate.type === 'update')
  assert.equal(bridgeFromRow('x', bridgeUpdate.old).ports.length, 1, 'old row has the previous ports')
  assert.equal(bridgeFromRow('x', bridgeUpdate.row).ports.length, 3)
})

test('modify: a tag change arrives as an update with old and new values', { skip: SKIP_OVS }, async () => {
  batches.length = 0
  await writer.transact(DB, [Op.update('Port', [eq('name', 'vnet0')], { tag: 42, external_ids: ['map', [['owner', 'hostnet']]] })])
  const [ev] = await nextBatch((b) => b.some((e) => e.type === 'update' && e.table === 'Port'))
  assert.ok(ev?.type === 'update')
  assert.equal(portFromRow('x', ev.old).tag, 10)
  const now = portFromRow('x', ev.row)
  assert.equal(now.tag, 42)
  assert.deepEqual(now.externalIds, { owner: 'hostnet' })
  assert.equal(now.name, 'vnet0', 'unchanged columns are kept in the cached row')
})

test('delete: detaching a port deletes its Port and Interface rows from the cache', { skip: SKIP_OVS }, async () => {
  batches.length = 0
  const portUuid = mon.cache.uuidByName('Port', 'vnet1')!
  const ifaceUuid = mon.cache.uuidByName('Interface', 'vnet1')!
  await writer.transact(DB, deletePortsOps('pre0', [portUuid]))
  const evs = await nextBatch((b) => b.some((e) => e.type === 'delete'))
  assert.deepEqual(summary(evs), ['delete:Interface', 'delete:Port', 'update:Bridge'])
  assert.equal(mon.cache.row('Port', portUuid), undefined)
  assert.equal(mon.cache.row('Interface', ifaceUuid), undefined)
  assert.equal(mon.cache.uuidByName('Port', 'vnet1'), undefined)
  const deleted = evs.find((e) => e.type === 'delete' && e.table === 'Port')
  assert.ok(deleted?.type === 'delete' && deleted.row['name'] === 'vnet1', 'the delete event carries the last row')
})

test('own transactions: the update reaches the cache before the transact answer', { skip: SKIP_OVS }, async () => {
  await reader.transact(DB, addPortsOps('pre0', [{ name: 'own0', type: 'internal' }]))
  assert.ok(mon.cache.uuidByName('Port', 'own0'), 'ovsdb-server flushes monitor updates before replies')
})

test('monitor_cancel stops updates', { skip: SKIP_OVS }, async () => {
  await mon.close()
  const gen = mon.cache.generation
  await writer.transact(DB, addPortsOps('pre0', [{ name: 'late0', type: 'internal' }]))
  await reader.echo() // a round trip after the change: an update would have arrived before this answer
  assert.equal(mon.cache.generation, gen)
  assert.equal(mon.cache.uuidByName('Port', 'late0'), undefined)
})

test('monitor_cond: only matching rows, diffs applied, rows enter and leave, conditions changed', { skip: SKIP_OVS }, async () => {
  const tagIs = (t: number): Condition[] => [['tag', '==', t]]
  const cond = await openMonitorCache(reader, DB, ['Port'], { where: { Port: tagIs(100) } })
  const c = cond.cache
  const names = () => [...c.rows('Port').values()].map((r) => r['name']).sort()
  const sameAsServer = async (name: string) => {
    const [r] = await writer.transact(DB, [Op.select('Port', [eq('name', name)])])
    const { uuid: _u, ...server } = portFromRow('x', r!.rows![0]!)
    const { uuid: _v, ...cached } = portFromRow('x', c.rowByName('Port', name)!)
    assert.deepEqual(cached, server)
  }
  const settle = () => reader.echo() // updates caused by writer's transaction precede this answer
  try {
    await writer.transact(DB, addPortsOps('pre0', [{ name: 'a100', tag: 100, trunks: [1, 2] }, { name: 'a200', tag: 200 }]))
    await settle()
    assert.deepEqual(names(), ['a100'])
    await writer.transact(DB, [Op.update('Port', [eq('name', 'a100')], { trunks: ['set', [2, 3, 4]], external_ids: ['map', [['x', '1'], ['y', '2']]] })])
    await settle()
    await sameAsServer('a100')
    await writer.transact(DB, [Op.update('Port', [eq('name', 'a100')], { external_ids: ['map', [['y', '3']]], vlan_mode: 'access' })])
    await settle()
    await sameAsServer('a100')
    await writer.transact(DB, [Op.update('Port', [eq('name', 'a200')], { tag: 100 }), Op.update('Port', [eq('name', 'a100')], { tag: 300 })])
    await settle()
    assert.deepEqual(names(), ['a200'])
    await reader.monitorCondChange(cond.monitorId, { Port: tagIs(300) })
    await settle()
    assert.deepEqual(names(), ['a100'])
    await sameAsServer('a100')
  } finally {
    await cond.close()
  }
})
