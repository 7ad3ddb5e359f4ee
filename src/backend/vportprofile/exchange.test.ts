/**
 * The request/poll loop over a scripted channel: success after polls, refusals mapped to errors with the
 * errno and VDP status, failure answers, timeouts, disassociation of a VSI lldpad already forgot, and
 * 802.1Qbh's driver check.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { MacAddr } from '../../model/values/mac.js'
import type { Uuid } from '../../model/values/uuid.js'
import { encodeMessage, ifinfomsg, NLMSG_DONE, NLMSG_ERROR, RTM_NEWLINK, u16, u32, type NetlinkChannel } from '../netlink/index.js'
import { runPortProfileOp, type ExchangeDeps } from './exchange.js'
import type { QbgRequest, QbhRequest } from './messages.js'

const INSTANCE = '09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f' as Uuid
const target = { kind: 'netns', name: 'lab' } as const
const qbg: QbgRequest = { kind: '802.1Qbg', op: 'associate', ifindex: 7, ifname: 'eth2', mac: '52:54:00:12:34:56' as MacAddr, vlan: 0, managerId: 1, typeId: 2, typeIdVersion: 3, instanceId: INSTANCE }

const errno = (n: number): Uint8Array => encodeMessage({ type: NLMSG_ERROR, flags: 0, seq: 0, fixed: new Uint8Array([...u32(-n >>> 0), ...new Uint8Array(16)]), attrs: [] })
const vsi = (response?: number): Uint8Array =>
  encodeMessage({
    type: NLMSG_DONE,
    flags: 0,
    seq: 0,
    fixed: ifinfomsg(7),
    attrs: [{ type: 24, nested: [{ type: 1, nested: [{ type: 4, data: new Uint8Array(Buffer.from(INSTANCE.replace(/-/g, ''), 'hex')) }, { type: 1, data: u32(0xffffffff) }, ...(response === undefined ? [] : [{ type: 7, data: u16(response) }])] }] }],
  })
const none = (): Uint8Array => encodeMessage({ type: NLMSG_DONE, flags: 0, seq: 0, fixed: ifinfomsg(7), attrs: [{ type: 24, nested: [] }] })

function deps(answers: Uint8Array[][], extra: Partial<ExchangeDeps> = {}): ExchangeDeps & { sent: number[] } {
  const sent: number[] = []
  let clock = 0
  const channel: NetlinkChannel = {
    request: (_t, port) => {
      sent.push(port)
      const a = answers.shift()
      if (a === undefined) return Promise.reject(new Error('no more answers'))
      return Promise.resolve(a)
    },
  }
  return { channel, lldpadPort: () => 4321, sleep: () => ((clock += 125), Promise.resolve()), now: () => clock, sent, ...extra }
}

test('802.1Qbg: acknowledged by lldpad, in progress twice, then success; every request goes to lldpad', async () => {
  const d = deps([[errno(0)], [vsi()], [vsi()], [vsi(0)]])
  const r = await runPortProfileOp(d, target, qbg)
  assert.equal(r.status, 'success (0)')
  assert.deepEqual(d.sent, [4321, 4321, 4321, 4321])
})

test('refusals name the errno; lldpad without a VDP session gets a hint', async () => {
  await assert.rejects(runPortProfileOp(deps([[errno(93)]]), target, qbg), (e: Error & { kind?: string; details?: Record<string, unknown> }) => {
    assert.equal(e.kind, 'backend-failure')
    assert.match(e.message, /refused: EPROTONOSUPPORT: lldpad runs no VDP on this interface/)
    assert.equal(e.details?.['status'], 'refused (EPROTONOSUPPORT)')
    return true
  })
})

test('a failure answer stops the polling with its name; lldpad local errors are spelled out', async () => {
  await assert.rejects(runPortProfileOp(deps([[errno(0)], [vsi(4)]]), target, qbg), /failed: vtid-violation \(4\)/)
  await assert.rejects(runPortProfileOp(deps([[errno(0)], [vsi(253 | (1 << 9))]]), target, qbg), /timeout \(765; no acknowledgement from the bridge\)/)
})

test('no answer within the limit is a timeout with the last status', async () => {
  const answers = [[errno(0)], ...Array.from({ length: 100 }, () => [vsi()])]
  await assert.rejects(runPortProfileOp(deps(answers, { timeoutMs: 1000 }), target, qbg), (e: Error & { kind?: string }) => {
    assert.equal(e.kind, 'timeout')
    assert.match(e.message, /timed out after 1000 ms: in progress \(no answer from the bridge\)/)
    return true
  })
})

test('disassociation: a VSI that lldpad no longer lists is gone; an association it does not list is an error', async () => {
  assert.equal((await runPortProfileOp(deps([[errno(0)], [none()]]), target, { ...qbg, op: 'disassociate' })).status, 'disassociated')
  await assert.rejects(runPortProfileOp(deps([[errno(0)], [none()]]), target, qbg), /no entry for it/)
})

test('802.1Qbh: the driver check comes first; a device without port profiles is not supported', async () => {
  const qbh: QbhRequest = { kind: '802.1Qbh', op: 'associate', ifindex: 9, vf: -1, profileId: 'p' }
  const plain = encodeMessage({ type: RTM_NEWLINK, flags: 0, seq: 0, fixed: ifinfomsg(9), attrs: [] })
  const d = deps([[plain]])
  await assert.rejects(runPortProfileOp(d, target, qbh), (e: Error & { kind?: string }) => e.kind === 'not-supported' && /not supported by this device/.test(e.message))
  assert.deepEqual(d.sent, [0], 'only the probe, to the kernel')
  const eopnotsupp = deps([[encodeMessage({ type: RTM_NEWLINK, flags: 0, seq: 0, fixed: ifinfomsg(9), attrs: [{ type: 25, nested: [] }] })], [errno(95)]])
  await assert.rejects(runPortProfileOp(eopnotsupp, target, qbh), (e: Error & { kind?: string }) => e.kind === 'not-supported')
})

test('802.1Qbg: EBUSY (lldpad still awaiting the bridge for this VSI) is sent again until accepted, or refused at the limit', async () => {
  const d = deps([[errno(16)], [errno(16)], [errno(0)], [none()]])
  assert.equal((await runPortProfileOp(d, target, { ...qbg, op: 'disassociate' })).status, 'disassociated')
  assert.deepEqual(d.sent, [4321, 4321, 4321, 4321], 'the request twice more, then one status poll')
  const busy = Array.from({ length: 20 }, () => [errno(16)])
  await assert.rejects(runPortProfileOp(deps(busy, { timeoutMs: 1000 }), target, { ...qbg, op: 'disassociate' }), (e: Error & { details?: Record<string, unknown> }) => {
    assert.match(e.message, /refused: EBUSY: lldpad was still awaiting the bridge's answer/)
    assert.equal(e.details?.['status'], 'refused (EBUSY)')
    return true
  })
  const qbh: QbhRequest = { kind: '802.1Qbh', op: 'disassociate', ifindex: 9, vf: -1 }
  const port = encodeMessage({ type: RTM_NEWLINK, flags: 0, seq: 0, fixed: ifinfomsg(9), attrs: [{ type: 25, nested: [{ type: 1, data: u32(0xffffffff) }] }] })
  await assert.rejects(runPortProfileOp(deps([[port], [errno(16)]]), target, qbh), /refused: EBUSY$/, '802.1Qbh: the driver\'s EBUSY is an answer')
})
