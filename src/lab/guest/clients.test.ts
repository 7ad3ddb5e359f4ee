import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createSocket } from 'node:dgram'
import { existsSync } from 'node:fs'
import { HostnetError } from '../../errors.js'
import { udpExchange } from './udp-exchange.js'
import { DHCP_ACK, DHCP_DISCOVER, dhcpAckOf, dhcpPacket, parseDhcpReply } from './dhcp-client.js'
import { dnsQuery, parseDnsAnswer } from './dns-client.js'
import { DHCP6_REPLY, DHCP6_SOLICIT, OPT_IA_NA, OPT_IAADDR, OPT_SERVERID, dhcp6Packet, duidLl, iaNa, ip6String, offeredAddress, parseDhcp6 } from './dhcp6-client.js'
import { dhcp6ClientArgv, dhcpClientArgv, dnsClientArgv } from './index.js'

test('the argv runs the compiled entry script beside the module, never a test build', () => {
  const dhcp = dhcpClientArgv({ mac: '52:54:00:00:00:01', hostname: 'g1', timeoutMs: 3000 })
  assert.equal(dhcp[0], process.execPath)
  assert.match(dhcp[1]!, /\/src\/lab\/guest\/client-main\.js$/)
  assert.ok(existsSync(dhcp[1]!))
  assert.deepEqual(dhcp.slice(2), ['dhcp', '52:54:00:00:00:01', 'g1', '3000'])
  assert.deepEqual(dhcpClientArgv({ mac: '52:54:00:00:00:02' }).slice(2), ['dhcp', '52:54:00:00:00:02', ''])
  assert.deepEqual(dnsClientArgv({ server: '10.0.0.1', name: 'x.test' }).slice(2), ['dns', '10.0.0.1', 'x.test', 'A'])
})

test('DHCP: a DISCOVER with the broadcast flag; an ACK parsed into its fields', () => {
  const mac = [0x52, 0x54, 0, 0, 0, 1]
  const p = dhcpPacket(DHCP_DISCOVER, 0x11223344, mac, [[12, [...Buffer.from('g1')]]])
  assert.deepEqual([p[0], p.readUInt32BE(4), p.readUInt16BE(10), [...p.subarray(28, 34)]], [1, 0x11223344, 0x8000, mac])
  assert.deepEqual([...p.subarray(236, 246)], [99, 130, 83, 99, 53, 1, DHCP_DISCOVER, 12, 2, ...Buffer.from('g')])
  const reply = Buffer.alloc(300)
  reply[0] = 2
  reply.writeUInt32BE(0x11223344, 4)
  Buffer.from([10, 0, 0, 7]).copy(reply, 16)
  Buffer.from([99, 130, 83, 99, 53, 1, DHCP_ACK, 0, 1, 4, 255, 255, 255, 0, 3, 4, 10, 0, 0, 1, 51, 4, 0, 0, 14, 16, 255]).copy(reply, 236)
  assert.equal(parseDhcpReply(reply, 1), undefined, 'another transaction')
  const r = parseDhcpReply(reply, 0x11223344)
  assert.equal(r?.type, DHCP_ACK)
  assert.deepEqual(JSON.stringify(dhcpAckOf(r!)), JSON.stringify({ ip: '10.0.0.7', leaseSec: 3600, router: '10.0.0.1', netmask: '255.255.255.0' }))
})

test('DNS: the query names the labels; answers of the asked type, compressed names included', () => {
  const q = dnsQuery(0x1234, 'files.lab.test', 1)
  assert.deepEqual([q.readUInt16BE(0), q.readUInt16BE(2), q.readUInt16BE(4)], [0x1234, 0x0100, 1])
  assert.deepEqual([...q.subarray(12, 18)], [5, ...Buffer.from('files')])
  const answer = (type: number, rdata: number[]): Buffer => Buffer.from([0xc0, 12, type >> 8, type & 255, 0, 1, 0, 0, 0, 60, 0, rdata.length, ...rdata])
  const head = Buffer.from(q)
  head.writeUInt16BE(0x8180, 2)
  head.writeUInt16BE(2, 6)
  const msg = Buffer.concat([head, answer(1, [10, 77, 0, 50]), answer(16, [5, ...Buffer.from('hello')])])
  assert.deepEqual(parseDnsAnswer(msg, 0x1234, 1), { rcode: 0, answers: ['10.77.0.50'] })
  assert.deepEqual(parseDnsAnswer(msg, 0x1234, 16), { rcode: 0, answers: ['hello'] })
  assert.equal(parseDnsAnswer(msg, 0x4321, 1), undefined)
})

test('DHCPv6: a SOLICIT carries DUID-LL, elapsed time, ORO and an empty IA_NA; a REPLY gives the IA_NA address', () => {
  const sol = dhcp6Packet(DHCP6_SOLICIT, 0xabcdef, [iaNa(7)])
  assert.deepEqual([sol[0], sol.readUInt32BE(0) & 0xffffff], [DHCP6_SOLICIT, 0xabcdef])
  assert.deepEqual([...duidLl('52:54:00:00:00:01')], [0, 3, 0, 1, 0x52, 0x54, 0, 0, 0, 1])
  assert.deepEqual(dhcp6ClientArgv({ mac: '52:54:00:00:00:01', ifname: 'eth0', timeoutMs: 9 }).slice(2), ['dhcp6', '52:54:00:00:00:01', 'eth0', '9'])
  const opt = (code: number, data: Buffer): Buffer => Buffer.concat([Buffer.from([code >> 8, code & 255, data.length >> 8, data.length & 255]), data])
  const addr = Buffer.alloc(24)
  Buffer.from('fd000215000000000000000000000123', 'hex').copy(addr)
  addr.writeUInt32BE(3000, 16)
  addr.writeUInt32BE(3600, 20)
  const ia = Buffer.concat([Buffer.from([0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0]), opt(OPT_IAADDR, addr)])
  const reply = dhcp6Packet(DHCP6_REPLY, 0xabcdef, [opt(OPT_SERVERID, Buffer.from([1, 2])), opt(OPT_IA_NA, ia)])
  const m = parseDhcp6(reply)
  assert.equal(m?.xid, 0xabcdef)
  assert.deepEqual(offeredAddress(m!), { ip: 'fd00:215::123', preferredSec: 3000, validSec: 3600 })
  // a NoAddrsAvail status inside the IA_NA is a refusal, not an address
  const refused = dhcp6Packet(DHCP6_REPLY, 1, [opt(OPT_IA_NA, Buffer.concat([Buffer.alloc(12), opt(13, Buffer.concat([Buffer.from([0, 2]), Buffer.from('none')]))]))])
  assert.deepEqual(offeredAddress(parseDhcp6(refused)!), { refused: 'IA_NA status 2 (none)' })
  assert.equal(parseDhcp6(Buffer.from([7, 0, 0, 1, 0, 1, 0, 9])), undefined, 'an option longer than the message')
  assert.equal(ip6String(Buffer.from('fe800000000000000000000000000001', 'hex')), 'fe80::1')
  assert.equal(ip6String(Buffer.from('20010db8000100000001000000000001', 'hex')), '2001:db8:1:0:1::1')
})

test('udpExchange: resends until answered, then closes its socket; no answer is a timeout with the reason', async () => {
  const server = createSocket('udp4')
  let seen = 0
  server.on('message', (m, from) => {
    seen += 1
    if (seen === 2) server.send(Buffer.from(`re:${m.toString()}`), from.port, from.address) // ignore the first send
  })
  await new Promise<void>((r) => server.bind(0, '127.0.0.1', () => r()))
  const port = server.address().port
  try {
    const sock = createSocket('udp4')
    const answer = await udpExchange<string>({
      socket: sock,
      send: () => sock.send(Buffer.from('q'), port, '127.0.0.1'),
      retryMs: 20,
      timeoutMs: 5000,
      onMessage: (m, settle) => settle.resolve(m.toString()),
    })
    assert.equal(answer, 're:q')
    assert.equal(seen, 2)
    assert.throws(() => sock.send(Buffer.from('x'), port, '127.0.0.1'), /Not running/, 'the socket is closed')
    const silent = createSocket('udp4')
    await assert.rejects(
      udpExchange<string>({ socket: silent, send: () => undefined, retryMs: 10, timeoutMs: 50, noAnswer: () => 'nothing at all', onMessage: () => undefined }),
      (e: unknown) => e instanceof HostnetError && e.kind === 'timeout' && e.message === 'nothing at all',
    )
  } finally {
    server.close()
  }
})
