import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseNetworkXml } from '../../codec/libvirt-xml/network/index.js'
import type { HostDocument, HostRecord, LogicalNetwork } from '../../model/cluster/records.js'
import { compileHost, overlayMtu, vlanDeviceName, type ClusterConfig } from './compile.js'

function config(hosts: HostRecord[], networks: LogicalNetwork[], documents: HostDocument[] = []): ClusterConfig {
  return {
    hosts: new Map(hosts.map((h) => [h.id, h])),
    networks: new Map(networks.map((n) => [n.name, n])),
    documents: new Map(documents.map((d) => [d.name, d])),
  }
}

const h = (id: string, n: number, labels: Record<string, string> = {}, extra: Partial<HostRecord> = {}): HostRecord => ({ id, address: `10.9.0.${n}`, labels, ...extra })
const blue: LogicalNetwork = { name: 'blue', segment: { kind: 'vxlan', vni: 10001 }, bridge: 'vbr10001', hosts: {} }

test('VXLAN network: a bridge and its VXLAN port per member, head-end replication to every other member', () => {
  const cfg = config([h('h1', 1), h('h2', 2, {}, { underlayIface: 'eth0' }), h('h3', 3)], [blue])
  const d = compileHost('h2', cfg)
  assert.equal(d.registered, true)
  assert.equal(d.networks.length, 1)
  const n = d.networks[0]!
  assert.deepEqual(n.owned, ['vxl10001', 'vbr10001'])
  assert.deepEqual(n.interfaces, [
    { name: 'vbr10001', type: 'linux-bridge', state: 'up', mtu: 1450, bridge: { options: { stp: false, forwardDelaySec: 0 } } },
    {
      name: 'vxl10001',
      type: 'vxlan',
      state: 'up',
      mtu: 1450,
      controller: 'vbr10001',
      vxlan: { id: 10001, local: '10.9.0.2', destinationPort: 4789, remotes: ['10.9.0.1', '10.9.0.3'], baseIface: 'eth0' },
    },
  ])
  const def = parseNetworkXml(n.networkXml)
  assert.equal(def.name, 'blue')
  assert.equal(def.forward?.mode, 'bridge')
  assert.equal(def.bridge?.name, 'vbr10001')
  const withUuid = compileHost('h1', config([h('h1', 1)], [{ ...blue, uuid: 'c0ffee00-0000-4000-8000-000000000001' }])).networks[0]!
  assert.equal(parseNetworkXml(withUuid.networkXml).uuid, 'c0ffee00-0000-4000-8000-000000000001', 'one UUID on every host')
})

test('membership by labels; a host joining or leaving changes every member remote list', () => {
  const rackA = { ...blue, hosts: { rack: 'a' } }
  const hosts = [h('h1', 1, { rack: 'a' }), h('h2', 2, { rack: 'b' }), h('h3', 3, { rack: 'a' })]
  assert.deepEqual(compileHost('h2', config(hosts, [rackA])).networks, [])
  assert.deepEqual(compileHost('h1', config(hosts, [rackA])).networks[0]!.interfaces[1]!.vxlan!.remotes, ['10.9.0.3'])
  const joined = [...hosts, h('h4', 4, { rack: 'a' })]
  assert.deepEqual(compileHost('h1', config(joined, [rackA])).networks[0]!.interfaces[1]!.vxlan!.remotes, ['10.9.0.3', '10.9.0.4'])
  assert.deepEqual(compileHost('h1', config([hosts[0]!], [rackA])).networks[0]!.interfaces[1]!.vxlan!.remotes, [])
  assert.deepEqual(compileHost('nope', config(hosts, [rackA])), { registered: false, networks: [], documents: [] })
})

test('overlay MTU: the smallest member underlay minus 50 bytes for VXLAN, the underlay for VLAN, or as given', () => {
  const members = [h('h1', 1, {}, { underlayMtu: 9000 }), h('h2', 2, {}, { underlayMtu: 1600 })]
  assert.equal(overlayMtu(blue, members), 1550)
  assert.equal(overlayMtu(blue, [h('h1', 1)]), 1450)
  assert.equal(overlayMtu({ ...blue, mtu: 1400 }, members), 1400)
  assert.equal(overlayMtu({ ...blue, segment: { kind: 'vlan', physical: 'p', vlanId: 5 } }, members), 1600)
})

test('VLAN network: a VLAN on the physical network interface of each host; a host without it is reported', () => {
  const red: LogicalNetwork = { name: 'red', segment: { kind: 'vlan', physical: 'phys0', vlanId: 42 }, bridge: 'br42', hosts: {} }
  const cfg = config([h('h1', 1, {}, { physical: { phys0: 'eth1' } }), h('h2', 2)], [red])
  const a = compileHost('h1', cfg).networks[0]!
  assert.equal(a.problem, undefined)
  assert.deepEqual(a.interfaces[1], { name: 'eth1.42', type: 'vlan', state: 'up', mtu: 1500, controller: 'br42', vlan: { baseIface: 'eth1', id: 42 } })
  const b = compileHost('h2', cfg).networks[0]!
  assert.match(b.problem!, /host 'h2' has no interface for physical network 'phys0'/)
  assert.deepEqual([b.interfaces, b.owned], [[], []])
  assert.equal(vlanDeviceName('averylongname0', 4094), 'vlan4094')
})

test('two networks wanting one device on a host: the later by name is reported, the earlier kept', () => {
  const cfg = config([h('h1', 1)], [blue, { ...blue, name: 'zebra', segment: { kind: 'vxlan', vni: 10002 } }])
  const [first, second] = compileHost('h1', cfg).networks
  assert.equal(first!.problem, undefined)
  assert.match(second!.problem!, /device 'vbr10001' is already used by logical network 'blue' on host 'h1'/)
  assert.deepEqual(second!.interfaces, [])
})

test('host documents reach the host they name and exactly the hosts whose labels match', () => {
  const docs: HostDocument[] = [
    { name: 'b-rack-a', labels: { rack: 'a' }, format: 'yaml', text: '' },
    { name: 'a-h2', host: 'h2', format: 'yaml', text: '' },
    { name: 'c-all', labels: {}, format: 'json', text: '{}' },
  ]
  const cfg = config([h('h1', 1, { rack: 'a' }), h('h2', 2, { rack: 'b' }), h('h3', 3, { rack: 'a', row: '2' })], [], docs)
  assert.deepEqual(compileHost('h1', cfg).documents.map((d) => d.name), ['b-rack-a', 'c-all'])
  assert.deepEqual(compileHost('h2', cfg).documents.map((d) => d.name), ['a-h2', 'c-all'])
  assert.deepEqual(compileHost('h3', cfg).documents.map((d) => d.name), ['b-rack-a', 'c-all'])
})
