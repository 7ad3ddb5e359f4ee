import { test } from 'node:test'
import assert from 'node:assert/strict'
import { validateNetworkDef } from './validate.js'
import { forwardCapabilities } from './capabilities.js'
import { FORWARD_MODES } from './forward.js'
import { networkIpPrefix } from './ip.js'
import { selectPortGroup } from './portgroup.js'
import type { NetworkDef } from './network-def.js'
import type { NetworkIp } from './ip.js'
import type { PortGroup } from './portgroup.js'
import type { Uuid } from '../values/uuid.js'
import type { MacAddr } from '../values/mac.js'
import { HostnetError, ValidationError } from '../../errors.js'

const UUID = '81ff0d90-c91e-6742-64da-4a736edb9a9b' as Uuid
const v4 = (s: string): { family: 'ipv4'; value: number } => {
  const p = s.split('.').map(Number)
  return { family: 'ipv4', value: ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0 }
}
const ip = (addr: string, extra: Partial<NetworkIp> = {}): NetworkIp => ({ address: v4(addr), prefix: 24, dhcpRanges: [], dhcpHosts: [], ...extra })

function net(over: Partial<NetworkDef>): NetworkDef {
  return { name: 'n', uuid: UUID, forward: { mode: 'nat', interfaces: [], addresses: [] }, ips: [ip('192.168.1.1')], routes: [], portGroups: [], ...over }
}

function rejects(def: NetworkDef, kind: string, re: RegExp): void {
  assert.throws(
    () => validateNetworkDef(def),
    (e: unknown) => e instanceof HostnetError && e.kind === kind && re.test(e.message),
  )
}

const bridgeMode = (over: Partial<NetworkDef['forward']> = {}): NetworkDef['forward'] => ({ mode: 'bridge', interfaces: [], addresses: [], ...over })

test('valid definitions pass: nat, ovs bridge with vlan portgroups, hostdev with vlan', () => {
  validateNetworkDef(net({}))
  validateNetworkDef(
    net({
      forward: bridgeMode(),
      ips: [],
      bridge: { name: 'ovsbr0' },
      virtualPort: { type: 'openvswitch' },
      vlan: { tags: [10], trunk: false },
      bandwidth: { inbound: { average: 100 } },
      portGroups: [{ name: 'a', vlan: { tags: [20], trunk: false }, virtualPort: { type: 'openvswitch' } }],
    }),
  )
  validateNetworkDef(net({ forward: { mode: 'hostdev', interfaces: [], addresses: [{ domain: 0, bus: 3, slot: 0, function: 1 }] }, ips: [], vlan: { tags: [5], trunk: false } }))
})

test('L3-only elements are refused (not-supported) in bridge/direct/hostdev modes', () => {
  const direct = bridgeMode({ interfaces: [{ dev: 'eth0' }] })
  rejects(net({ forward: direct }), 'not-supported', /Unsupported <ip> element in network 'n' with forward mode='bridge'/)
  rejects(net({ forward: direct, ips: [], mac: '52:54:00:00:00:01' as MacAddr }), 'not-supported', /Unsupported <mac>/)
  rejects(net({ forward: direct, ips: [], domain: { name: 'x' } }), 'not-supported', /Unsupported <domain>/)
  rejects(
    net({ forward: direct, ips: [], dns: { forwarders: [], txts: [{ name: 'a', value: 'b' }], srvs: [], hosts: [] } }),
    'not-supported',
    /Unsupported <dns>/,
  )
})

test('network and portgroup bandwidth only where the mode supports it', () => {
  const direct = bridgeMode({ interfaces: [{ dev: 'eth0' }] })
  rejects(net({ forward: direct, ips: [], bandwidth: { inbound: { average: 1 } } }), 'not-supported', /network-wide <bandwidth>/)
  const pg: PortGroup = { name: 'pg', bandwidth: { inbound: { average: 1 } } }
  rejects(net({ forward: direct, ips: [], portGroups: [pg] }), 'not-supported', /in portgroup 'pg'/)
  rejects(net({ forward: { mode: 'hostdev', interfaces: [], addresses: [], pf: 'eth0' }, ips: [], portGroups: [pg] }), 'not-supported', /hostdev network 'n'/)
})

test('device pool kinds: exclusive, interfaces not in hostdev, addresses only in hostdev', () => {
  const pci = { domain: 0, bus: 0x11, slot: 0x10, function: 1 }
  // the corpus case passthrough-address-crash parses, but does not define
  rejects(net({ forward: { mode: 'passthrough', interfaces: [], addresses: [pci] }, ips: [] }), 'not-supported', /only supported for networks with forward mode 'hostdev'/)
  rejects(net({ forward: { mode: 'hostdev', interfaces: [{ dev: 'eth1' }], addresses: [] }, ips: [] }), 'not-supported', /listed by PCI address/)
  rejects(net({ forward: { mode: 'passthrough', interfaces: [{ dev: 'eth1' }], addresses: [], pf: 'eth0' }, ips: [] }), 'not-supported', /mutually exclusive/)
})

test('DHCP on at most one IPv4 and one IPv6 <ip>', () => {
  const range = { start: v4('192.168.1.2'), end: v4('192.168.1.9') }
  const host = { mac: '52:54:00:00:00:01', ip: v4('192.168.2.5') }
  validateNetworkDef(net({ ips: [ip('192.168.1.1', { dhcpRanges: [range] }), ip('192.168.2.1')] }))
  rejects(net({ ips: [ip('192.168.1.1', { dhcpRanges: [range] }), ip('192.168.2.1', { dhcpHosts: [host] })] }), 'not-supported', /Multiple IPv4 dhcp sections/)
})

test('vlan rules: vlanAllowed, typed portgroup virtualports, the default portgroup', () => {
  const qbh = net({ forward: { mode: 'private', interfaces: [{ dev: 'eth1' }], addresses: [] }, ips: [], vlan: { tags: [549], trunk: false } })
  // corpus 8021Qbh-net: parses, but this vlan is refused at define time
  rejects(qbh, 'not-supported', /doesn't support vlan configuration/)
  // openvswitch-net: portgroup vlans with typeless portgroup virtualports fail the check
  const ovs = net({
    forward: bridgeMode(),
    ips: [],
    virtualPort: { type: 'openvswitch' },
    portGroups: [{ name: 'bob', isDefault: true, vlan: { tags: [666], trunk: true }, virtualPort: { profileId: 'bob-profile' } }],
  })
  rejects(ovs, 'not-supported', /vlan configuration/)
  // a network vlan on a mode without vlan support passes when a default portgroup carries an ovs virtualport
  validateNetworkDef(
    net({
      forward: bridgeMode(),
      ips: [],
      bridge: { name: 'br0' },
      vlan: { tags: [7], trunk: false },
      portGroups: [{ name: 'd', isDefault: true, virtualPort: { type: 'openvswitch' } }],
    }),
  )
})

test('portgroup names are unique and only one may be the default (invalid-argument)', () => {
  assert.throws(
    () => validateNetworkDef(net({ portGroups: [{ name: 'a', isDefault: true }, { name: 'b', isDefault: true }] })),
    (e: unknown) => e instanceof ValidationError && /multiple default <portgroup> elements \(a and b\)/.test(e.message) && e.path === '/network/portgroup[2]/@default',
  )
  assert.throws(() => validateNetworkDef(net({ portGroups: [{ name: 'a' }, { name: 'a' }] })), /same name \(a\)/)
  assert.throws(() => validateNetworkDef(net({ name: 'a\nb' })), (e: unknown) => e instanceof ValidationError && /newline/.test(e.message))
})

test('capability table: plug kinds, virtualport types, floor and exclusivity per mode', () => {
  for (const m of FORWARD_MODES) assert.equal(forwardCapabilities(m).mode, m)
  assert.equal(forwardCapabilities('nat').plug, 'network')
  assert.deepEqual(forwardCapabilities('nat').virtualPortTypes, [])
  assert.equal(forwardCapabilities('bridge', { hasBridgeName: true }).plug, 'bridge')
  assert.deepEqual(forwardCapabilities('bridge', { hasBridgeName: true }).virtualPortTypes, ['openvswitch'])
  assert.equal(forwardCapabilities('bridge').plug, 'direct')
  assert.equal(forwardCapabilities('bridge').directMode, 'bridge')
  assert.deepEqual(forwardCapabilities('vepa').virtualPortTypes, ['802.1Qbg', '802.1Qbh'])
  assert.ok(forwardCapabilities('passthrough').exclusivePool && !forwardCapabilities('private').exclusivePool)
  assert.equal(forwardCapabilities('hostdev').plug, 'hostdev-pci')
  assert.ok(forwardCapabilities('open').floor && !forwardCapabilities('hostdev').floor)
  assert.ok(!forwardCapabilities('open').firewall && forwardCapabilities('none').firewall)
})

test('capability table: built once per mode and form, the same answer every time', () => {
  for (const m of FORWARD_MODES) {
    assert.equal(forwardCapabilities(m), forwardCapabilities(m))
    assert.equal(forwardCapabilities(m, { hasBridgeName: true }).mode, m)
  }
  assert.notEqual(forwardCapabilities('bridge'), forwardCapabilities('bridge', { hasBridgeName: true }))
  assert.equal(forwardCapabilities('bridge', { hasBridgeName: true }).plug, 'bridge')
  assert.equal(forwardCapabilities('bridge').plug, 'direct')
  // the bridge-name form only matters for mode bridge
  assert.equal(forwardCapabilities('nat', { hasBridgeName: true }), forwardCapabilities('nat'))
})

test('effective prefix and portgroup selection', () => {
  assert.equal(networkIpPrefix({ address: v4('10.24.10.1'), dhcpRanges: [], dhcpHosts: [] }), 8)
  assert.equal(networkIpPrefix({ address: v4('172.16.0.1'), netmask: v4('255.255.0.0'), dhcpRanges: [], dhcpHosts: [] }), 16)
  assert.equal(networkIpPrefix({ address: v4('224.0.0.1'), dhcpRanges: [], dhcpHosts: [] }), undefined)
  assert.equal(networkIpPrefix({ address: { family: 'ipv6', value: 1n }, dhcpRanges: [], dhcpHosts: [] }), 64)
  const pgs: PortGroup[] = [{ name: 'a' }, { name: 'b', isDefault: true }]
  assert.equal(selectPortGroup(pgs, undefined)?.name, 'b')
  assert.equal(selectPortGroup(pgs, 'a')?.name, 'a')
  // an unknown name selects nothing, not the default
  assert.equal(selectPortGroup(pgs, 'zzz'), undefined)
})
