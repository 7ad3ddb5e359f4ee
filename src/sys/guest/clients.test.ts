import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { DHCP_ACK, DHCP_DISCOVER, dhcpAckOf, dhcpPacket, parseDhcpReply } from './dhcp-client.js'
import { dnsQuery, parseDnsAnswer } from './dns-client.js'
import { dhcpClientArgv, dnsClientArgv } from './index.js'

test('the argv runs the compiled entry script beside the module, never a test build', () => {
  const dhcp = dhcpClientArgv({ mac: '52:54:00:00:00:01', hostname: 'g1', timeoutMs: 3000 })
  assert.equal(dhcp[0], process.execPath)
  assert.match(dhcp[1]!, /\/src\/sys\/guest\/client-main\.js$/)
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
