import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatClassIdBitmap, nextClassId, parseClassIdBitmap } from './class-ids.js'
import { checkFloor, planFloorPlug, planFloorUnplug, planFloorUpdate } from './floor.js'
import { PortError } from './port-error.js'
import { MAC, testNetwork } from './test-fixtures.js'
import type { Bandwidth } from '../netdev/bandwidth.js'

const qosNet = testNetwork({ mode: 'nat' }, { bridge: { name: 'virbr1' }, bandwidth: { inbound: { average: 1000, peak: 3000 } } })
const port = { portUuid: 'p1', network: 'red' }
const floor = (n: number): Bandwidth => ({ inbound: { floor: n } })

test('class ids: 0-2 reserved, lowest free from 3; bitmap text as libvirt', () => {
  assert.equal(nextClassId([0, 1, 2]), 3)
  assert.equal(nextClassId([0, 1, 2, 3, 5]), 4)
  assert.equal(nextClassId([]), 3)
  assert.equal(formatClassIdBitmap([0, 1, 2, 5, 7, 8, 9]), '0-2,5,7-9')
  assert.deepEqual(parseClassIdBitmap('0-2,5'), [0, 1, 2, 5])
  assert.deepEqual(parseClassIdBitmap('4'), [0, 1, 2, 4])
  assert.throws(() => parseClassIdBitmap('0-x'), /Failed to parse bitmap/)
})

test('checkFloor: no network inbound QoS and no floor is nothing to account', () => {
  const plain = testNetwork({ mode: 'nat' })
  assert.equal(checkFloor({ network: plain, mac: MAC, bandwidth: { inbound: { average: 5 } }, state: { floorSum: 0, classIds: [0, 1, 2] }, port }), undefined)
  assert.equal(checkFloor({ network: qosNet, mac: MAC, bandwidth: undefined, state: { floorSum: 0, classIds: [] }, port }), undefined)
})

test('plug, change, unplug keep the floor sum and class ids consistent', () => {
  const s0 = { floorSum: 0, classIds: [0, 1, 2] }
  const p1 = planFloorPlug({ network: qosNet, mac: MAC, bandwidth: floor(1000), state: s0, port })!
  assert.deepEqual([p1.classId, p1.state.floorSum, p1.defaultClassRate], [3, 1000, 2000])
  const p2 = planFloorPlug({ network: qosNet, mac: MAC, bandwidth: floor(500), state: p1.state, port })!
  assert.deepEqual([p2.classId, p2.state.floorSum, p2.defaultClassRate], [4, 1500, 1500])
  const ch = planFloorUpdate({ network: qosNet, mac: MAC, bandwidth: floor(700), oldBandwidth: floor(500), classId: 4, state: p2.state, port })
  assert.equal(ch.kind, 'change')
  assert.equal(ch.kind === 'change' && ch.state.floorSum, 1700)
  const u = planFloorUnplug({ network: qosNet, bandwidth: floor(1000), classId: 3, state: p2.state })!
  assert.deepEqual(u.state, { floorSum: 500, classIds: [0, 1, 2, 4] })
  assert.equal(u.defaultClassRate, 2500)
  assert.equal(planFloorUnplug({ network: qosNet, bandwidth: floor(1), classId: undefined, state: s0 }), undefined)
})

test('update: from no floor to a floor plugs, from a floor to none unplugs, equal floors do nothing', () => {
  const s = { floorSum: 100, classIds: [0, 1, 2, 3] }
  const plug = planFloorUpdate({ network: qosNet, mac: MAC, bandwidth: floor(200), oldBandwidth: undefined, classId: undefined, state: s, port })
  assert.equal(plug.kind === 'plug' && plug.classId, 4)
  const unplug = planFloorUpdate({ network: qosNet, mac: MAC, bandwidth: undefined, oldBandwidth: floor(100), classId: 3, state: s, port })
  assert.equal(unplug.kind === 'unplug' && unplug.state.floorSum, 0)
  assert.equal(planFloorUpdate({ network: qosNet, mac: MAC, bandwidth: floor(5), oldBandwidth: floor(5), classId: 3, state: s, port }).kind, 'none')
})

test('an update that would overcommit is refused (old floor counted out)', () => {
  const s = { floorSum: 2900, classIds: [0, 1, 2, 3] }
  assert.equal(planFloorUpdate({ network: qosNet, mac: MAC, bandwidth: floor(1000), oldBandwidth: floor(900), classId: 3, state: s, port }).kind, 'change')
  assert.throws(
    () => planFloorUpdate({ network: qosNet, mac: MAC, bandwidth: floor(1001), oldBandwidth: floor(900), classId: 3, state: s, port }),
    (e: unknown) => e instanceof PortError && e.kind === 'conflict' && /floor=3001 would overcommit peak=3000/.test(e.message),
  )
})
