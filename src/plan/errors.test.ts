/**
 * Bad input is refused before anything is planned: each case asserts the error kind, a message naming the
 * interface and the field, and the JSON pointer of the offending value.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { HostnetError } from '../errors.js'
import { parseDesiredState } from '../codec/yaml/state.js'
import { hostStateFromYaml } from '../../test/helpers/host-state.js'
import { planHost } from './host.js'

const CURRENT = hostStateFromYaml(`
interfaces:
  - {name: eth0, type: ethernet, state: up, mtu: 1500, controller: "", ipv4: {address: [{ip: 192.0.2.10, prefix-length: 24}]}}
  - {name: eth1, type: ethernet, state: up, mtu: 1500, controller: ""}
  - {name: eth2, type: ethernet, state: up, mtu: 1500, controller: ""}
  - {name: br0, type: linux-bridge, state: up, mtu: 1500, controller: ""}
  - {name: br1, type: linux-bridge, state: down, mtu: 1500, controller: ""}
  - {name: vlan10, type: vlan, state: up, mtu: 1500, controller: "", vlan: {base-iface: eth1, id: 10}}
  - {name: va, type: veth, state: up, mtu: 1500, controller: "", veth: {peer: vb}}
  - {name: vb, type: veth, state: up, mtu: 1500, controller: "", veth: {peer: va}}
`)

interface Case {
  name: string
  doc: string
  kind?: 'invalid-argument' | 'not-supported'
  message: RegExp
  path: string
  caps?: Parameters<typeof planHost>[2]
}

const CASES: Case[] = [
  { name: 'unknown type', doc: 'interfaces: [{name: x0, type: wormhole}]', message: /interface 'x0': unknown interface type 'wormhole'/, path: '/interfaces/0/type' },
  { name: 'unknown key', doc: 'interfaces: [{name: x0, type: dummy, colour: red}]', message: /interface 'x0': unknown key 'colour'/, path: '/interfaces/0/colour' },
  { name: 'section of another type', doc: 'interfaces: [{name: x0, type: dummy, vlan: {id: 3}}]', message: /interface 'x0': section 'vlan' does not apply to an interface of type dummy/, path: '/interfaces/0/vlan' },
  { name: 'wrong value type', doc: 'interfaces: [{name: x0, type: dummy, mtu: "1500"}]', message: /interface 'x0': invalid mtu "1500": must be an integer in 68\.\.65575/, path: '/interfaces/0/mtu' },
  { name: 'VLAN id 0', doc: 'interfaces: [{name: v0, type: vlan, vlan: {base-iface: eth1, id: 0}}]', message: /interface 'v0': invalid vlan\.id 0: must be an integer in 1\.\.4094/, path: '/interfaces/0/vlan/id' },
  { name: 'VLAN id 4095', doc: 'interfaces: [{name: v0, type: vlan, vlan: {base-iface: eth1, id: 4095}}]', message: /invalid vlan\.id 4095/, path: '/interfaces/0/vlan/id' },
  { name: 'name over 15 bytes', doc: 'interfaces: [{name: abcdefghijklmnop, type: dummy}]', message: /invalid name 'abcdefghijklmnop': is longer than 15 bytes/, path: '/interfaces/0/name' },
  { name: "name with '/'", doc: 'interfaces: [{name: v0, type: vlan, vlan: {base-iface: "eth/1", id: 5}}]', message: /interface 'v0': invalid vlan\.base-iface 'eth\/1': contains '\/'/, path: '/interfaces/0/vlan/base-iface' },
  { name: 'name with whitespace', doc: 'interfaces: [{name: "br 0", type: linux-bridge}]', message: /invalid name 'br 0': contains whitespace/, path: '/interfaces/0/name' },
  { name: "name with ':'", doc: 'interfaces: [{name: ok0, type: dummy, controller: "br0:1"}]', message: /interface 'ok0': invalid controller 'br0:1': contains ':'/, path: '/interfaces/0/controller' },
  { name: 'bad MAC', doc: 'interfaces: [{name: br0, mac-address: "52:54:00:zz:00:01"}]', message: /interface 'br0': unable to parse mac-address/, path: '/interfaces/0/mac-address' },
  { name: 'prefix too long', doc: 'interfaces: [{name: br0, ipv4: {address: [{ip: 10.0.0.1, prefix-length: 33}]}}]', message: /interface 'br0': invalid ipv4\.address\[0\]\.prefix-length 33/, path: '/interfaces/0/ipv4/address/0/prefix-length' },
  { name: 'YAML syntax', doc: 'interfaces: [', message: /invalid YAML document/, path: '' },
  { name: 'listed twice', doc: 'interfaces: [{name: br0}, {name: br0, mtu: 1400}]', message: /interface 'br0': listed twice \(also at \/interfaces\/0\)/, path: '/interfaces/1/name' },
  {
    name: 'port claimed by two controllers (two lists)',
    doc: 'interfaces: [{name: br0, bridge: {port: [{name: eth2}]}}, {name: br1, bridge: {port: [{name: eth1}, {name: eth2}]}}]',
    message: /interface 'eth2': port claimed by two controllers: 'br0' \(\/interfaces\/0\/bridge\/port\/0\) and 'br1'/,
    path: '/interfaces/1/bridge/port/1',
  },
  {
    name: 'port claimed by a list and a controller field',
    doc: 'interfaces: [{name: br0, bridge: {port: [{name: eth2}]}}, {name: eth2, controller: br1}]',
    message: /interface 'eth2': port claimed by two controllers: 'br0' .* and 'br1'/,
    path: '/interfaces/1/controller',
  },
  {
    name: "port naming a controller whose list leaves it out",
    doc: 'interfaces: [{name: br0, bridge: {port: []}}, {name: eth2, controller: br0}]',
    message: /interface 'eth2': names controller 'br0' but the port list of 'br0' leaves it out/,
    path: '/interfaces/1/controller',
  },
  { name: 'port listed and absent', doc: 'interfaces: [{name: br0, bridge: {port: [{name: va}]}}, {name: va, state: absent}]', message: /interface 'va': is listed as a port of 'br0' but is desired absent/, path: '/interfaces/0/bridge/port/0' },
  {
    name: 'VLAN base cycle',
    doc: 'interfaces: [{name: v1, type: vlan, vlan: {base-iface: v2, id: 1}}, {name: v2, type: vlan, vlan: {base-iface: v1, id: 2}}]',
    message: /interface 'v1': dependency cycle: v1 -> v2 -> v1/,
    path: '/interfaces/0/vlan/base-iface',
  },
  {
    name: 'controller cycle',
    doc: 'interfaces: [{name: b1, type: bond, link-aggregation: {port: [b2]}}, {name: b2, type: bond, link-aggregation: {port: [b1]}}]',
    message: /dependency cycle: b[12] -> b[12] -> b[12]/,
    path: '/interfaces/0/link-aggregation/port/0',
  },
  {
    name: 'port under its own child',
    doc: 'interfaces: [{name: br0.5, type: vlan, vlan: {base-iface: br0, id: 5}, controller: br0}]',
    message: /dependency cycle: br0\.5 -> br0 -> br0\.5/,
    path: '/interfaces/0/vlan/base-iface',
  },
  { name: 'missing base interface', doc: 'interfaces: [{name: v0, type: vlan, vlan: {base-iface: eth9, id: 5}}]', message: /interface 'v0': base interface 'eth9' neither exists nor is in the document/, path: '/interfaces/0/vlan/base-iface' },
  { name: 'missing controller', doc: 'interfaces: [{name: eth2, controller: br9}]', message: /interface 'eth2': controller 'br9' neither exists nor is in the document/, path: '/interfaces/0/controller' },
  { name: 'missing port', doc: 'interfaces: [{name: br0, bridge: {port: [{name: eth9}]}}]', message: /interface 'eth9': port of 'br0' neither exists nor is in the document/, path: '/interfaces/0/bridge/port/0' },
  { name: 'creating an ethernet', doc: 'interfaces: [{name: eth7, type: ethernet}]', message: /interface 'eth7': does not exist, and interfaces of type ethernet cannot be created/, path: '/interfaces/0/type' },
  { name: 'creating without a type', doc: 'interfaces: [{name: new0, mtu: 1400}]', message: /interface 'new0': does not exist; give its type to create it/, path: '/interfaces/0/type' },
  { name: 'nopromisc outside passthru', doc: 'interfaces: [{name: mv9, type: mac-vlan, mac-vlan: {base-iface: eth1, mode: bridge, promiscuous: false}}]', message: /interface 'mv9': promiscuous applies only in mode passthru \(the mode is bridge\)/, path: '/interfaces/0/mac-vlan/promiscuous' },
  { name: 'creating an unsupported type', doc: 'interfaces: [{name: hsr0, type: hsr}]', kind: 'not-supported', message: /interface 'hsr0': does not exist, and interfaces of type hsr are not supported by hostnet/, path: '/interfaces/0/type' },
  { name: 'changing a type', doc: 'interfaces: [{name: br0, type: bond}]', message: /interface 'br0': is a linux-bridge; changing its type to bond is not supported/, path: '/interfaces/0/type' },
  { name: 'removing an ethernet', doc: 'interfaces: [{name: eth1, state: absent}]', message: /interface 'eth1': is a ethernet and cannot be removed \(set state: down instead\)/, path: '/interfaces/0/state' },
  // issue 14: DHCP runs (dhcpcd); what dhcpcd cannot do is refused
  { name: 'DHCP routes into another table', doc: 'interfaces: [{name: br0, ipv4: {enabled: true, dhcp: true, auto-route-table-id: 100}}]', kind: 'not-supported', message: /interface 'br0': ipv4\.auto-route-table-id 100: the DHCP client \(dhcpcd\) installs routes into the main table only/, path: '/interfaces/0/ipv4/auto-route-table-id' },
  { name: 'IPv6 autoconf without DHCPv6', doc: 'interfaces: [{name: br0, ipv6: {enabled: true, autoconf: true}}]', kind: 'not-supported', message: /interface 'br0': ipv6\.dhcp and ipv6\.autoconf must both be true or both false/, path: '/interfaces/0/ipv6/dhcp' },
  {
    name: 'child up while its parent goes',
    doc: 'interfaces: [{name: vlan10, state: absent}, {name: mv0, type: mac-vlan, mac-vlan: {base-iface: vlan10}}]',
    message: /interface 'mv0': base interface 'vlan10' is being removed/,
    path: '/interfaces/1/mac-vlan/base-iface',
  },
  { name: 'existing child up while its parent goes', doc: 'interfaces: [{name: va, state: absent}, {name: vb, state: up}]', message: /interface 'vb': cannot be up: its veth peer 'va' is being removed/, path: '/interfaces/1/state' },
  { name: 'ports on a non-controller', doc: 'interfaces: [{name: eth2, controller: eth1}]', message: /interface 'eth2': controller 'eth1' is a ethernet, which cannot have ports/, path: '/interfaces/0/controller' },
  { name: 'bridge in a bridge', doc: 'interfaces: [{name: br1, controller: br0}]', message: /interface 'br1': a bridge cannot be a port of bridge 'br0'/, path: '/interfaces/0/controller' },
  { name: 'veth peer already exists', doc: 'interfaces: [{name: vc, type: veth, veth: {peer: eth2}}]', message: /interface 'vc': veth peer 'eth2' already exists/, path: '/interfaces/0/veth/peer' },
  { name: 'veth without peer', doc: 'interfaces: [{name: vc, type: veth}]', message: /interface 'vc': veth\.peer is required to create a veth/, path: '/interfaces/0/veth/peer' },
  { name: 'new VLAN without id', doc: 'interfaces: [{name: v0, type: vlan, vlan: {base-iface: eth1}}]', message: /interface 'v0': vlan\.id is required to create a vlan/, path: '/interfaces/0/vlan/id' },
  { name: 'VLAN id in use on the base', doc: 'interfaces: [{name: v0, type: vlan, vlan: {base-iface: eth1, id: 10}}]', message: /interface 'v0': vlan id 10 on 'eth1' is already used by 'vlan10'/, path: '/interfaces/0/vlan/id' },
  { name: 'VLAN mtu above its base', doc: 'interfaces: [{name: vlan10, mtu: 9000}]', message: /interface 'vlan10': mtu 9000 is larger than the mtu 1500 of its base interface 'eth1'/, path: '/interfaces/0/mtu' },
  { name: 'STP forward delay', doc: 'interfaces: [{name: br0, bridge: {options: {stp: {enabled: true, forward-delay: 0}}}}]', message: /interface 'br0': forward-delay 0 must be in 2\.\.30 while STP is enabled/, path: '/interfaces/0/bridge/options/stp/forward-delay' },
  { name: 'bridge-port options under a bond', doc: 'interfaces: [{name: bond9, type: bond, link-aggregation: {port: [eth2]}}, {name: eth2, bridge-port: {isolated: true}}]', message: /interface 'eth2': has bridge-port options but its controller 'bond9' is a bond/, path: '/interfaces/1/bridge-port' },
  {
    name: 'kernel cannot create the type',
    doc: 'interfaces: [{name: bond9, type: bond}]',
    caps: { caps: { creatableKinds: new Set(['linux-bridge', 'veth']) } },
    kind: 'not-supported',
    message: /interface 'bond9': cannot be created: this kernel does not support interfaces of type bond/,
    path: '/interfaces/0/type',
  },
  { name: 'route through a missing interface', doc: 'routes: {config: [{destination: 10.1.0.0/16, next-hop-interface: eth9}]}', message: /route '10\.1\.0\.0\/16 dev eth9': next-hop-interface 'eth9' neither exists/, path: '/routes/config/0/next-hop-interface' },
  { name: 'route through a down interface', doc: 'routes: {config: [{destination: 10.1.0.0/16, next-hop-interface: br1}]}', message: /next-hop-interface 'br1' will be down/, path: '/routes/config/0/next-hop-interface' },
  {
    name: 'unreachable gateway',
    doc: 'routes: {config: [{destination: 10.1.0.0/16, next-hop-address: 198.51.100.1, next-hop-interface: eth0}]}',
    message: /route '10\.1\.0\.0\/16 via 198\.51\.100\.1 dev eth0': next-hop-address 198\.51\.100\.1 is not in a subnet of an address of 'eth0'/,
    path: '/routes/config/0/next-hop-address',
  },
  { name: 'route with host bits', doc: 'routes: {config: [{destination: 10.1.0.1/16, next-hop-interface: eth0}]}', message: /route '10\.1\.0\.1\/16': destination '10\.1\.0\.1\/16' has host bits set/, path: '/routes/config/0/destination' },
]

for (const c of CASES) {
  test(`refused: ${c.name}`, () => {
    let caught: unknown
    try {
      planHost(CURRENT, parseDesiredState(c.doc), c.caps?.caps === undefined ? {} : { caps: c.caps.caps })
    } catch (e) {
      caught = e
    }
    assert.ok(caught instanceof HostnetError, `expected a HostnetError, got ${String(caught)}`)
    assert.equal(caught.kind, c.kind ?? 'invalid-argument')
    assert.match(caught.message, c.message)
    const path = (caught as { path?: string }).path ?? caught.details?.['path']
    assert.equal(path, c.path)
  })
}

test('the first error wins and nothing is planned: a valid change beside a bad one still throws', () => {
  const doc = parseDesiredState('interfaces: [{name: br0, mtu: 1400}, {name: v0, type: vlan, vlan: {base-iface: eth9, id: 5}}]')
  assert.throws(() => planHost(CURRENT, doc), (e: unknown) => e instanceof HostnetError && e.kind === 'invalid-argument')
})
