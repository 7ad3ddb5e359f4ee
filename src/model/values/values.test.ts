import { test } from 'node:test'
import assert from 'node:assert/strict'
import { classfulPrefix, formatIp, formatIpv6, inSubnet, netmaskToPrefix, parseCidr, parseIpAddr, tryParseIpv4, tryParseIpv6 } from './ip.js'
import { isMulticastMac, parseMac } from './mac.js'
import { parseUuid, uuidFromRandomBytes } from './uuid.js'
import { parseIfName } from './ifname.js'
import { parseVlanId } from './vlan-id.js'

test('IPv4 parse/format and subnet helpers', () => {
  assert.equal(tryParseIpv4('192.168.122.1'), 0xc0a87a01)
  for (const bad of ['256.1.1.1', '1.2.3', '1.2.3.4.5', ' 1.2.3.4', 'a.b.c.d']) assert.equal(tryParseIpv4(bad), undefined, bad)
  assert.equal(netmaskToPrefix(0xffffff00), 24)
  assert.equal(netmaskToPrefix(0xff00ff00), undefined)
  assert.equal(classfulPrefix(tryParseIpv4('10.24.10.1')!), 8)
  assert.equal(classfulPrefix(tryParseIpv4('172.16.0.1')!), 16)
  assert.equal(classfulPrefix(tryParseIpv4('192.168.1.1')!), 24)
  assert.ok(inSubnet(parseIpAddr('10.0.1.5'), parseIpAddr('10.0.0.0'), 16))
  assert.ok(!inSubnet(parseIpAddr('10.1.1.5'), parseIpAddr('10.0.0.0'), 16))
})

test('IPv6 parse/format follows RFC 5952 like inet_ntop', () => {
  const cases: Array<[string, string]> = [
    ['2001:db8:ac10:fd01::1', '2001:db8:ac10:fd01::1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['::', '::'],
    ['::1', '::1'],
    ['fe80::', 'fe80::'],
    ['1:0:0:1:0:0:0:1', '1:0:0:1::1'],
    ['1:0:1:0:1:0:1:0', '1:0:1:0:1:0:1:0'],
    ['::ffff:1.2.3.4', '::ffff:1.2.3.4'],
    ['FD00::A', 'fd00::a'],
  ]
  for (const [i, o] of cases) assert.equal(formatIp(parseIpAddr(i)), o, i)
  for (const bad of [':::', '1::2::3', '12345::', '1:2:3:4:5:6:7:8:9', 'g::1', '1.2.3.4::']) assert.equal(tryParseIpv6(bad), undefined, bad)
  assert.equal(formatIpv6(1n), '::1')
  assert.deepEqual(parseCidr('fd00::1/64').prefix, 64)
  assert.throws(() => parseCidr('10.0.0.1/33'), /invalid prefix/)
})

test('MAC, UUID, interface names and VLAN ids', () => {
  assert.equal(parseMac('00:16:3E:77:E2:ED'), '00:16:3e:77:e2:ed')
  assert.ok(isMulticastMac(parseMac('01:00:5e:00:00:01')))
  assert.throws(() => parseMac('00:16:3e:77:e2'), /unable to parse MAC address/)
  assert.equal(parseUuid('81FF0D90-C91E-6742-64DA-4A736EDB9A8E'), '81ff0d90-c91e-6742-64da-4a736edb9a8e')
  assert.equal(parseUuid('81ff0d90c91e674264da4a736edb9a8e'), '81ff0d90-c91e-6742-64da-4a736edb9a8e')
  assert.throws(() => parseUuid('81ff0d90-c91e-6742-64da'), /malformed UUID/)
  assert.match(uuidFromRandomBytes(new Array(16).fill(255)), /^ffffffff-ffff-4fff-bfff-ffffffffffff$/)
  assert.equal(parseIfName('br0'), 'br0')
  // bytes, not characters: 7 two-byte characters fit (14 bytes), 8 do not (16 bytes)
  assert.equal(parseIfName('é'.repeat(7)), 'é'.repeat(7))
  assert.throws(() => parseIfName('é'.repeat(8)), /longer than 15 bytes/)
  for (const [bad, why] of [['a'.repeat(16), 'longer than 15'], ['a/b', "'/'"], ['a b', 'whitespace'], ['a:1', "':'"], ['', 'empty']] as const) {
    assert.throws(() => parseIfName(bad), new RegExp(why.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
  }
  assert.equal(parseVlanId('42'), 42)
  for (const bad of [0, 4095, '1x', -1, 1.5]) assert.throws(() => parseVlanId(bad), /must be an integer in 1..4094/)
})
