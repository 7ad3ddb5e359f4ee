/**
 * 802.1Qbh (issue 19): the port-profile request as libvirt sends it to the kernel, checked against a fake netlink
 * peer (hostnet-nl's `peer`, bound to a port of its own in a test namespace, standing in for the kernel: every
 * request it receives is decoded here), and the real kernel's veth, whose driver has no port profiles: a plug
 * fails with "not supported by this device" and leaves nothing.
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { defaultHelperPath, encodeMessage, decodeMessage, findAttr, HelperChannel, ifinfomsg, linkMessageAttrs, NLMSG_ERROR, parseAttrs, readU32, RTM_NEWLINK, u16, u32, type NetlinkChannel, type NlAttr } from '../../src/backend/netlink/index.js'
import { PortProfileService } from '../../src/backend/vportprofile/index.js'
import { parsePortInput } from '../../src/driver/port/index.js'
import { PortError } from '../../src/model/port/index.js'
import type { MacAddr } from '../../src/model/values/mac.js'
import type { Uuid } from '../../src/model/values/uuid.js'
import { systemRunner } from '../../src/sys/exec.js'
import { canUseNetns, leakedNetns, withNetns } from '../helpers/netns.js'
import { directXml, ip, links, PortLab, portXml } from '../port/port-lab.js'

const skip = !canUseNetns() ? 'needs root and ip netns' : false

after(() => {
  if (skip === false) assert.deepEqual(leakedNetns(), [])
})

const VM = '7b6a1f4e-0c3d-4e5f-8a9b-112233445566' as Uuid
const HOST = 'c7a5fdbd-edaf-9455-926a-d65c16db1809' as Uuid
const PEER_PORT = 40123

const ack = (): string => Buffer.from(encodeMessage({ type: NLMSG_ERROR, flags: 0, seq: 0, fixed: new Uint8Array(20), attrs: [] })).toString('hex')
const selfPort = (ifindex: number, response: number): string =>
  Buffer.from(encodeMessage({ type: RTM_NEWLINK, flags: 0, seq: 0, fixed: ifinfomsg(ifindex), attrs: [{ type: 25, nested: [{ type: 7, data: u16(response) }] }] })).toString('hex')

const attr = (attrs: readonly NlAttr[], type: number): NlAttr => {
  const a = findAttr(attrs, type)
  assert.ok(a !== undefined, `attribute ${type}`)
  return a
}

test('802.1Qbh: the request libvirt sends, as a fake netlink peer receives it; the status polled until success', { skip }, () =>
  withNetns(async (ns, target) => {
    ip(ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0p')
    const ifindex = (JSON.parse(ip(ns, '-json', 'link', 'show', 'eth0')) as Array<{ ifindex: number }>)[0]!.ifindex
    // the peer's answers, one line per request: probe, SETLINK, two polls (in progress, then success); then the
    // disassociation: probe, SETLINK, one poll
    const answers = [selfPort(ifindex, 0x101), ack(), selfPort(ifindex, 0x101), selfPort(ifindex, 0x100), selfPort(ifindex, 0x100), ack(), selfPort(ifindex, 0x100)]
    const peer = spawn(defaultHelperPath(), ['--netns', ns, 'peer', '--port', String(PEER_PORT), '--count', String(answers.length), '--timeout-ms', '10000'], { stdio: ['pipe', 'pipe', 'inherit'] })
    const received: string[] = []
    const lines = createInterface({ input: peer.stdout })
    const ready = new Promise<void>((res) => lines.on('line', (l) => (l === 'ready' ? res() : received.push(l))))
    const exited = new Promise<number | null>((res) => peer.on('exit', res))
    peer.stdin.write(answers.map((a) => `${a}\n`).join(''))
    try {
      await ready
      const real = new HelperChannel(systemRunner)
      const toPeer: NetlinkChannel = { request: (t, port, m, o) => real.request(t, port === 0 ? PEER_PORT : port, m, o) }
      const svc = new PortProfileService({ runner: systemRunner, channel: toPeer, lldpadPort: () => assert.fail('802.1Qbh never asks lldpad'), hostUuid: () => HOST, pollIntervalMs: 10 })
      const input = { type: '802.1Qbh' as const, dev: 'eth0', mac: '52:54:00:0a:0b:0c' as MacAddr, virtualPort: { type: '802.1Qbh' as const, profileId: 'finance' }, vmUuid: VM }
      const done = await svc.run(target, input, 'associate')
      assert.equal(done.response, 0x100)
      assert.equal(done.status, 'success (256)')
      assert.equal(done.root.ifname, 'eth0')
      await svc.run(target, input, 'disassociate')
      assert.equal(await exited, 0)
    } finally {
      peer.kill('SIGKILL')
    }
    assert.equal(received.length, 7, 'seven requests reached the peer')
    const msgs = received.map((h) => decodeMessage(new Uint8Array(Buffer.from(h, 'hex'))))
    assert.deepEqual(msgs.map((m) => m.type), [18, 19, 18, 18, 18, 19, 18], 'GETLINK probe, SETLINK, GETLINK polls')
    for (const m of msgs) assert.equal(linkMessageAttrs(m).ifindex, ifindex)
    assert.equal(readU32(attr(linkMessageAttrs(msgs[0]!).attrs, 29)), 1, 'the probe asks for VF information')

    const set = msgs[1]!
    assert.equal(set.flags, 5, 'NLM_F_REQUEST | NLM_F_ACK')
    const attrs = linkMessageAttrs(set).attrs
    assert.deepEqual(attrs.map((a) => a.type), [22, 25], 'IFLA_VFINFO_LIST, IFLA_PORT_SELF')
    const vfMac = attr(parseAttrs(attr(parseAttrs(attr(attrs, 22).data), 1).data), 1).data
    assert.equal(Buffer.from(vfMac).toString('hex'), `ffffffff5254000a0b0c${'00'.repeat(26)}`, 'ifla_vf_mac: PORT_SELF_VF and the MAC')
    const self = parseAttrs(attr(attrs, 25).data)
    assert.deepEqual(self.map((a) => a.type), [2, 4, 5, 6])
    assert.equal(Buffer.from(attr(self, 2).data).toString(), 'finance\0', 'IFLA_PORT_PROFILE')
    assert.equal(Buffer.from(attr(self, 4).data).toString('hex'), VM.replace(/-/g, ''), 'IFLA_PORT_INSTANCE_UUID: the VM')
    assert.equal(Buffer.from(attr(self, 5).data).toString('hex'), HOST.replace(/-/g, ''), 'IFLA_PORT_HOST_UUID')
    assert.deepEqual([...attr(self, 6).data], [2], 'PORT_REQUEST_ASSOCIATE')

    const unset = linkMessageAttrs(msgs[5]!).attrs
    assert.deepEqual(unset.map((a) => a.type), [25], 'disassociation: IFLA_PORT_SELF only')
    assert.deepEqual(parseAttrs(attr(unset, 25).data).map((a) => [a.type, [...a.data]]), [[6, [3]]], 'PORT_REQUEST_DISASSOCIATE')
  }),
)

test('802.1Qbh on a device whose driver has no port profiles (veth): "not supported by this device", nothing left', { skip }, async () => {
  const lab = await PortLab.open({ poolSize: 1 })
  try {
    await lab.network(directXml('qbh', 'vepa', ['eth0'], "<virtualport type='802.1Qbh'><parameters profileid='finance'/></virtualport>"))
    const before = links(lab.host)
    const uuid = '0000000b-0000-4000-8000-0000000000bb'
    const err = await lab.ports.create(lab.target, 'qbh', { port: parsePortInput(portXml({ uuid, mac: '52:54:00:00:0b:bb' })) }).then(
      () => assert.fail('the plug must fail'),
      (e: unknown) => e,
    )
    assert.ok(err instanceof PortError, String(err))
    assert.equal(err.kind, 'not-supported')
    assert.equal(err.port, uuid)
    assert.equal(err.network, 'qbh')
    assert.match(err.message, /802\.1Qbh \(profile 'finance'\) on 'eth0' failed \(network 'qbh'\): VDP status not supported by this device/)
    assert.deepEqual(links(lab.host), before, 'no device left')
    assert.deepEqual(lab.ports.list(lab.target, 'qbh'), [])
  } finally {
    await lab.close()
  }
})

test('hostnet-nl request: no socket at the port fails at once; a peer that never answers is a timeout, not a hang', { skip }, () =>
  withNetns(async (ns, target) => {
    const ch = new HelperChannel(systemRunner)
    const msg = encodeMessage({ type: 18, flags: 1, seq: 1, fixed: ifinfomsg(1), attrs: [{ type: 29, data: u32(1) }] })
    await assert.rejects(ch.request(target, 4242, msg), (e: Error & { kind?: string }) => e.kind === 'backend-failure' && /port 4242 failed: .*send/.test(e.message))
    const peer = spawn(defaultHelperPath(), ['--netns', ns, 'peer', '--port', '4243', '--count', '1', '--timeout-ms', '5000'], { stdio: ['pipe', 'pipe', 'inherit'] })
    try {
      const lines = createInterface({ input: peer.stdout })
      await new Promise<void>((res) => lines.on('line', (l) => l === 'ready' && res()))
      peer.stdin.write('-\n')
      const t0 = Date.now()
      await assert.rejects(ch.request(target, 4243, msg, { timeoutMs: 300 }), (e: Error & { kind?: string }) => e.kind === 'timeout' && /within 300 ms/.test(e.message))
      assert.ok(Date.now() - t0 < 3000)
    } finally {
      peer.kill('SIGKILL')
    }
  }),
)
