import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MonitorCache, type CacheEvent } from './monitor-cache.js'

const A = 'aaaaaaaa-0000-4000-8000-000000000001'
const B = 'aaaaaaaa-0000-4000-8000-000000000002'
const C = 'aaaaaaaa-0000-4000-8000-000000000003'

function collect(cache: MonitorCache): CacheEvent[][] {
  const batches: CacheEvent[][] = []
  cache.subscribe((evs) => batches.push([...evs]))
  return batches
}

test('cache: initial, insert, modify, delete with name index and batched events', () => {
  const cache = new MonitorCache(['Bridge', 'Port'])
  const batches = collect(cache)
  cache.applyUpdates({ Bridge: { [A]: { new: { name: 'br0', ports: ['set', []] } } } }, { initial: true })
  assert.equal(cache.isFilled, true)
  assert.equal(cache.uuidByName('Bridge', 'br0'), A)
  cache.applyUpdates({ Port: { [B]: { new: { name: 'p1', tag: 10 } } }, Bridge: { [A]: { old: { ports: ['set', []] }, new: { name: 'br0', ports: ['uuid', B] } } } })
  assert.deepEqual(cache.rowByName('Bridge', 'br0'), { name: 'br0', ports: ['uuid', B] })
  cache.applyUpdates({ Port: { [B]: { old: { name: 'p1', tag: 10 } } } })
  assert.equal(cache.row('Port', B), undefined)
  assert.equal(cache.uuidByName('Port', 'p1'), undefined)
  assert.deepEqual(batches.map((b) => b.map((e) => `${e.type}:${e.table}`)), [['insert:Bridge'], ['insert:Port', 'update:Bridge'], ['delete:Port']])
  const upd = batches[1]![1]!
  assert.ok(upd.type === 'update')
  assert.deepEqual(upd.old, { name: 'br0', ports: ['set', []] })
  assert.ok(batches[0]![0]!.type === 'insert' && batches[0]![0]!.initial)
})

test('cache: a row renamed keeps the index right; a delete does not drop a newer row of the same name', () => {
  const cache = new MonitorCache(['Interface'])
  cache.applyUpdates({ Interface: { [A]: { new: { name: 'x' } } } })
  cache.applyUpdates({ Interface: { [B]: { new: { name: 'x' } }, [A]: { old: { name: 'x' } } } })
  assert.equal(cache.uuidByName('Interface', 'x'), B)
  cache.applyUpdates({ Interface: { [B]: { old: { name: 'x' }, new: { name: 'y' } } } })
  assert.equal(cache.uuidByName('Interface', 'x'), undefined)
  assert.equal(cache.uuidByName('Interface', 'y'), B)
})

test('cache: replaceAll reports only the differences', () => {
  const cache = new MonitorCache(['Port'])
  cache.applyUpdates({ Port: { [A]: { new: { name: 'a', tag: 1 } }, [B]: { new: { name: 'b', tag: 2 } } } }, { initial: true })
  const batches = collect(cache)
  cache.replaceAll({ Port: { [A]: { new: { name: 'a', tag: 1 } }, [B]: { new: { name: 'b', tag: 3 } }, [C]: { new: { name: 'c' } } } })
  assert.deepEqual(batches.map((b) => b.map((e) => `${e.type}:${e.uuid}`)), [[`update:${B}`, `insert:${C}`]])
  cache.replaceAll({ Port: {} })
  assert.equal(cache.rows('Port').size, 0)
  assert.deepEqual(batches[1]!.map((e) => e.type), ['delete', 'delete', 'delete'])
})

test('cache: tables not monitored are ignored; asking for one is a bug', () => {
  const cache = new MonitorCache(['Port'])
  cache.applyUpdates({ Bridge: { [A]: { new: { name: 'br0' } } } })
  assert.throws(() => cache.rows('Bridge'), /not monitored/)
})

test('cache: waitFor resolves on a later batch, or times out', async () => {
  const cache = new MonitorCache(['Open_vSwitch'])
  const p = cache.waitFor(() => (cache.row('Open_vSwitch', A)?.['cur_cfg'] === 2 ? true : undefined), 1000)
  cache.applyUpdates({ Open_vSwitch: { [A]: { new: { cur_cfg: 1 } } } })
  setTimeout(() => cache.applyUpdates({ Open_vSwitch: { [A]: { old: { cur_cfg: 1 }, new: { cur_cfg: 2 } } } }), 10)
  assert.equal(await p, true)
  await assert.rejects(cache.waitFor(() => undefined, 20, 'nothing'), (e: unknown) => (e as { kind?: string }).kind === 'timeout')
})
