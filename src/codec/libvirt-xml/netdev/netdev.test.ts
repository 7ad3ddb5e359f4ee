import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseXml } from '../../xml/parse.js'
import { writeXml } from '../../xml/write.js'
import type { OutElement } from '../../xml/write.js'
import { formatVirtualPort, parseVirtualPort } from './virtualport.js'
import { formatBandwidth, parseBandwidth } from './bandwidth.js'
import { formatVlan, parseVlan } from './vlan.js'
import { formatPortIsolated, parsePortIsolated } from './port-isolated.js'
import { parseCUnsigned } from './props.js'
import { ValidationError } from '../../../errors.js'
import type { Uuid } from '../../../model/values/uuid.js'

const ctx = { path: '/network/virtualport', object: "network 'n'" }
const out = (e: OutElement | undefined): string => (e === undefined ? '' : writeXml(e))
const U = '00000000-0000-4000-8000-000000000000' as Uuid

function isValidation(re: RegExp): (e: unknown) => boolean {
  return (e: unknown) => e instanceof ValidationError && e.kind === 'invalid-argument' && re.test(e.message)
}

test('virtualport round trip prints only the parameters of the type', () => {
  const vp = parseVirtualPort(parseXml(`<virtualport type="802.1Qbg"><parameters managerid="0x0b" typeid="1193047" typeidversion="2"/></virtualport>`), { requireType: true }, ctx)
  assert.deepEqual(vp, { type: '802.1Qbg', managerId: 11, typeId: 1193047, typeIdVersion: 2 })
  assert.equal(out(formatVirtualPort(vp)), "<virtualport type='802.1Qbg'>\n  <parameters managerid='11' typeid='1193047' typeidversion='2'/>\n</virtualport>\n")
  assert.equal(out(formatVirtualPort({ type: 'openvswitch' })), "<virtualport type='openvswitch'/>\n")
  assert.equal(formatVirtualPort({}), undefined)
  const typeless = parseVirtualPort(parseXml(`<virtualport><parameters profileid="p" interfaceid="${U}" managerid="1"/></virtualport>`), {}, ctx)
  assert.equal(out(formatVirtualPort(typeless)), `<virtualport>\n  <parameters managerid='1' interfaceid='${U}' profileid='p'/>\n</virtualport>\n`)
})

test('virtualport parse flags: type required, all attributes required, generate missing ids', () => {
  assert.throws(() => parseVirtualPort(parseXml('<virtualport/>'), { requireType: true }, ctx), isValidation(/missing required virtualport type in network 'n'/))
  assert.throws(() => parseVirtualPort(parseXml("<virtualport type='none'/>"), {}, ctx), isValidation(/Invalid value for attribute 'type'/))
  assert.throws(
    () => parseVirtualPort(parseXml("<virtualport type='802.1Qbh'/>"), { requireType: true, requireAll: true }, ctx),
    isValidation(/missing profileid in <virtualport type='802.1Qbh'> in network 'n'/),
  )
  const g = parseVirtualPort(parseXml("<virtualport type='openvswitch'/>"), { requireType: true, requireAll: true, generateUuid: () => U }, ctx)
  assert.equal(g.interfaceId, U)
  assert.throws(() => parseVirtualPort(parseXml("<virtualport type='802.1Qbg'><parameters profileid='x'/></virtualport>"), {}, ctx), isValidation(/extra profileid/))
  assert.throws(() => parseVirtualPort(parseXml("<virtualport><parameters managerid='256'/></virtualport>"), {}, ctx), isValidation(/managerid out of range/))
  assert.throws(() => parseVirtualPort(parseXml("<virtualport><parameters typeid='x'/></virtualport>"), {}, ctx), isValidation(/cannot parse value of typeid/))
  assert.throws(() => parseVirtualPort(parseXml(`<virtualport><parameters profileid='${'p'.repeat(40)}'/></virtualport>`), {}, ctx), isValidation(/profileid parameter too long/))
  assert.throws(() => parseVirtualPort(parseXml("<virtualport><parameters instanceid='zz'/></virtualport>"), {}, ctx), (e: unknown) => e instanceof ValidationError && e.path === '/network/virtualport/parameters/@instanceid')
})

test('bandwidth: floor and classID only where allowed, rate rules, zero rates dropped', () => {
  const b = parseXml("<bandwidth><inbound average='1000' peak='2000' burst='1024'/><outbound average='2000'/></bandwidth>")
  const { bandwidth } = parseBandwidth(b, {}, ctx)
  assert.equal(out(formatBandwidth(bandwidth)), "<bandwidth>\n  <inbound average='1000' peak='2000' burst='1024'/>\n  <outbound average='2000'/>\n</bandwidth>\n")
  const f = parseBandwidth(parseXml("<bandwidth classID='3'><inbound average='10' floor='5'/></bandwidth>"), { allowFloor: true, allowClassId: true }, ctx)
  assert.equal(out(formatBandwidth(f.bandwidth, { classId: f.classId })), "<bandwidth classID='3'>\n  <inbound average='10' floor='5'/>\n</bandwidth>\n")
  assert.throws(() => parseBandwidth(parseXml("<bandwidth><inbound average='1' floor='5'/></bandwidth>"), {}, ctx), isValidation(/floor attribute is not supported/))
  assert.throws(() => parseBandwidth(parseXml("<bandwidth><outbound floor='5'/></bandwidth>"), { allowFloor: true }, ctx), isValidation(/floor attribute is not supported/))
  assert.throws(() => parseBandwidth(parseXml("<bandwidth classID='3'><inbound average='1'/></bandwidth>"), {}, ctx), isValidation(/classID attribute not supported/))
  assert.throws(() => parseBandwidth(parseXml("<bandwidth><inbound peak='1'/></bandwidth>"), {}, ctx), isValidation(/Missing mandatory average or floor/))
  assert.throws(() => parseBandwidth(parseXml("<bandwidth><inbound floor='2' burst='1'/></bandwidth>"), { allowFloor: true }, ctx), isValidation(/'peak' and 'burst' require 'average'/))
  assert.throws(() => parseBandwidth(parseXml("<bandwidth><inbound average='-1'/></bandwidth>"), {}, ctx), isValidation(/Expected non-negative integer/))
  assert.throws(() => parseBandwidth(parseXml("<bandwidth><inbound average='1' burst='4194304'/></bandwidth>"), {}, ctx), isValidation(/too big for 'burst'/))
  assert.equal(parseBandwidth(parseXml('<bandwidth/>'), {}, ctx).bandwidth, undefined)
  // all-zero rates are dropped (libvirt would print an empty <bandwidth> that does not parse back the same)
  assert.equal(parseBandwidth(parseXml("<bandwidth><inbound average='0'/></bandwidth>"), {}, ctx).bandwidth, undefined)
  assert.equal(formatBandwidth({ inbound: {} }), undefined)
})

test('vlan: tags, trunk, native mode and libvirt errors', () => {
  const v = parseVlan(parseXml("<vlan trunk='yes'><tag id='123' nativeMode='tagged'/><tag id='444'/></vlan>"), ctx)
  assert.deepEqual(v, { tags: [123, 444], trunk: true, nativeMode: 'tagged', nativeTag: 123 })
  assert.equal(out(formatVlan(v)), "<vlan trunk='yes'>\n  <tag id='123' nativeMode='tagged'/>\n  <tag id='444'/>\n</vlan>\n")
  assert.equal(out(formatVlan(parseVlan(parseXml("<vlan trunk='no'><tag id='7'/></vlan>"), ctx))), "<vlan>\n  <tag id='7'/>\n</vlan>\n")
  assert.equal(parseVlan(parseXml("<vlan><tag id='1'/><tag id='2'/></vlan>"), ctx).trunk, true)
  assert.throws(() => parseVlan(parseXml('<vlan/>'), ctx), isValidation(/at least one <tag/))
  assert.throws(() => parseVlan(parseXml("<vlan><tag id='4096'/></vlan>"), ctx), isValidation(/vlan tag id 4096 too large \(maximum 4095\) in network 'n'/))
  assert.throws(() => parseVlan(parseXml("<vlan><tag id='x'/></vlan>"), ctx), isValidation(/missing or invalid vlan tag id/))
  assert.throws(() => parseVlan(parseXml("<vlan><tag id='1' nativeMode='tagged'/><tag id='2' nativeMode='untagged'/></vlan>"), ctx), isValidation(/duplicate native vlan/))
  assert.throws(() => parseVlan(parseXml("<vlan><tag id='1' nativeMode='default'/></vlan>"), ctx), isValidation(/Invalid "nativeMode='default'"/))
  assert.throws(() => parseVlan(parseXml("<vlan trunk='no'><tag id='1'/><tag id='2'/></vlan>"), ctx), isValidation(/trunk='yes' is required/))
  assert.throws(() => parseVlan(parseXml("<vlan trunk='maybe'><tag id='1'/></vlan>"), ctx), isValidation(/must be yes or no/))
})

test('port isolated and C-style unsigned parsing', () => {
  assert.equal(parsePortIsolated(parseXml("<network><port isolated='yes'/></network>"), ctx), true)
  assert.equal(parsePortIsolated(parseXml('<network/>'), ctx), undefined)
  assert.throws(() => parsePortIsolated(parseXml("<network><port isolated='on'/></network>"), ctx), isValidation(/attribute 'isolated' in element 'port'/))
  assert.equal(out(formatPortIsolated(false)), "<port isolated='no'/>\n")
  assert.equal(parseCUnsigned(' +42', 10, 100), 42)
  assert.equal(parseCUnsigned('0x1f', 0, 100), 31)
  assert.equal(parseCUnsigned('010', 0, 100), 8)
  assert.equal(parseCUnsigned('0x', 0, 100), undefined)
  assert.equal(parseCUnsigned('101', 10, 100), undefined)
  assert.equal(parseCUnsigned('1 ', 10, 100), undefined)
  assert.equal(parseCUnsigned('-1', 10, 100), undefined)
})
