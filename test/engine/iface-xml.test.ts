import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatInterfaceXml, parseInterfaceXml } from '../../src/codec/libvirt-xml/interface.js'
import { ifaceXmlToDesired } from '../../src/model/host/from-iface-xml.js'
import { bondMonitorOf, hostIfaceToXmlDef } from '../../src/model/host/to-iface-xml.js'
import { planHost } from '../../src/plan/index.js'
import { applyOpsToState } from '../../src/backend/fake/simulate.js'
import { destroyDesired, ifaceList } from '../../src/cli/iface.js'
import { fourNics, nic } from './helpers.js'

const BRIDGE_XML = `<interface type='bridge' name='br0'>
  <start mode='onboot'/>
  <mtu size='1400'/>
  <protocol family='ipv4'>
    <ip address='192.0.2.1' prefix='24'/>
    <route gateway='192.0.2.254'/>
  </protocol>
  <protocol family='ipv6'>
    <ip address='2001:db8::1' prefix='64'/>
  </protocol>
  <bridge stp='off' delay='2'>
    <interface type='ethernet' name='eth0'>
    </interface>
    <interface type='vlan' name='eth1.42'>
      <vlan tag='42'>
        <interface name='eth1'/>
      </vlan>
    </interface>
  </bridge>
</interface>
`

test('bridge XML → desired: bridge with options and ports, a VLAN member, inherited MTU, addresses, gateway', () => {
  const current = { ...fourNics(), interfaces: fourNics().interfaces.map((i) => (i.name === 'eth0' ? { ...i, type: 'veth' as const } : i)) }
  const d = ifaceXmlToDesired(parseInterfaceXml(BRIDGE_XML), { current })
  const by = new Map(d.interfaces.map((i) => [i.name, i]))
  assert.deepEqual([...by.keys()].sort(), ['br0', 'eth0', 'eth1.42'])
  const br = by.get('br0')!
  assert.equal(br.type, 'linux-bridge')
  assert.equal(br.state, 'up')
  assert.deepEqual(br.bridge, { options: { stp: false, forwardDelaySec: 2 }, ports: [{ name: 'eth0' }, { name: 'eth1.42' }] })
  assert.deepEqual(br.ipv4, { enabled: true, addresses: [{ ip: '192.0.2.1', prefixLength: 24 }] })
  assert.deepEqual(br.ipv6, { enabled: true, addresses: [{ ip: '2001:db8::1', prefixLength: 64 }] })
  assert.equal(by.get('eth0')?.type, 'veth', 'an existing NIC keeps its kernel type')
  assert.deepEqual(by.get('eth1.42')?.vlan, { baseIface: 'eth1', id: 42 })
  for (const i of d.interfaces) assert.equal(i.mtu, 1400, `${i.name} inherits the MTU`)
  assert.deepEqual(d.routes?.config, [{ destination: '0.0.0.0/0', nextHopAddress: '192.0.2.254', nextHopInterface: 'br0' }])
})

test('bond XML → kernel bonding options for miimon and arpmon; no prefix → classful / 64', () => {
  const mii = ifaceXmlToDesired(
    parseInterfaceXml(`<interface type='bond' name='bond0'><bond mode='active-backup'><miimon freq='100' updelay='10' carrier='ioctl'/>
      <interface type='ethernet' name='eth1'/><interface type='ethernet' name='eth0'/></bond></interface>`),
  )
  const bond = mii.interfaces.find((i) => i.name === 'bond0')
  assert.deepEqual(bond?.bond, { mode: 'active-backup', options: { miimon: 100, updelay: 10, use_carrier: 0 }, ports: ['eth1', 'eth0'] })
  assert.equal(mii.interfaces.find((i) => i.name === 'eth1')?.type, 'ethernet')
  const arp = ifaceXmlToDesired(
    parseInterfaceXml(`<interface type='bond' name='bond0'><protocol family='ipv4'><ip address='10.1.2.3'/></protocol>
      <bond><arpmon interval='100' target='192.168.50.1' validate='active'/><interface type='ethernet' name='eth1'/></bond></interface>`),
  )
  const b = arp.interfaces.find((i) => i.name === 'bond0')
  assert.deepEqual(b?.bond?.options, { arp_interval: 100, arp_ip_target: '192.168.50.1', arp_validate: 'active' })
  assert.deepEqual(b?.ipv4?.addresses, [{ ip: '10.1.2.3', prefixLength: 8 }])
  assert.deepEqual(bondMonitorOf({ arp_interval: 100, arp_ip_target: '192.168.50.1,192.168.50.2', arp_validate: 'active 1' }), {
    kind: 'arpmon',
    intervalMs: 100,
    target: { family: 'ipv4', value: 0xc0a83201 },
    validate: 'active',
  })
  assert.equal(bondMonitorOf({ miimon: 0, arp_interval: 0 }), undefined)
})

test('define → start (planned on the kernel model) → dumpxml gives back the document (without start mode)', () => {
  const doc = `<interface type='bridge' name='br0'>
  <mtu size='1400'/>
  <protocol family='ipv4'>
    <ip address='192.0.2.1' prefix='24'/>
  </protocol>
  <bridge stp='off' delay='0'>
    <interface type='ethernet' name='eth0'>
    </interface>
    <interface type='ethernet' name='eth1'>
    </interface>
  </bridge>
</interface>
`
  const before = fourNics()
  const plan = planHost(before, ifaceXmlToDesired(parseInterfaceXml(doc), { current: before }))
  const after = applyOpsToState(before, plan.ops)
  const def = hostIfaceToXmlDef(after, 'br0')
  assert.equal(formatInterfaceXml(def).replace(/\n\s*<mac [^>]*>/g, ''), doc)
  assert.throws(() => hostIfaceToXmlDef(after, 'nope0'), /interface 'nope0' does not exist/)
})

test('dumpxml of a live ethernet with a default route, a VLAN and a bond', () => {
  const state = {
    interfaces: [
      nic(0, { mtu: 9000, info: { operState: 'UP' }, ipv4: { enabled: true, addresses: [{ ip: '198.51.100.4', prefixLength: 24 }] } }),
      nic(1, { controller: 'bond0' }),
      { name: 'bond0', type: 'bond' as const, state: 'up' as const, mtu: 1500, bond: { mode: 'active-backup' as const, options: { miimon: 100, use_carrier: 1 } } },
      { name: 'eth2.7', type: 'vlan' as const, state: 'up' as const, vlan: { baseIface: 'eth2', id: 7 } },
    ],
    routes: [{ destination: '0.0.0.0/0', nextHopAddress: '198.51.100.1', nextHopInterface: 'eth0' }],
  }
  assert.equal(
    formatInterfaceXml(hostIfaceToXmlDef(state, 'eth0')),
    `<interface type='ethernet' name='eth0'>
  <mtu size='9000'/>
  <protocol family='ipv4'>
    <ip address='198.51.100.4' prefix='24'/>
    <route gateway='198.51.100.1'/>
  </protocol>
  <link state='up'/>
  <mac address='02:00:00:00:00:00'/>
</interface>
`,
  )
  assert.match(formatInterfaceXml(hostIfaceToXmlDef(state, 'bond0')), /<bond mode='active-backup'>\s*<miimon freq='100' carrier='netif'\/>\s*<interface type='ethernet' name='eth1'>/)
  assert.match(formatInterfaceXml(hostIfaceToXmlDef(state, 'eth2.7')), /<vlan tag='7'>\s*<interface name='eth2'\/>/)
})

test('iface-list entries and what iface-destroy asks for', () => {
  const state = fourNics()
  const list = ifaceList(state, ['br9', 'eth0'])
  assert.deepEqual(
    list.map((e) => `${e.name}:${e.state}:${e.defined}`),
    ['br9:inactive:true', 'eth0:active:true', 'eth1:active:false', 'eth2:inactive:false', 'eth3:active:false'],
  )
  const def = parseInterfaceXml(BRIDGE_XML)
  const live = { ...state, interfaces: [...state.interfaces, { name: 'br0', type: 'linux-bridge' as const, state: 'up' as const }] }
  assert.deepEqual(destroyDesired(def, ['br0'], live).interfaces, [{ name: 'br0', type: 'linux-bridge', state: 'absent' }])
  assert.deepEqual(destroyDesired(def, [], live).interfaces, [{ name: 'br0', type: 'linux-bridge', state: 'down' }])
})
