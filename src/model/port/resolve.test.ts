import { test } from 'node:test'
import assert from 'node:assert/strict'
import { resolvePortSettings } from './resolve.js'
import { PortError } from './port-error.js'
import { MAC, testNetwork, uuidCounter } from './test-fixtures.js'

const ovs = testNetwork(
  { mode: 'bridge' },
  {
    bridge: { name: 'ovsbr0' },
    virtualPort: { type: 'openvswitch' },
    vlan: { tags: [42], trunk: false },
    portGroups: [
      { name: 'eng', isDefault: true, virtualPort: { profileId: 'eng' }, vlan: { tags: [100], trunk: false } },
      { name: 'ops', trustGuestRxFilters: true },
    ],
  },
)

test('resolvePortSettings: default portgroup, merged profile with a generated interfaceid, plug kind', () => {
  const r = resolvePortSettings({ network: ovs, port: { mac: MAC }, uuidGen: uuidCounter() })
  assert.equal(r.portGroup, 'eng')
  assert.deepEqual(r.settings.virtualPort, { type: 'openvswitch', profileId: 'eng', interfaceId: '00000000-0000-4000-8000-000000000001' })
  assert.deepEqual(r.settings.vlan, { tags: [100], trunk: false })
  assert.deepEqual(r.plug, { kind: 'bridge', bridge: 'ovsbr0' })
  assert.equal(r.floor, undefined)
})

test('resolvePortSettings: an unknown portgroup name is no portgroup', () => {
  const r = resolvePortSettings({ network: ovs, portgroupName: 'nope', port: { mac: MAC }, uuidGen: uuidCounter() })
  assert.equal(r.portGroup, undefined)
  assert.deepEqual(r.settings.vlan, { tags: [42], trunk: false })
})

test('resolvePortSettings: direct modes report their macvtap mode and exclusivity', () => {
  const priv = testNetwork({ mode: 'private', interfaces: [{ dev: 'eth1' }] }, { virtualPort: { type: '802.1Qbh', profileId: 'p' } })
  assert.deepEqual(resolvePortSettings({ network: priv, port: { mac: MAC }, uuidGen: uuidCounter() }).plug, { kind: 'direct', mode: 'private', exclusive: true })
  const vepa = testNetwork({ mode: 'vepa', interfaces: [{ dev: 'eth1' }] })
  assert.deepEqual(resolvePortSettings({ network: vepa, port: { mac: MAC }, uuidGen: uuidCounter() }).plug, { kind: 'direct', mode: 'vepa', exclusive: false })
})

test('resolvePortSettings: floor accounting against the given floor sum', () => {
  const nat = testNetwork({ mode: 'nat' }, { bridge: { name: 'virbr1' }, bandwidth: { inbound: { average: 100 } } })
  const port = { mac: MAC, bandwidth: { inbound: { floor: 60 } } }
  const r = resolvePortSettings({ network: nat, port, uuidGen: uuidCounter(), floor: { floorSum: 40, classIds: [0, 1, 2] } })
  assert.deepEqual([r.floor?.classId, r.floor?.state.floorSum], [3, 100])
  assert.throws(
    () => resolvePortSettings({ network: nat, port, uuidGen: uuidCounter(), floor: { floorSum: 41, classIds: [0, 1, 2] }, portUuid: 'p9' }),
    (e: unknown) => e instanceof PortError && e.kind === 'conflict' && e.port === 'p9' && e.field === '/networkport/bandwidth/inbound/@floor',
  )
})
