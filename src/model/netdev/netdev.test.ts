import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  checkVirtualPortComplete,
  checkVirtualPortNoExtras,
  generateMissingVirtualPortIds,
  mergeVirtualPorts,
  virtualPortEquals,
} from './virtualport.js'
import type { VirtualPort } from './virtualport.js'
import { checkFloorFits, selectBandwidth } from './bandwidth.js'
import { selectVlan, vlanAllowedForNetwork, vlanEquals } from './vlan.js'
import type { Uuid } from '../values/uuid.js'
import { HostnetError, ValidationError } from '../../errors.js'

const U1 = '11111111-1111-4111-8111-111111111111' as Uuid
const U2 = '22222222-2222-4222-8222-222222222222' as Uuid

function counter(): () => Uuid {
  let n = 0
  return () => `00000000-0000-4000-8000-00000000000${n++}` as Uuid
}

test('Merge3: all typeless or absent gives no profile, whatever the parameters', () => {
  assert.equal(mergeVirtualPorts(undefined, undefined, undefined), undefined)
  assert.equal(mergeVirtualPorts({ interfaceId: U1 }, { profileId: 'x' }, undefined), undefined)
})

test('Merge3: the type is adopted from a lower level and parameters are filled in', () => {
  const r = mergeVirtualPorts({ interfaceId: U1 }, { type: 'openvswitch' }, { profileId: 'bob' })
  assert.deepEqual(r, { type: 'openvswitch', interfaceId: U1, profileId: 'bob' })
  const q = mergeVirtualPorts(undefined, { type: '802.1Qbg', managerId: 11, typeId: 1193047 }, { typeIdVersion: 2 })
  assert.deepEqual(q, { type: '802.1Qbg', managerId: 11, typeId: 1193047, typeIdVersion: 2 })
})

test('Merge3: conflicts are exactly different types or different values of an applicable parameter', () => {
  assert.throws(
    () => mergeVirtualPorts({ type: 'openvswitch' }, { type: '802.1Qbh' }, undefined),
    (e: unknown) => e instanceof ValidationError && /mismatched types \(openvswitch and 802\.1Qbh\)/.test(e.message),
  )
  // the vepa-net corpus case: network typeid 1193047 vs portgroup bob typeid 2193047
  assert.throws(
    () =>
      mergeVirtualPorts(
        undefined,
        { type: '802.1Qbg', managerId: 11, typeId: 1193047, typeIdVersion: 2 },
        { type: '802.1Qbg', typeId: 2193047, typeIdVersion: 3 },
        "network 'vepa-net'",
      ),
    /mismatched typeids \(1193047 and 2193047\) in network 'vepa-net'/,
  )
  assert.throws(() => mergeVirtualPorts({ profileId: 'a' }, { type: '802.1Qbh', profileId: 'b' }, undefined), /mismatched profileids \('a' and 'b'\)/)
  // equal values are fine
  assert.deepEqual(mergeVirtualPorts({ type: '802.1Qbh', profileId: 'a' }, { profileId: 'a' }, undefined), { type: '802.1Qbh', profileId: 'a' })
})

test('Merge3: parameters that do not apply to the type are ignored; midonet takes no interfaceid from below', () => {
  const r = mergeVirtualPorts({ type: '802.1Qbh', profileId: 'p' }, { managerId: 3, interfaceId: U1 }, undefined)
  assert.deepEqual(r, { type: '802.1Qbh', profileId: 'p' })
  const m = mergeVirtualPorts({ type: 'midonet', interfaceId: U1 }, { interfaceId: U2 }, undefined)
  assert.deepEqual(m, { type: 'midonet', interfaceId: U1 })
})

test('CheckNoExtras and CheckComplete follow libvirt per type', () => {
  assert.throws(() => checkVirtualPortNoExtras({ type: '802.1Qbg', profileId: 'x' }), /extra profileid unsupported in <virtualport type='802.1Qbg'>/)
  assert.throws(() => checkVirtualPortNoExtras({ type: '802.1Qbh', typeId: 1 }), /extra typeid/)
  assert.throws(() => checkVirtualPortNoExtras({ type: 'midonet', profileId: 'x' }), /extra profileid/)
  assert.throws(() => checkVirtualPortNoExtras({ type: 'openvswitch', instanceId: U1 }), /extra instanceid/)
  checkVirtualPortNoExtras({ managerId: 1, profileId: 'x', interfaceId: U1 })
  assert.throws(() => checkVirtualPortComplete({ type: '802.1Qbg', managerId: 1 }), /missing typeid in <virtualport type='802.1Qbg'>/)
  assert.throws(() => checkVirtualPortComplete({ type: '802.1Qbh' }, { where: "network 'n'" }), /missing profileid .* in network 'n'/)
  assert.throws(() => checkVirtualPortComplete({ type: 'midonet' }, { generateUuid: counter() }), /missing interfaceid/)
  const q = checkVirtualPortComplete({ type: '802.1Qbg', managerId: 1, typeId: 2, typeIdVersion: 3 }, { generateUuid: () => U1 })
  assert.equal(q.instanceId, U1)
  assert.equal(checkVirtualPortComplete({ type: 'openvswitch' }, { generateUuid: () => U2 }).interfaceId, U2)
  assert.throws(() => checkVirtualPortComplete({ type: 'openvswitch' }), /missing interfaceid/)
})

test('generate-missing gives a typeless profile both ids, Qbg an instanceid, ovs an interfaceid', () => {
  const g = counter()
  const typeless = generateMissingVirtualPortIds({}, g)
  assert.ok(typeless.instanceId && typeless.interfaceId && typeless.instanceId !== typeless.interfaceId)
  const qbg: VirtualPort = generateMissingVirtualPortIds({ type: '802.1Qbg' }, g)
  assert.ok(qbg.instanceId !== undefined && qbg.interfaceId === undefined)
  const ovs = generateMissingVirtualPortIds({ type: 'openvswitch', interfaceId: U1 }, g)
  assert.deepEqual(ovs, { type: 'openvswitch', interfaceId: U1 })
  assert.ok(virtualPortEquals({ type: 'openvswitch', interfaceId: U1, profileId: 'a' }, ovs) === false)
  assert.ok(virtualPortEquals({ type: '802.1Qbh', profileId: 'a', managerId: 4 }, { type: '802.1Qbh', profileId: 'a' }))
})

test('bandwidth and vlan precedence helpers', () => {
  assert.deepEqual(selectBandwidth(undefined, { inbound: { average: 5 } }), { inbound: { average: 5 } })
  assert.deepEqual(selectBandwidth({ outbound: { average: 1 } }, { inbound: { average: 5 } }), { outbound: { average: 1 } })
  const net = { tags: [1], trunk: false }
  const pg = { tags: [2, 3], trunk: true }
  assert.equal(selectVlan(undefined, pg, net), pg)
  assert.equal(selectVlan({ tags: [], trunk: false }, undefined, net), net)
  assert.ok(vlanEquals({ tags: [2, 3], trunk: true }, pg))
  assert.ok(!vlanEquals(net, pg))
  assert.ok(vlanAllowedForNetwork('bridge', 'openvswitch'))
  assert.ok(!vlanAllowedForNetwork('bridge', undefined))
  assert.ok(vlanAllowedForNetwork('hostdev', undefined))
})

test('floor accounting: needs an L3 network with inbound QoS and may not overcommit peak/average', () => {
  const base = { networkName: 'n', forwardMode: 'nat', floorSum: 0, networkBandwidth: { inbound: { average: 1000, peak: 2000 } } }
  assert.equal(checkFloorFits({ ...base, newFloor: 1500 }), 1500)
  assert.throws(
    () => checkFloorFits({ ...base, floorSum: 1500, newFloor: 600 }),
    (e: unknown) => e instanceof HostnetError && e.kind === 'conflict' && /overcommit/.test(e.message),
  )
  assert.throws(() => checkFloorFits({ ...base, forwardMode: 'bridge', newFloor: 1 }), /nat, route, open or isolated/)
  assert.throws(() => checkFloorFits({ ...base, networkBandwidth: undefined, newFloor: 1 }), /no inbound QoS/)
  assert.equal(checkFloorFits({ ...base, floorSum: 1500, newFloor: 1000, oldFloor: 500 }), 2000)
})
