/**
 * dhcpcd's argv for each setting, and the lease file reader (a DHCPACK as dhcpcd stores it, built here byte by
 * byte; truncated and foreign input is no lease, never an exception).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { dhcpcdArgv } from './argv.js'
import { parseDhcpv4Lease } from './lease.js'

const base = { autoDns: true, autoGateway: true, autoRoutes: true } as const

test('dhcpcd argv: foreground, no configuration file, no hooks, one family; auto-* and ids as options', () => {
  assert.deepEqual(dhcpcdArgv('eth0', { family: 'ipv4', ...base }), [
    'dhcpcd', '-f', '/dev/null', '-B', '--noarp', '-c', '/bin/true', '--ipv4only', '--option', 'domain_name_servers', '--option', 'domain_name', 'eth0',
  ])
  const noRoutes = dhcpcdArgv('eth0', { family: 'ipv4', autoDns: false, autoGateway: true, autoRoutes: false, clientId: '01:52:54:00:aa:bb:cc' })
  assert.deepEqual(noRoutes.slice(7), ['--ipv4only', '--clientid', '01:52:54:00:aa:bb:cc', '--nooption', 'classless_static_routes', '--nooption', 'static_routes', '--nogateway', 'eth0'])
  assert.deepEqual(dhcpcdArgv('eth0', { family: 'ipv4', ...base, autoGateway: false, clientId: 'iaid+duid' }).slice(7, 10), ['--ipv4only', '--duid', '--nogateway'])
  assert.deepEqual(dhcpcdArgv('e1', { family: 'ipv6', ...base, duid: 'llt', autoconf: true }).slice(7, 9), ['--ipv6only', '--duid=lt'])
  assert.throws(() => dhcpcdArgv('-x', { family: 'ipv4', ...base }), /invalid interface name/)
  assert.throws(() => dhcpcdArgv('eth0', { family: 'ipv4', ...base, clientId: 'x; rm' }), /invalid DHCP client id/)
})

/** A DHCPACK: yiaddr, then options (code, length, bytes...). */
function ack(yiaddr: number[], options: number[][]): Uint8Array {
  const b = new Uint8Array(240)
  b[0] = 2
  b.set(yiaddr, 16)
  b.set([99, 130, 83, 99], 236)
  return Uint8Array.from([...b, ...options.flat(), 255])
}

test('lease file: address with prefix, server, routers, name servers, domain, lease time', () => {
  const l = parseDhcpv4Lease(ack([10, 77, 9, 14], [[53, 1, 5], [1, 4, 255, 255, 255, 0], [3, 4, 10, 77, 9, 1], [6, 8, 10, 77, 9, 53, 9, 9, 9, 9], [15, 7, ...Buffer.from('lab.net')], [51, 4, 0, 0, 2, 88], [54, 4, 10, 77, 9, 1]]))
  assert.deepEqual(l, { address: '10.77.9.14/24', routers: ['10.77.9.1'], dns: ['10.77.9.53', '9.9.9.9'], domain: 'lab.net', leaseTimeSec: 600, server: '10.77.9.1' })
  assert.equal(parseDhcpv4Lease(new Uint8Array(100)), undefined, 'too short')
  assert.equal(parseDhcpv4Lease(ack([0, 0, 0, 0], [])), undefined, 'no address')
  const cut = ack([10, 0, 0, 2], [[1, 4, 255, 255, 0, 0], [6, 200, 1, 2]])
  assert.deepEqual(parseDhcpv4Lease(cut), { address: '10.0.0.2/16' }, 'an option running past the end is dropped')
  const noCookie = ack([10, 0, 0, 2], [])
  noCookie[236] = 0
  assert.equal(parseDhcpv4Lease(noCookie), undefined)
})
