import { test } from 'node:test'
import assert from 'node:assert/strict'
import { notifyPort, releasePort } from './notify.js'
import { PortError } from './port-error.js'
import { testNetwork, testPort } from './test-fixtures.js'

const pass = testNetwork({ mode: 'passthrough', interfaces: [{ dev: 'eth1' }, { dev: 'eth2' }] }, { connections: 1 })
const vepa = testNetwork({ mode: 'vepa', interfaces: [{ dev: 'eth1' }] })
const addr = { domain: 0, bus: 4, slot: 0x10, function: 1 }
const hostdev = testNetwork({ mode: 'hostdev', addresses: [addr] })
const nat = testNetwork({ mode: 'nat' }, { bridge: { name: 'virbr1' }, bandwidth: { inbound: { average: 1000 } }, connections: 2 })

function fails(fn: () => unknown, kind: string, re: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof PortError && e.kind === kind && re.test(e.message) && e.network === 'red')
}

test('notify: a direct plug is counted on its pool device', () => {
  const port = testPort({ plug: { type: 'direct', dev: 'eth2', mode: 'passthrough' } })
  const r = notifyPort({ network: pass, active: true, port, connections: { eth1: 1 } })
  assert.equal(r.deviceIndex, 1)
  assert.equal(r.networkConnections, 2)
  assert.deepEqual(r.pool.map((d) => d.connections), [1, 1])
})

test('notify: an exclusive device in use, a device not in the pool, a stopped network are refused', () => {
  const port = testPort({ plug: { type: 'direct', dev: 'eth1', mode: 'passthrough' } })
  fails(() => notifyPort({ network: pass, active: true, port, connections: { eth1: 1 } }), 'conflict', /claims dev='eth1' is already in use/)
  const other = testPort({ plug: { type: 'direct', dev: 'eth9', mode: 'passthrough' } })
  fails(() => notifyPort({ network: pass, active: true, port: other }), 'conflict', /doesn't have dev='eth9' in use by network port/)
  fails(() => notifyPort({ network: pass, active: false, port }), 'conflict', /network 'red' is not active/)
  fails(() => notifyPort({ network: pass, active: true, port: testPort() }), 'invalid-argument', /without a plug/)
})

test('notify: shared direct devices may already be used; hostdev devices may not', () => {
  const port = testPort({ plug: { type: 'direct', dev: 'eth1', mode: 'vepa' } })
  assert.equal(notifyPort({ network: vepa, active: true, port, connections: { eth1: 3 } }).pool[0]!.connections, 4)
  const vf = testPort({ plug: { type: 'hostdev-pci', address: addr } })
  assert.equal(notifyPort({ network: hostdev, active: true, port: vf }).deviceIndex, 0)
  fails(() => notifyPort({ network: hostdev, active: true, port: vf, connections: { '0000:04:10.1': 1 } }), 'conflict', /PCI device at domain=0 bus=4 slot=16 function=1 is already in use/)
  const missing = testPort({ plug: { type: 'hostdev-pci', address: { ...addr, function: 3 } } })
  fails(() => notifyPort({ network: hostdev, active: true, port: missing }), 'conflict', /doesn't have PCI device 0000:04:10.3/)
})

test('notify: a bridge plug needs the network bridge', () => {
  const port = testPort({ plug: { type: 'network', bridge: 'virbr1' } })
  assert.equal(notifyPort({ network: nat, active: true, port }).networkConnections, 3)
  fails(() => notifyPort({ network: testNetwork({ mode: 'nat' }), active: true, port }), 'conflict', /without a network bridge/)
})

test('release: counters go down and a floor class is returned', () => {
  const port = testPort({ bandwidth: { inbound: { floor: 300 } }, classId: 3, plug: { type: 'network', bridge: 'virbr1' } })
  const r = releasePort({ network: nat, port, floor: { floorSum: 500, classIds: [0, 1, 2, 3, 4] } })
  assert.equal(r.networkConnections, 1)
  assert.deepEqual(r.floorState, { floorSum: 200, classIds: [0, 1, 2, 4] })
  assert.equal(r.floor?.classId, 3)
  assert.equal(r.floor?.defaultClassRate, 800)
  const direct = testPort({ plug: { type: 'direct', dev: 'eth1', mode: 'passthrough' } })
  assert.deepEqual(releasePort({ network: pass, port: direct, connections: { eth1: 1 } }).pool.map((d) => d.connections), [0, 0])
  fails(() => releasePort({ network: vepa, port: testPort({ plug: { type: 'direct', dev: 'eth7', mode: 'vepa' } }) }), 'conflict', /doesn't have dev='eth7' in use by domain/)
  fails(() => releasePort({ network: testNetwork({ mode: 'vepa' }), port: direct }), 'conflict', /uses a direct mode, but has no forward dev/)
})
