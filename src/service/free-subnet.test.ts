import { test } from 'node:test'
import assert from 'node:assert/strict'
import { HostnetError } from '../errors.js'
import { parseCidr } from '../model/values/ip.js'
import type { HostState } from '../model/host/state.js'
import { parseNetworkXml } from '../codec/libvirt-xml/network/index.js'
import { suggestSubnet, usedBlocks } from './free-subnet.js'

const block = (s: string): { addr: ReturnType<typeof parseCidr>['addr']; prefix: number } => parseCidr(s)

test('free subnet: the first /24 from 192.168.100.0 up, gateway .1, DHCP .2-.254', () => {
  assert.deepEqual(suggestSubnet([], 24), { subnet: '192.168.100.0/24', address: '192.168.100.1', prefix: 24, dhcpStart: '192.168.100.2', dhcpEnd: '192.168.100.254' })
})

test('free subnet: skips every block that overlaps something used, whatever its size', () => {
  const used = [block('192.168.100.0/24'), block('192.168.101.77/32'), block('192.168.102.0/23'), block('192.168.104.128/25')]
  assert.equal(suggestSubnet(used, 24).subnet, '192.168.105.0/24')
  // a /16 used covers all of 192.168.0.0/16: the search goes on into 10.0.0.0/8
  assert.equal(suggestSubnet([block('192.168.0.0/16')], 24).subnet, '10.0.0.0/24')
  // other sizes are aligned
  assert.deepEqual(suggestSubnet([block('192.168.100.0/24')], 28), { subnet: '192.168.101.0/28', address: '192.168.101.1', prefix: 28, dhcpStart: '192.168.101.2', dhcpEnd: '192.168.101.14' })
  // IPv6 and default routes never block anything
  assert.equal(suggestSubnet([block('2001:db8::/32'), block('0.0.0.0/0')], 24).subnet, '192.168.100.0/24')
})

test('free subnet: a prefix out of range is refused naming it; nothing free is a conflict', () => {
  assert.throws(() => suggestSubnet([], 8), (e: unknown) => e instanceof HostnetError && e.kind === 'invalid-argument' && /invalid prefix '8'/.test(e.message))
  assert.throws(() => suggestSubnet([block('192.168.0.0/16'), block('10.0.0.0/8')], 24), (e: unknown) => e instanceof HostnetError && e.kind === 'conflict')
})

test('free subnet: what a target uses = its networks, interface addresses and routes', () => {
  const state: HostState = {
    interfaces: [{ name: 'eth0', type: 'veth', state: 'up', ipv4: { enabled: true, addresses: [{ ip: '192.168.100.5', prefixLength: 24 }] } }],
    routes: [{ destination: '192.168.101.0/24', nextHopInterface: 'eth0' }, { destination: '0.0.0.0/0', nextHopAddress: '192.168.100.1' }, { destination: 'fd00::/64' }],
  }
  const def = parseNetworkXml("<network><name>n</name><ip address='192.168.102.1' prefix='24'/></network>")
  const used = usedBlocks(state, [def])
  assert.equal(suggestSubnet(used, 24).subnet, '192.168.103.0/24')
})
