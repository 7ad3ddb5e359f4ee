/**
 * "Wait until applied" with a real ovs-vswitchd (userspace datapath) running in a private network namespace:
 * after transactAndWait the internal port's tap device exists in that namespace. Also measures one
 * transaction of 500 tagged internal ports plus the wait.
 */
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import type { OvsPrivate } from '../../src/lab/ovs-private.js'
import type { OvsdbClient } from '../../src/backend/ovsdb/client.js'
import { HostnetError } from '../../src/errors.js'
import { openMonitorCache } from '../../src/backend/ovsdb/monitor.js'
import { Op, eq } from '../../src/backend/ovsdb/ops.js'
import { addBridgeOps, addPortsOps } from '../../src/backend/ovsdb/vswitch-ops.js'
import { interfaceFromRow } from '../../src/backend/ovsdb/vswitch-rows.js'
import { bumpNextCfgOps, transactAndWait, waitCurCfgInCache } from '../../src/backend/ovsdb/wait-applied.js'
import { canUseNetns, leakedNetns, makeNetns, removeNetns } from '../helpers/netns.js'
import { SKIP_OVS, connectClient, startOvs, stopAllAndCheck } from './helpers.js'

const SKIP = SKIP_OVS || (canUseNetns() ? false : 'needs root to create network namespaces')
const DB = 'Open_vSwitch'
let ns: string
let ovs: OvsPrivate
let client: OvsdbClient

before(async () => {
  if (SKIP) return
  ns = await makeNetns('ovs')
  ovs = await startOvs({ vswitchdNetns: ns })
  client = await connectClient(ovs)
})

after(async () => {
  client?.close()
  const left = await stopAllAndCheck()
  if (ns) await removeNetns(ns)
  assert.deepEqual(left, [])
  assert.deepEqual(leakedNetns(), [])
})

function linkNames(): string[] {
  const out = execFileSync('ip', ['-n', ns, '-o', 'link', 'show'], { encoding: 'utf8' })
  return out.split('\n').flatMap((l) => {
    const m = /^\d+: ([^:@]+)[:@]/.exec(l)
    return m ? [m[1]!] : []
  })
}

test('transactAndWait: a netdev bridge and a tagged internal port exist as taps in the namespace', { skip: SKIP }, async () => {
  assert.equal(linkNames().includes('vport0'), false)
  const applied = await transactAndWait(client, [...addBridgeOps({ name: 'br0', datapathType: 'netdev' }), ...addPortsOps('br0', [{ name: 'vport0', type: 'internal', tag: 10 }])], {
    timeoutMs: 20_000,
  })
  assert.ok(applied.nextCfg >= 1)
  const links = linkNames()
  assert.ok(links.includes('vport0'), `vport0 missing from ${links.join(' ')}`)
  assert.ok(links.includes('br0'))
  const [r] = await client.transact(DB, [Op.select('Interface', [eq('name', 'vport0')])])
  const iface = interfaceFromRow('x', r!.rows![0]!)
  assert.equal(iface.error, undefined)
  assert.ok((iface.ofport ?? -1) > 0, 'vswitchd assigned an OpenFlow port number')
  assert.ok(iface.macInUse, 'vswitchd reported the MAC in use')
})

test('waiting on a monitor cache sees cur_cfg reach next_cfg', { skip: SKIP }, async () => {
  const mon = await openMonitorCache(client, DB, { Open_vSwitch: ['cur_cfg', 'next_cfg'] })
  try {
    const results = await client.transact(DB, [...addPortsOps('br0', [{ name: 'vport1', type: 'internal', tag: 11 }]), ...bumpNextCfgOps()])
    const nextCfg = results[results.length - 1]!.rows![0]!['next_cfg'] as number
    assert.ok((await waitCurCfgInCache(mon.cache, nextCfg, 20_000)) >= nextCfg)
    assert.ok(linkNames().includes('vport1'))
  } finally {
    await mon.close()
  }
})

test('500 tagged internal ports in one transaction + wait until applied', { skip: SKIP }, async () => {
  await transactAndWait(client, addBridgeOps({ name: 'brperf', datapathType: 'netdev' }), { timeoutMs: 20_000 })
  const ports = Array.from({ length: 500 }, (_, i) => ({ name: `pp${i}`, type: 'internal', tag: 100 + i }))
  const t0 = performance.now()
  const applied = await transactAndWait(client, addPortsOps('brperf', ports), { timeoutMs: 120_000 })
  const ms = performance.now() - t0
  const links = new Set(linkNames())
  assert.equal(ports.filter((p) => links.has(p.name)).length, 500)
  console.log(`# 500 tagged internal ports, one transaction + waitApplied: ${ms.toFixed(0)} ms (${(ms / 500).toFixed(2)} ms/port), next_cfg ${applied.nextCfg}`)
})

test('waitApplied times out (kind timeout, changes committed) when ovs-vswitchd is not running', { skip: SKIP }, async () => {
  await ovs.stopDaemon('ovs-vswitchd')
  const t0 = performance.now()
  await assert.rejects(transactAndWait(client, addPortsOps('br0', [{ name: 'vport9', type: 'internal' }]), { timeoutMs: 300 }), (e: unknown) => {
    assert.ok(e instanceof HostnetError)
    assert.equal(e.kind, 'timeout')
    assert.equal(e.details?.['committed'], true)
    assert.match(e.message, /did not apply OVSDB configuration \d+ within 300 ms/)
    return true
  })
  assert.ok(performance.now() - t0 >= 290)
  const [r] = await client.transact(DB, [Op.select('Port', [eq('name', 'vport9')], ['name'])])
  assert.equal(r?.rows?.length, 1, 'the port is in the database')
})
