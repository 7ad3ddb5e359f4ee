/**
 * The port-profile messages byte by byte: golden hex dumps (testdata/*.hex, one 16-byte row per line) and a
 * decoding of each that checks libvirt's layout (attribute nesting, struct ifla_vf_mac/ifla_vf_vlan/ifla_port_vsi,
 * the request code, flags), plus the status answers as lldpad and the kernel give them.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '../../../test/helpers/paths.js'
import type { MacAddr } from '../../model/values/mac.js'
import type { Uuid } from '../../model/values/uuid.js'
import { decodeMessage, encodeMessage, findAttr, ifinfomsg, linkMessageAttrs, NLMSG_DONE, NLMSG_ERROR, parseAttrs, readU32, RTM_NEWLINK, u16, u32, type NlAttr } from '../netlink/index.js'
import { IFLA_PORT_INSTANCE_UUID, IFLA_PORT_RESPONSE, IFLA_PORT_SELF, IFLA_PORT_VF, IFLA_VF_PORT, IFLA_VF_PORTS } from './codes.js'
import { findStatus, getLinkMessage, setLinkError, setLinkMessage, statusEntries, type QbgRequest, type QbhRequest } from './messages.js'

const dir = join(repoRoot(), 'src/backend/vportprofile/testdata')
const INSTANCE = '09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f' as Uuid
const HOST = 'c7a5fdbd-edaf-9455-926a-d65c16db1809' as Uuid

const qbg: QbgRequest = { kind: '802.1Qbg', op: 'associate', ifindex: 7, ifname: 'eth2', mac: '52:54:00:12:34:56' as MacAddr, vlan: 42, managerId: 11, typeId: 0x123457, typeIdVersion: 2, instanceId: INSTANCE }
const qbh: QbhRequest = { kind: '802.1Qbh', op: 'associate', ifindex: 9, vf: -1, mac: '52:54:00:12:34:56' as MacAddr, profileId: 'finance', instanceId: INSTANCE, hostUuid: HOST }

function dump(b: Uint8Array): string {
  const hex = Buffer.from(b).toString('hex')
  return `${(hex.match(/.{1,32}/g) ?? []).map((row) => (row.match(/.{1,2}/g) ?? []).join(' ')).join('\n')}\n`
}

function golden(name: string, b: Uint8Array): void {
  const path = join(dir, `${name}.hex`)
  if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(path, dump(b))
  assert.equal(dump(b), readFileSync(path, 'utf8'), name)
}

const attr = (attrs: readonly NlAttr[], type: number): NlAttr => {
  const a = findAttr(attrs, type)
  assert.ok(a !== undefined, `attribute ${type}`)
  return a
}

test('802.1Qbg associate for lldpad: RTM_SETLINK of the root device with MAC, VLAN, VSI type, instance, request', () => {
  const bytes = setLinkMessage(qbg, 1000)
  golden('qbg-associate', bytes)
  const m = decodeMessage(bytes)
  assert.equal(m.type, 19)
  assert.equal(m.flags, 1, 'NLM_F_REQUEST only: lldpad always answers')
  assert.equal(m.seq, 1000)
  const { ifindex, attrs } = linkMessageAttrs(m)
  assert.equal(ifindex, 7)
  assert.deepEqual([...attr(attrs, 3).data], [...Buffer.from('eth2\0')], 'IFLA_IFNAME')
  const info = parseAttrs(attr(parseAttrs(attr(attrs, 22).data), 1).data) // IFLA_VFINFO_LIST → IFLA_VF_INFO
  const vfMac = attr(info, 1).data
  assert.equal(vfMac.length, 36, 'struct ifla_vf_mac')
  assert.equal(readU32({ type: 0, data: vfMac }), 0xffffffff, 'vf = PORT_SELF_VF')
  assert.deepEqual([...vfMac.subarray(4, 10)], [0x52, 0x54, 0x00, 0x12, 0x34, 0x56])
  assert.ok(vfMac.subarray(10).every((x) => x === 0))
  const vfVlan = attr(info, 2).data
  assert.equal(vfVlan.length, 12, 'struct ifla_vf_vlan')
  assert.deepEqual([...vfVlan], [0xff, 0xff, 0xff, 0xff, 42, 0, 0, 0, 0, 0, 0, 0], 'vf, vlan 42, qos 0')
  const port = parseAttrs(attr(parseAttrs(attr(attrs, IFLA_VF_PORTS).data), IFLA_VF_PORT).data)
  assert.deepEqual([...attr(port, 3).data], [11, 0x57, 0x34, 0x12, 2, 0, 0, 0], 'ifla_port_vsi: manager, type id LSB first, version, padding')
  assert.equal(Buffer.from(attr(port, 4).data).toString('hex'), INSTANCE.replace(/-/g, ''))
  assert.deepEqual([...attr(port, 6).data], [2], 'PORT_REQUEST_ASSOCIATE')
  assert.equal(findAttr(port, IFLA_PORT_VF), undefined, 'no IFLA_PORT_VF for PORT_SELF_VF')
  assert.deepEqual([...attr(parseAttrs(attr(parseAttrs(attr(attrs, IFLA_VF_PORTS).data), IFLA_VF_PORT).data), 6).data], [2])
})

test('802.1Qbg requests: pre-associate (with reservation) and disassociate differ only in the request code', () => {
  const code = (op: QbgRequest['op']): number => {
    const { attrs } = linkMessageAttrs(decodeMessage(setLinkMessage({ ...qbg, op }, 1)))
    return attr(parseAttrs(attr(parseAttrs(attr(attrs, IFLA_VF_PORTS).data), IFLA_VF_PORT).data), 6).data[0]!
  }
  assert.deepEqual(['preassociate', 'preassociate-rr', 'associate', 'disassociate'].map((op) => code(op as QbgRequest['op'])), [0, 1, 2, 3])
  golden('qbg-disassociate', setLinkMessage({ ...qbg, op: 'disassociate' }, 1001))
})

test('802.1Qbh associate for the kernel: IFLA_PORT_SELF with profile, VM and host UUIDs; acknowledged', () => {
  const bytes = setLinkMessage(qbh, 2000)
  golden('qbh-associate', bytes)
  const m = decodeMessage(bytes)
  assert.equal(m.flags, 1 | 4, 'NLM_F_REQUEST | NLM_F_ACK')
  const { ifindex, attrs } = linkMessageAttrs(m)
  assert.equal(ifindex, 9)
  assert.equal(findAttr(attrs, 3), undefined, 'no IFLA_IFNAME (libvirt sends the index only)')
  const info = parseAttrs(attr(parseAttrs(attr(attrs, 22).data), 1).data)
  assert.equal(findAttr(info, 2), undefined, 'no VLAN for 802.1Qbh')
  const self = parseAttrs(attr(attrs, IFLA_PORT_SELF).data)
  assert.deepEqual(self.map((a) => a.type), [2, 4, 5, 6], 'profile, instance, host, request')
  assert.equal(Buffer.from(attr(self, 2).data).toString(), 'finance\0')
  assert.equal(Buffer.from(attr(self, 5).data).toString('hex'), HOST.replace(/-/g, ''))
  golden('qbh-disassociate', setLinkMessage({ kind: '802.1Qbh', op: 'disassociate', ifindex: 9, vf: -1 }, 2001))
  const vf = linkMessageAttrs(decodeMessage(setLinkMessage({ ...qbh, vf: 3 }, 1))).attrs
  const vfPort = parseAttrs(attr(parseAttrs(attr(vf, IFLA_VF_PORTS).data), IFLA_VF_PORT).data)
  assert.equal(readU32(attr(vfPort, IFLA_PORT_VF)), 3, 'a VF goes in IFLA_VF_PORTS with IFLA_PORT_VF')
})

test('the status query asks for VF information (IFLA_EXT_MASK = RTEXT_FILTER_VF)', () => {
  const m = decodeMessage(getLinkMessage(7, 5))
  assert.equal(m.type, 18)
  const { ifindex, attrs } = linkMessageAttrs(m)
  assert.equal(ifindex, 7)
  assert.equal(readU32(attr(attrs, 29)), 1)
})

const done = (ports: ReturnType<typeof encodeMessage>): Uint8Array => ports
function lldpadAnswer(entries: Array<{ uuid: string; response?: number }>): Uint8Array {
  const ports = entries.map((e) => ({
    type: IFLA_VF_PORT,
    nested: [
      { type: IFLA_PORT_INSTANCE_UUID, data: new Uint8Array(Buffer.from(e.uuid.replace(/-/g, ''), 'hex')) },
      { type: IFLA_PORT_VF, data: u32(0xffffffff) },
      ...(e.response === undefined ? [] : [{ type: IFLA_PORT_RESPONSE, data: u16(e.response) }]),
    ],
  }))
  return done(encodeMessage({ type: NLMSG_DONE, flags: 0, seq: 5, fixed: ifinfomsg(7), attrs: [{ type: IFLA_VF_PORTS, nested: ports }] }))
}

test("lldpad's status answer: our instance's response, in progress while absent, other instances ignored", () => {
  const other = '11111111-2222-4333-8444-555555555555'
  const e = statusEntries([lldpadAnswer([{ uuid: other, response: 4 }, { uuid: INSTANCE }])])
  assert.deepEqual(findStatus(e, qbg), { vf: -1, instanceId: INSTANCE, response: undefined })
  const ok = statusEntries([lldpadAnswer([{ uuid: other, response: 4 }, { uuid: INSTANCE, response: 0 }])])
  assert.equal(findStatus(ok, qbg)?.response, 0)
  assert.equal(findStatus(statusEntries([lldpadAnswer([{ uuid: other }])]), qbg), undefined)
})

test("the kernel's status answer: IFLA_PORT_SELF's response", () => {
  const newlink = encodeMessage({ type: RTM_NEWLINK, flags: 0, seq: 1, fixed: ifinfomsg(9), attrs: [{ type: IFLA_PORT_SELF, nested: [{ type: IFLA_PORT_RESPONSE, data: u16(0x100) }] }] })
  assert.deepEqual(findStatus(statusEntries([newlink]), qbh), { vf: -1, instanceId: undefined, response: 0x100 })
})

test('acknowledgements: NLMSG_ERROR 0 or lldpad’s NLMSG_DONE are fine, an errno is returned, silence is malformed', () => {
  const err = (n: number): Uint8Array => encodeMessage({ type: NLMSG_ERROR, flags: 0, seq: 1, fixed: new Uint8Array([...u32(n >>> 0), ...new Uint8Array(16)]), attrs: [] })
  assert.equal(setLinkError([err(0)]), undefined)
  assert.equal(setLinkError([err(-95)]), 95)
  assert.equal(setLinkError([encodeMessage({ type: NLMSG_DONE, flags: 0, seq: 1, fixed: new Uint8Array(4), attrs: [] })]), undefined)
  assert.throws(() => setLinkError([]), /malformed netlink response message/)
})
