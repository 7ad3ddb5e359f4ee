/**
 * Reconnect against a real ovsdb-server that is killed with SIGKILL and restarted on the same socket:
 * in-flight requests fail with a typed "connection lost" error, the client reconnects with backoff, the
 * monitor is re-established and the cache resynced; transactions whose answer was lost are settled.
 */
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import type { OvsPrivate } from '../../src/lab/ovs-private.js'
import { OvsdbClient } from '../../src/backend/ovsdb/client.js'
import { OvsdbConnectionError } from '../../src/backend/ovsdb/errors.js'
import type { CacheEvent } from '../../src/backend/ovsdb/monitor-cache.js'
import { openMonitorCache, type MonitoredCache } from '../../src/backend/ovsdb/monitor.js'
import { Op, eq } from '../../src/backend/ovsdb/ops.js'
import { resolveTxnOutcome, transactSettled, txnMarkerOps, newTxnId, txnOutcomeFromCache } from '../../src/backend/ovsdb/outcome.js'
import { addBridgeOps } from '../../src/backend/ovsdb/vswitch-ops.js'
import { SKIP_OVS, droppingProxy, sleep, startOvs, stopAllAndCheck } from './helpers.js'

const DB = 'Open_vSwitch'
const RECONNECT = { initialDelayMs: 50, maxDelayMs: 400 }
let ovs: OvsPrivate
let client: OvsdbClient
let mon: MonitoredCache

before(async () => {
  if (SKIP_OVS) return
  ovs = await startOvs()
  client = await OvsdbClient.connect({ address: ovs.address, keepaliveIntervalMs: 0, reconnect: RECONNECT })
  await client.transact(DB, addBridgeOps({ name: 'br0' }))
  mon = await openMonitorCache(client, DB, ['Open_vSwitch', 'Bridge', 'Port', 'Interface'])
})

after(async () => {
  client?.close()
  assert.deepEqual(await stopAllAndCheck(), [])
})

async function crashServer(): Promise<void> {
  assert.ok(ovs.signal('ovsdb-server', 'SIGKILL'))
  for (let i = 0; i < 200 && ovs.pid('ovsdb-server') !== undefined; i++) await sleep(10)
  assert.equal(ovs.pid('ovsdb-server'), undefined, 'ovsdb-server is dead')
}

/** An operation that blocks the transaction on the server until `timeoutMs` (next_cfg is never -1). */
function blockingWait(timeoutMs: number) {
  return Op.wait(DB, [], { columns: ['next_cfg'], until: '==', rows: [{ next_cfg: -1 }], timeoutMs })
}

test('kill -9 and restart: in-flight request lost, reconnect, monitor resync with difference events', { skip: SKIP_OVS }, async () => {
  const states: string[] = []
  client.onStateChange((s) => states.push(s))
  const batches: CacheEvent[][] = []
  mon.cache.subscribe((evs) => batches.push([...evs]))
  const br0 = mon.cache.uuidByName('Bridge', 'br0')!
  const cond = await openMonitorCache(client, DB, ['Bridge'], { where: { Bridge: [['name', '==', 'br1']] } })
  assert.equal(cond.cache.rows('Bridge').size, 0)

  const inflight = client.transact(DB, [blockingWait(30_000)])
  await sleep(50)
  const crash = crashServer()
  await assert.rejects(inflight, (e: unknown) => {
    assert.ok(e instanceof OvsdbConnectionError)
    assert.equal(e.kind, 'backend-failure')
    assert.equal(e.failure, 'lost')
    assert.equal(e.outcomeUnknown, true)
    assert.equal(e.retryable, true)
    assert.equal(e.details?.['outcome'], 'unknown')
    return true
  })
  await crash
  await assert.rejects(client.listDbs(), (e: unknown) => e instanceof OvsdbConnectionError && e.failure === 'not-connected' && !e.outcomeUnknown)

  // While the server is down, change the database file: br0 goes, br1 comes.
  const offline = [
    { op: 'insert', table: 'Bridge', row: { name: 'br1' }, 'uuid-name': 'b' },
    { op: 'mutate', table: DB, where: [], mutations: [['bridges', 'insert', ['named-uuid', 'b']], ['bridges', 'delete', ['uuid', br0]]] },
  ]
  execFileSync('ovsdb-tool', ['transact', ovs.dbPath, JSON.stringify([DB, ...offline])])
  await sleep(1500) // failed attempts: unbounded doubling from 50 ms would now wait 1.6 s before the next one
  await ovs.startOvsdbServer()
  const restartedMs = performance.now()
  await client.whenConnected(5000)
  assert.ok(performance.now() - restartedMs < RECONNECT.maxDelayMs + 700, 'backoff is bounded by maxDelayMs')

  assert.deepEqual(states, ['disconnected', 'connected'])
  assert.equal(client.connectCount, 2)
  assert.equal(mon.cache.uuidByName('Bridge', 'br0'), undefined)
  assert.ok(mon.cache.uuidByName('Bridge', 'br1'))
  const resync = batches.flat().map((e) => `${e.type}:${e.table}:${String(e.type === 'update' ? e.row['name'] : e.row['name'])}`)
  assert.ok(resync.includes('delete:Bridge:br0'), resync.join(' '))
  assert.ok(resync.includes('insert:Bridge:br1'), resync.join(' '))
  assert.ok(resync.includes('delete:Port:br0') && resync.includes('delete:Interface:br0'))
  assert.deepEqual([...cond.cache.rows('Bridge').values()].map((r) => r['name']), ['br1'], 'the monitor_cond cache resynced too')
  await cond.close()
  assert.deepEqual((await client.listDbs()).sort(), [DB, '_Server'])
})

test('answer lost after commit: the marker shows the transaction committed', { skip: SKIP_OVS }, async () => {
  const proxy = await droppingProxy(ovs.runDir, ovs.socketPath)
  const viaProxy = await OvsdbClient.connect({ address: proxy.address, keepaliveIntervalMs: 0, reconnect: RECONNECT })
  try {
    // Raw: the transact fails with an unknown outcome; the marker resolves it.
    const txnId = newTxnId()
    proxy.dropNextTransactAnswer()
    await assert.rejects(viaProxy.transact(DB, [...addBridgeOps({ name: 'lost0' }), ...txnMarkerOps(txnId)]), (e: unknown) => e instanceof OvsdbConnectionError && e.outcomeUnknown)
    assert.equal(await resolveTxnOutcome(viaProxy, txnId, 5000), 'committed')
    assert.equal(await resolveTxnOutcome(viaProxy, newTxnId(), 5000), 'not-committed')
    // The helper does the same in one call.
    proxy.dropNextTransactAnswer()
    const settled = await transactSettled(viaProxy, addBridgeOps({ name: 'lost1' }), { settleTimeoutMs: 5000 })
    assert.equal(settled.recovered, true)
    assert.equal(settled.results, undefined)
    const [r] = await client.transact(DB, [Op.select('Bridge', [eq('name', 'lost1')], ['name'])])
    assert.equal(r?.rows?.length, 1)
    await mon.cache.waitFor(() => mon.cache.uuidByName('Bridge', 'lost1'), 2000)
    assert.equal(txnOutcomeFromCache(mon.cache, settled.txnId), 'committed')
  } finally {
    viaProxy.close()
    await proxy.close()
  }
})

test('connection lost before commit: transactSettled reports a retryable error with a known outcome', { skip: SKIP_OVS }, async () => {
  const settling = transactSettled(client, [...addBridgeOps({ name: 'never0' }), blockingWait(30_000)], { settleTimeoutMs: 10_000 })
  await sleep(50)
  const restarted = crashServer().then(async () => {
    await sleep(200)
    await ovs.startOvsdbServer()
  })
  await assert.rejects(settling, (e: unknown) => {
    assert.ok(e instanceof OvsdbConnectionError)
    assert.equal(e.outcomeUnknown, false)
    assert.equal(e.retryable, true)
    assert.equal(e.details?.['outcome'], 'not-executed')
    assert.match(e.message, /was not committed/)
    return true
  })
  await restarted
  const [r] = await client.transact(DB, [Op.select('Bridge', [eq('name', 'never0')], ['name'])])
  assert.equal(r?.rows?.length, 0)
})

test('reconnect gives up after maxAttempts and closes the client', { skip: SKIP_OVS }, async () => {
  const other = await startOvs()
  const c = await OvsdbClient.connect({ address: other.address, keepaliveIntervalMs: 0, reconnect: { initialDelayMs: 10, maxDelayMs: 20, maxAttempts: 3 } })
  const states: string[] = []
  c.onStateChange((s) => states.push(s))
  await other.stop()
  for (let i = 0; i < 200 && c.currentState !== 'closed'; i++) await sleep(10)
  assert.deepEqual(states, ['disconnected', 'closed'])
  await assert.rejects(c.whenConnected(1000), (e: unknown) => e instanceof OvsdbConnectionError && e.failure === 'closed')
  await assert.rejects(c.echo(), (e: unknown) => e instanceof OvsdbConnectionError && e.failure === 'closed')
})
