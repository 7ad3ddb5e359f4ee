import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseDesiredState } from '../codec/yaml/state.js'
import { hostStateFromYaml } from '../../test/helpers/host-state.js'
import { planHost, verifyHost } from './host.js'

const OBSERVED = hostStateFromYaml(`
interfaces:
  - name: br0
    type: linux-bridge
    state: up
    mtu: 1500
    mac-address: "02:00:00:00:0B:00"
    controller: ""
    bridge: {options: {stp: {enabled: false, forward-delay: 0}}}
    ipv4: {address: [{ip: 10.0.0.1, prefix-length: 24}]}
    ipv6: {address: [{ip: "fd00::1", prefix-length: 64}]}
  - {name: va, type: veth, state: up, mtu: 1500, controller: br0, veth: {peer: vb}, bridge-port: {isolated: false}}
  - {name: vb, type: veth, state: down, mtu: 1500, controller: "", veth: {peer: va}}
  - {name: bond0, type: bond, state: up, mtu: 1500, controller: "", link-aggregation: {mode: active-backup, options: {xmit_hash_policy: layer2}}}
routes:
  config:
    - {destination: 10.1.0.0/16, next-hop-address: 10.0.0.254, next-hop-interface: br0, metric: 0, table-id: 254}
`)
// a query may report the kernel's link-local address; verification ignores it
OBSERVED.interfaces[0]?.ipv6?.addresses?.unshift({ ip: 'fe80::1', prefixLength: 64 })
// sysfs prints some bond options with their numeric value
OBSERVED.interfaces[3]!.bond!.options = { xmit_hash_policy: 'layer2 0' }

function check(doc: string): Array<[string, string]> {
  return verifyHost(parseDesiredState(doc), OBSERVED).map((m) => [m.iface, m.field])
}

test('an observed state that matches gives no mismatch (link-local ignored, MAC case-insensitive)', () => {
  assert.deepEqual(
    check(`
interfaces:
  - name: br0
    type: linux-bridge
    state: up
    mac-address: "02:00:00:00:0b:00"
    bridge: {options: {stp: {enabled: false}}, port: [{name: va}]}
    ipv6: {address: [{ip: "fd00::1", prefix-length: 64}]}
  - {name: va, controller: br0, bridge-port: {isolated: false}}
  - {name: bond0, link-aggregation: {options: {xmit_hash_policy: layer2}}}
  - {name: gone0, type: dummy, state: absent}
routes:
  config:
    - {destination: 10.1.0.0/16, next-hop-interface: br0}
    - {destination: 10.9.0.0/16, state: absent}
`),
    [],
  )
})

test('each difference is reported with the interface and the YAML field', () => {
  assert.deepEqual(
    check(`
interfaces:
  - name: br0
    mtu: 9000
    mac-address: "02:00:00:00:0b:01"
    bridge: {options: {stp: {enabled: true}}, port: [{name: vb}]}
    ipv4: {address: [{ip: 10.0.0.2, prefix-length: 24}]}
  - {name: va, state: down, controller: null, bridge-port: {isolated: true}}
  - {name: vb, type: dummy}
  - {name: bond0, link-aggregation: {mode: 802.3ad}}
  - {name: new0, type: dummy}
  - {name: vb, type: veth, state: absent}
routes:
  config:
    - {destination: 10.2.0.0/16, next-hop-interface: br0}
    - {next-hop-interface: br0, state: absent}
`),
    [
      ['br0', 'mtu'],
      ['br0', 'mac-address'],
      ['br0', 'ipv4.address'],
      ['br0', 'bridge.options.stp.enabled'],
      ['br0', 'bridge.port'],
      ['va', 'state'],
      ['va', 'controller'],
      ['va', 'bridge-port.isolated'],
      ['vb', 'type'],
      ['bond0', 'link-aggregation.mode'],
      ['new0', 'state'],
      ['vb', 'state'],
      ['br0', 'routes'],
      ['br0', 'routes'],
    ],
  )
})

test('planHost: touched covers implied interfaces; expected covers what was asked and implied', () => {
  const current = hostStateFromYaml(`
interfaces:
  - {name: eth1, type: ethernet, state: up, mtu: 1500, controller: ""}
  - {name: br0, type: linux-bridge, state: up, mtu: 1500, controller: ""}
  - {name: eth1.7, type: vlan, state: up, mtu: 1500, controller: br0, vlan: {base-iface: eth1, id: 7}}
  - {name: va, type: veth, state: up, mtu: 1500, controller: br0, veth: {peer: vb}}
  - {name: vb, type: veth, state: up, mtu: 1500, controller: "", veth: {peer: va}}
routes:
  config: []
`)
  const plan = planHost(current, parseDesiredState('interfaces: [{name: br0, state: absent}, {name: vb, state: absent}, {name: eth1, mtu: 1400}]'))
  assert.deepEqual([...plan.touched].sort(), ['br0', 'eth1', 'eth1.7', 'va', 'vb'])
  assert.deepEqual(plan.ops, [
    { kind: 'link.delete', names: ['va', 'br0'] },
    { kind: 'link.set-mtu', name: 'eth1.7', mtu: 1400 },
    { kind: 'link.set-mtu', name: 'eth1', mtu: 1400 },
  ])
  const byName = new Map(plan.expected.interfaces.map((i) => [i.name, i]))
  assert.equal(byName.get('va')?.state, 'absent', 'the peer of a removed veth goes too')
  assert.equal(byName.get('eth1.7')?.controller, null, 'a port of a removed bridge is released')
  assert.equal(byName.get('eth1.7')?.mtu, 1400, 'a child follows its base MTU down')
})
