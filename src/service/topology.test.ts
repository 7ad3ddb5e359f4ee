import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseNetworkXml } from '../codec/libvirt-xml/network/index.js'
import type { HostState } from '../model/host/state.js'
import type { PortView } from './ops.js'
import { buildTopology, type TopologyNetwork } from './topology.js'

const state: HostState = {
  interfaces: [
    { name: 'lo', type: 'loopback', state: 'up' },
    { name: 'eth0', type: 'ethernet', state: 'up', controller: 'bond0', mtu: 1500 },
    { name: 'eth1', type: 'ethernet', state: 'up', controller: 'bond0' },
    { name: 'bond0', type: 'bond', state: 'up', bond: { mode: 'active-backup' } },
    { name: 'bond0.10', type: 'vlan', state: 'up', vlan: { baseIface: 'bond0', id: 10 }, controller: 'br0' },
    { name: 'br0', type: 'linux-bridge', state: 'up', ipv4: { enabled: true, addresses: [{ ip: '10.0.0.1', prefixLength: 24 }] } },
    { name: 'virbr1', type: 'linux-bridge', state: 'up' },
    { name: 'vnet0', type: 'tap', state: 'up', controller: 'virbr1' },
    { name: 'eth2', type: 'ethernet', state: 'down', controller: 'ovsbr' },
    { name: 'eth3', type: 'ethernet', state: 'up' },
    { name: 'eth4', type: 'ethernet', state: 'up' },
    { name: 'ovsbr', type: 'ovs-bridge', state: 'up', ovsBridge: { ports: [{ name: 'eth2' }, { name: 'bond1', bond: { mode: 'balance-slb', ports: ['eth3', 'eth4'] } }] } },
    { name: 'va', type: 'veth', state: 'up', veth: { peer: 'vb' } },
    { name: 'vb', type: 'veth', state: 'up', veth: { peer: 'va' } },
  ],
  routes: [],
}

const summary = (name: string, forwardMode: string, bridge?: string): TopologyNetwork['summary'] => ({ target: 'netns:lab', name, uuid: '00000000-0000-4000-8000-000000000000', state: 'active', autostart: false, persistent: true, forwardMode, bridge })

const networks: TopologyNetwork[] = [
  { summary: summary('nat', 'nat', 'virbr1'), def: parseNetworkXml("<network><name>nat</name><forward mode='nat'/><bridge name='virbr1'/><ip address='192.168.100.1' prefix='24'><dhcp><range start='192.168.100.2' end='192.168.100.254'/></dhcp></ip></network>"), connections: 1 },
  { summary: summary('lan', 'bridge', 'br0'), def: parseNetworkXml("<network><name>lan</name><forward mode='bridge'/><bridge name='br0'/></network>"), connections: 0 },
  { summary: summary('pool', 'vepa'), def: parseNetworkXml("<network><name>pool</name><forward mode='vepa'><interface dev='eth3'/><interface dev='eth9'/></forward></network>"), connections: 0 },
]

const port = (uuid: string, network: string, owner: string, device?: string): PortView => ({
  uuid,
  network,
  target: 'netns:lab',
  status: 'plugged',
  owner: { name: owner, uuid: '6f0a8f3e-2d55-4b0e-9a53-9b0f3c1d2e01' } as PortView['owner'],
  mac: '52:54:00:00:00:01',
  plug: { type: 'network', bridge: 'virbr1' } as unknown as PortView['plug'],
  ...(device === undefined ? {} : { device }),
})

test('topology: NICs → bond → VLAN → bridge → network → port → guest, OVS bonds, pools, veth peers', () => {
  const t = buildTopology('netns:lab', 42, state, networks, [port('11111111-1111-4111-8111-111111111111', 'nat', 'vm1', 'vnet0'), port('22222222-2222-4222-8222-222222222222', 'nat', 'vm1')])
  assert.equal(t.changeId, 42)
  const ids = t.nodes.map((n) => n.id)
  assert.ok(!ids.includes('iface:lo'), 'loopback hidden')
  assert.ok(!ids.includes('iface:vnet0'), "a port's device is the port node")
  assert.equal(new Set(ids).size, ids.length, 'no duplicate nodes')
  const edges = new Set(t.edges.map((e) => `${e.from} -${e.kind}-> ${e.to}`))
  for (const e of [
    'iface:eth0 -controller-> iface:bond0',
    'iface:eth1 -controller-> iface:bond0',
    'iface:bond0 -base-> iface:bond0.10',
    'iface:bond0.10 -controller-> iface:br0',
    'iface:br0 -bridge-> network:lan',
    'iface:virbr1 -bridge-> network:nat',
    'network:nat -port-> port:11111111-1111-4111-8111-111111111111',
    'port:11111111-1111-4111-8111-111111111111 -guest-> guest:vm1',
    'port:22222222-2222-4222-8222-222222222222 -guest-> guest:vm1',
    'iface:eth2 -controller-> ovs-bridge:ovsbr',
    'iface:eth3 -bond-member-> ovs-bond:ovsbr/bond1',
    'iface:eth4 -bond-member-> ovs-bond:ovsbr/bond1',
    'ovs-bond:ovsbr/bond1 -controller-> ovs-bridge:ovsbr',
    'iface:eth3 -pool-> network:pool',
    'iface:va -peer-> iface:vb',
  ]) {
    assert.ok(edges.has(e), `missing edge ${e}`)
  }
  assert.equal(t.edges.length, edges.size, 'no duplicate edges')
  assert.ok(!t.edges.some((e) => e.to === 'iface:eth9' || e.from === 'iface:eth9'), 'a pool device that does not exist draws no edge')
  const nat = t.nodes.find((n) => n.id === 'network:nat')!
  assert.deepEqual(nat.detail, { autostart: false, persistent: true, connections: 1, bridge: 'virbr1', addresses: ['192.168.100.1/24'], dhcpRanges: ['192.168.100.2-192.168.100.254'] })
  assert.equal(nat.type, 'nat')
  assert.deepEqual(t.nodes.find((n) => n.id === 'iface:br0')!.detail, { addresses: ['10.0.0.1/24'] })
  assert.equal(t.nodes.find((n) => n.id === 'port:11111111-1111-4111-8111-111111111111')!.label, 'vnet0')
  // every edge joins two nodes of the graph
  for (const e of t.edges) assert.ok(ids.includes(e.from) && ids.includes(e.to), `${e.from} -> ${e.to} dangles`)
})
