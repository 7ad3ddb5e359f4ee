import { test } from 'node:test'
import assert from 'node:assert/strict'
import { HostnetError } from '../../errors.js'
import { buildPool, choosePoolDevice, findPoolDevice, poolDeviceKey, withConnections } from './pool.js'
import { poolIsExclusive } from './plug-plan.js'
import { PortError } from './port-error.js'
import { testNetwork } from './test-fixtures.js'
import type { PoolDevice } from './types.js'

const nd = (dev: string, connections: number): PoolDevice => ({ kind: 'netdev', dev, connections })
const ctx = { portUuid: 'p1', network: 'red' }

test('exclusive modes: hostdev, passthrough, private with 802.1Qbh only', () => {
  assert.equal(poolIsExclusive('hostdev', undefined), true)
  assert.equal(poolIsExclusive('passthrough', '802.1Qbg'), true)
  assert.equal(poolIsExclusive('private', '802.1Qbh'), true)
  assert.equal(poolIsExclusive('private', '802.1Qbg'), false)
  assert.equal(poolIsExclusive('private', undefined), false)
  assert.equal(poolIsExclusive('vepa', '802.1Qbh'), false)
  assert.equal(poolIsExclusive('bridge', undefined), false)
})

test('shared modes take the least used device, the earliest on ties', () => {
  assert.equal(choosePoolDevice({ mode: 'vepa', pool: [nd('a', 3), nd('b', 1), nd('c', 1)] }), 1)
  assert.equal(choosePoolDevice({ mode: 'bridge', pool: [nd('a', 0), nd('b', 0)] }), 0)
  assert.equal(choosePoolDevice({ mode: 'private', pool: [nd('a', 5), nd('b', 4)], mergedVirtualportType: '802.1Qbg' }), 1)
})

test('exclusive modes take the first free device or fail with a conflict naming port and network', () => {
  assert.equal(choosePoolDevice({ mode: 'passthrough', pool: [nd('a', 1), nd('b', 0), nd('c', 0)] }), 1)
  assert.throws(
    () => choosePoolDevice({ mode: 'private', pool: [nd('a', 1)], mergedVirtualportType: '802.1Qbh', port: ctx }),
    (e: unknown) => e instanceof PortError && e.kind === 'conflict' && /network 'red' requires exclusive access/.test(e.message) && e.port === 'p1',
  )
  assert.throws(() => choosePoolDevice({ mode: 'hostdev', pool: [] }), (e: unknown) => e instanceof HostnetError && e.kind === 'conflict')
})

test('buildPool: interfaces with live counts, PCI addresses, VFs of a PF', () => {
  const direct = testNetwork({ mode: 'vepa', interfaces: [{ dev: 'eth1', connections: 2 }, { dev: 'eth2' }] })
  assert.deepEqual(buildPool(direct), [nd('eth1', 2), nd('eth2', 0)])
  assert.deepEqual(buildPool(direct, { connections: { eth2: 4 } }), [nd('eth1', 2), nd('eth2', 4)])
  const a = { domain: 0, bus: 4, slot: 0x10, function: 1 }
  const hostdev = testNetwork({ mode: 'hostdev', addresses: [a] })
  assert.deepEqual(buildPool(hostdev, { connections: { '0000:04:10.1': 1 } }), [{ kind: 'pci', address: a, connections: 1 }])
  const vfs = [{ address: a }, { address: { ...a, function: 2 }, netdev: 'vf2' }]
  assert.deepEqual(buildPool(testNetwork({ mode: 'passthrough', pf: 'eth0' }), { vfs }), [nd('vf2', 0)])
  assert.equal(buildPool(testNetwork({ mode: 'hostdev', pf: 'eth0' }), { vfs }).length, 2)
})

test('buildPool: a PF without usable VFs, or whose VFs were not read, is an error', () => {
  const pf = testNetwork({ mode: 'vepa', pf: 'eth0' })
  assert.throws(() => buildPool(pf, { vfs: [{ address: { domain: 0, bus: 1, slot: 0, function: 1 } }] }), /No usable Vf's present on SRIOV PF eth0/)
  assert.throws(() => buildPool(pf), (e: unknown) => e instanceof HostnetError && e.kind === 'bug')
})

test('pool helpers: keys, lookup and counting', () => {
  const a = { domain: 0, bus: 4, slot: 0x10, function: 1 }
  const pool: PoolDevice[] = [nd('eth1', 0), { kind: 'pci', address: a, connections: 1 }]
  assert.equal(poolDeviceKey(pool[0]!), 'eth1')
  assert.equal(poolDeviceKey(pool[1]!), '0000:04:10.1')
  assert.equal(findPoolDevice(pool, { address: { ...a } }), 1)
  assert.equal(findPoolDevice(pool, { dev: 'eth9' }), -1)
  assert.deepEqual(withConnections(pool, 1, -1)[1], { kind: 'pci', address: a, connections: 0 })
  assert.equal(pool[1]!.connections, 1, 'the input is not changed')
})
