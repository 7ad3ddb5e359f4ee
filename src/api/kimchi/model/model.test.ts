import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseNetworkXml } from '../../../codec/libvirt-xml/network/index.js'
import { parseDomainInterfaceXml } from '../../../codec/libvirt-xml/domain-interface.js'
import type { NetworkPortDef } from '../../../model/networkport.js'
import type { HostState } from '../../../model/host/state.js'
import { parseKimchiSubnet } from './subnet.js'
import { kimchiNetworkXml, readNetwork } from './network-xml.js'
import { generateMac, kimchiIface, resolvedInterface } from './vm-nic.js'
import { domainInterfaces, newDomainXml, readDomain } from './domain-xml.js'
import { hostView, kimchiInterface, kimchiType, networkInterfaces, usedByNetworks } from './host-ifaces.js'

test("subnets: gateway .1 and the upper half to .254 (Kimchi's intent, not its Python 3 regression)", () => {
  assert.deepEqual(parseKimchiSubnet('192.168.122.0/24'), { subnet: '192.168.122.0/24', gateway: '192.168.122.1', netmask: '255.255.255.0', prefix: 24, dhcpStart: '192.168.122.129', dhcpEnd: '192.168.122.254' })
  assert.equal(parseKimchiSubnet('192.168.122.0/255.255.255.0')?.subnet, '192.168.122.0/24')
  // host bits allowed: the address given is the gateway
  const h = parseKimchiSubnet('10.1.2.77/24')!
  assert.deepEqual([h.subnet, h.gateway, h.dhcpStart, h.dhcpEnd], ['10.1.2.0/24', '10.1.2.77', '10.1.2.129', '10.1.2.254'])
  // a gateway in the upper half splits the range, keeping the larger side
  const g = parseKimchiSubnet('10.1.2.200/24')!
  assert.deepEqual([g.dhcpStart, g.dhcpEnd], ['10.1.2.129', '10.1.2.199'])
  const small = parseKimchiSubnet('10.9.9.8/29')!
  assert.deepEqual([small.gateway, small.dhcpStart, small.dhcpEnd], ['10.9.9.9', '10.9.9.13', '10.9.9.14'])
  const big = parseKimchiSubnet('172.20.0.0/16')!
  assert.deepEqual([big.dhcpStart, big.dhcpEnd], ['172.20.128.1', '172.20.255.254'])
  for (const bad of ['10.0.0.0/30', '10.0.0.0/32', '10.0.0.0/7', '10.0.0.0', '10.0.0.256/24', '10.0.0.0/255.0.255.0', 'x/24', '']) assert.equal(parseKimchiSubnet(bad), undefined, bad)
})

test("network XML per connection type: Kimchi's elements, parsed by hostnet's codec and read back the same", () => {
  const nat = kimchiNetworkXml('<!nat-network>&', { kind: 'nat', subnet: parseKimchiSubnet('192.168.51.0/24')! })
  const def = parseNetworkXml(nat)
  assert.equal(def.name, '<!nat-network>&')
  assert.deepEqual(readNetwork(def), { connection: 'nat', interfaces: [], subnet: '192.168.51.0/24', dhcp: { start: '192.168.51.129', end: '192.168.51.254' } })
  const iso = parseNetworkXml(kimchiNetworkXml('iso', { kind: 'isolated', subnet: parseKimchiSubnet('10.0.0.0/24')! }))
  assert.equal(iso.forward.mode, 'none')
  assert.equal(readNetwork(iso).connection, 'isolated')
  const br = parseNetworkXml(kimchiNetworkXml('br', { kind: 'bridge', bridge: 'br0', openvswitch: false }))
  assert.deepEqual(readNetwork(br), { connection: 'bridge', interfaces: ['br0'], subnet: '', dhcp: { start: '', end: '' } })
  const ovs = parseNetworkXml(kimchiNetworkXml('ovs', { kind: 'bridge', bridge: 'ovsbr0', openvswitch: true }))
  assert.equal(ovs.virtualPort?.type, 'openvswitch')
  const mv = parseNetworkXml(kimchiNetworkXml('mv', { kind: 'macvtap', dev: 'eth1' }))
  assert.deepEqual(readNetwork(mv), { connection: 'macvtap', interfaces: ['eth1'], subnet: '', dhcp: { start: '', end: '' } })
  const vepa = parseNetworkXml(kimchiNetworkXml('v', { kind: 'vepa', devs: ['eth1', 'eth2', 'eth3'] }))
  assert.deepEqual(readNetwork(vepa).interfaces, ['eth1', 'eth2', 'eth3'])
  assert.equal(readNetwork(parseNetworkXml(kimchiNetworkXml('p', { kind: 'passthrough', devs: ['eth1'] }))).connection, 'passthrough')
  assert.deepEqual(networkInterfaces(mv), ['eth1'])
  assert.deepEqual(networkInterfaces(vepa), ['eth1', 'eth2', 'eth3'])
  assert.deepEqual([...usedByNetworks([br, mv])].sort(), ['br0', 'eth1'])
  // a foreign forward mode passes through
  const route = parseNetworkXml("<network><name>r</name><forward mode='route'/><bridge name='virbr9'/><ip address='10.8.0.1' prefix='24'/></network>")
  assert.deepEqual(readNetwork(route), { connection: 'route', interfaces: ['virbr9'], subnet: '10.8.0.0/24', dhcp: { start: '', end: '' } })
})

const port = (plug: NetworkPortDef['plug'], extra: Partial<NetworkPortDef> = {}): NetworkPortDef =>
  ({ uuid: '11111111-2222-3333-4444-555555555555', owner: { name: 'vm', uuid: '11111111-2222-3333-4444-555555555556' }, mac: '52:54:00:01:02:03', plug, ...extra }) as NetworkPortDef

test('a NIC on a hostnet network is the interface its port resolved to (bridge, direct, hostdev), floor left out', () => {
  const nat = resolvedInterface(port({ type: 'network', bridge: 'virbr1' }, { bandwidth: { inbound: { average: 1000, floor: 500 } }, vlan: { tags: [{ id: 10 }] } as never }), 'virtio')
  assert.equal(nat.type, 'bridge')
  assert.equal(nat.type === 'bridge' && nat.bridge, 'virbr1')
  assert.deepEqual(nat.bandwidth, { inbound: { average: 1000 } })
  assert.equal(nat.model, 'virtio')
  const direct = resolvedInterface(port({ type: 'direct', dev: 'eth1', mode: 'vepa' }), undefined)
  assert.equal(direct.type === 'direct' && `${direct.dev}/${direct.mode}`, 'eth1/vepa')
  const ovs = resolvedInterface(port({ type: 'bridge', bridge: 'ovsbr0' }, { virtualPort: { type: 'openvswitch' } }), undefined)
  assert.deepEqual(kimchiIface(ovs, undefined), { type: 'ovs', mac: '52:54:00:01:02:03', source: 'ovsbr0' })
  assert.deepEqual(kimchiIface(ovs, 'ovsnet'), { type: 'network', mac: '52:54:00:01:02:03', network: 'ovsnet' })
  assert.deepEqual(kimchiIface(direct, undefined), { type: 'macvtap', mac: '52:54:00:01:02:03', source: 'eth1', mode: 'vepa' })
  const plain = parseDomainInterfaceXml("<interface type='bridge'><mac address='52:54:00:aa:bb:cc'/><source bridge='br0'/><model type='e1000'/></interface>")
  assert.deepEqual(kimchiIface(plain, undefined), { type: 'bridge', mac: '52:54:00:aa:bb:cc', network: null, bridge: 'br0', model: 'e1000' })
  const net = parseDomainInterfaceXml("<interface type='network'><mac address='52:54:00:aa:bb:cd'/><source network='default'/></interface>")
  assert.deepEqual(kimchiIface(net, undefined), { type: 'network', mac: '52:54:00:aa:bb:cd', network: 'default' })
})

test('generated MACs: 52:54:00, fourth byte below 0x80, never one the guest has', () => {
  const seq = [0.99, 0.5, 0.5, 0.2, 0.3, 0.4]
  let i = 0
  const taken = new Set(['52:54:00:7e:80:80'])
  const mac = generateMac(taken, () => seq[i++ % seq.length]!)
  assert.match(mac, /^52:54:00:[0-7][0-9a-f]:[0-9a-f]{2}:[0-9a-f]{2}$/)
  assert.notEqual(mac, '52:54:00:7e:80:80')
})

test('guest XML from a template reads back (memory, CPUs, NICs), and its interfaces parse', () => {
  const nic = resolvedInterface(port({ type: 'network', bridge: 'virbr3' }), 'virtio')
  const xml = newDomainXml({ name: 'vm & co', uuid: '11111111-2222-3333-4444-555555555556', domainType: 'qemu', arch: 'x86_64', memoryMiB: 512, maxMemoryMiB: 1024, vcpus: 1, maxVcpus: 2, netboot: true, disks: [{ path: '/tmp/x.img', format: 'qcow2' }], graphics: { type: 'vnc', listen: '127.0.0.1' }, nics: [nic] })
  assert.match(xml, /<acpi\/>/)
  assert.match(xml, /<boot dev='network'\/>/)
  const s = readDomain(xml)
  assert.deepEqual([s.name, s.memoryMiB, s.maxMemoryMiB, s.vcpus, s.maxVcpus], ['vm & co', 512, 1024, 1, 2])
  const nics = domainInterfaces(xml)
  assert.equal(nics.length, 1)
  assert.equal(nics[0]!.type === 'bridge' && nics[0]!.bridge, 'virbr3')
  assert.equal(String(nics[0]!.mac), '52:54:00:01:02:03')
  assert.equal(domainInterfaces(newDomainXml({ name: 'd', uuid: '11111111-2222-3333-4444-555555555557', domainType: 'kvm', arch: 'x86_64', memoryMiB: 512, maxMemoryMiB: 512, vcpus: 1, maxVcpus: 1, netboot: false, disks: [], nics: [] })).length, 0)
})

test("host interfaces: Kimchi's types, every bridge but the networks' own, bare NICs, bonds", () => {
  const state: HostState = {
    interfaces: [
      { name: 'lo', type: 'loopback', state: 'up' },
      { name: 'eth0', type: 'veth', state: 'up', veth: {}, ipv4: { addresses: [{ ip: '192.0.2.10', prefixLength: 24 }] } },
      { name: 'eth1', type: 'veth', state: 'up', veth: {}, controller: 'br0' },
      { name: 'v0', type: 'veth', state: 'up', veth: { peer: 'v1' } },
      { name: 'en1', type: 'ethernet', state: 'down', controller: 'bond0' },
      { name: 'bond0', type: 'bond', state: 'up' },
      { name: 'br0', type: 'linux-bridge', state: 'up' },
      { name: 'empty', type: 'linux-bridge', state: 'up' },
      { name: 'virbr0', type: 'linux-bridge', state: 'up' },
      { name: 'bond0.5', type: 'vlan', state: 'up' },
    ],
    routes: [],
  }
  const nat = parseNetworkXml("<network><name>n</name><forward mode='nat'/><bridge name='virbr0'/><ip address='10.0.0.1' prefix='24'/></network>")
  const v = hostView(state, [nat])
  assert.deepEqual(v.favoured.map((i) => i.name), ['eth0', 'bond0', 'br0', 'empty'])
  assert.deepEqual(['eth0', 'v0', 'en1', 'bond0', 'br0', 'bond0.5'].map((n) => kimchiType(v.byName.get(n)!)), ['nic', 'unknown', 'nic', 'bonding', 'bridge', 'vlan'])
  assert.deepEqual(kimchiInterface(v.byName.get('eth0')!, () => 'veth'), { name: 'eth0', type: 'nic', status: 'up', ipaddr: '192.0.2.10', netmask: '255.255.255.0', module: 'veth' })
  assert.equal(kimchiInterface(v.byName.get('en1')!, () => 'e1000e').status, 'down')
})
