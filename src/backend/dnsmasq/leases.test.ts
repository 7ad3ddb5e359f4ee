import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ValidationError } from '../../errors.js'
import { formatIp } from '../../model/values/ip.js'
import { parseDnsmasqLeases, readDnsmasqLeases } from './leases.js'

const FILE =
  '1767000000 52:54:00:aa:00:01 10.1.0.100 guest1 01:52:54:00:aa:00:01\n' +
  '0 52:54:00:aa:00:02 10.1.0.5 * *\n' +
  'duid 00:01:00:01:2c:aa:bb:cc:52:54:00:00:00:01\n' +
  '1767000300 1234 fd00:1::1:20 g6 00:03:00:01:52:54:00:aa:00:03\n'

test('IPv4 and IPv6 leases, infinite expiry, absent hostname and client id', () => {
  const { leases, serverDuid } = parseDnsmasqLeases(FILE)
  assert.equal(serverDuid, '00:01:00:01:2c:aa:bb:cc:52:54:00:00:00:01')
  assert.equal(leases.length, 3)
  const [a, b, c] = leases
  assert.deepEqual({ ...a, ip: formatIp(a!.ip) }, {
    family: 'ipv4',
    expiresAtEpochSec: 1767000000,
    mac: '52:54:00:aa:00:01',
    ip: '10.1.0.100',
    hostname: 'guest1',
    clientId: '01:52:54:00:aa:00:01',
  })
  assert.equal(b!.expiresAtEpochSec, 'infinite')
  assert.equal(b!.hostname, undefined)
  assert.equal(b!.clientId, undefined)
  assert.equal(c!.family, 'ipv6')
  assert.equal(c!.iaid, '1234')
  assert.equal(c!.mac, undefined)
  assert.equal(formatIp(c!.ip), 'fd00:1::1:20')
})

test('a half-written last line is dropped; a malformed complete line is an error', () => {
  assert.equal(parseDnsmasqLeases(FILE + '1767000400 52:54').leases.length, 3)
  assert.throws(() => parseDnsmasqLeases('1767000000 52:54:00:aa:00:01 10.1.0.300 x *\n'), ValidationError)
  assert.throws(() => parseDnsmasqLeases('soon 52:54:00:aa:00:01 10.1.0.3 x *\n'), /expiry/)
})

test('reading: a missing file has no leases, an existing one is parsed', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hnt-leases-'))
  try {
    assert.deepEqual(await readDnsmasqLeases(join(dir, 'none.leases')), { leases: [] })
    await writeFile(join(dir, 'n.leases'), FILE)
    assert.equal((await readDnsmasqLeases(join(dir, 'n.leases'))).leases.length, 3)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
