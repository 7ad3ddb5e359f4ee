/**
 * The planner with Open vSwitch: validation before any op, the 'dependency' error without OVS, verification of
 * the OVS part, reverting any change back to the snapshot (kernel and OVS together), and plans without OVS
 * changes when a document does not touch OVS.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { HostnetError, ValidationError } from '../../errors.js'
import { parseDesiredState } from '../../codec/yaml/state.js'
import type { HostState } from '../../model/host/state.js'
import { hostStateFromYaml } from '../../../test/helpers/host-state.js'
import { planHost, revertDesired, verifyHost } from '../host.js'
import { applyOpsToState } from '../../backend/fake/simulate.js'

const CURRENT = hostStateFromYaml(`
interfaces:
  - {name: lo, type: loopback, state: up, mtu: 65536, mac-address: "00:00:00:00:00:00", controller: ""}
  - {name: eth1, type: ethernet, state: up, mtu: 1500, mac-address: "52:54:00:00:00:11", controller: br-int}
  - {name: eth2, type: ethernet, state: up, mtu: 1500, mac-address: "52:54:00:00:00:12", controller: br-int}
  - {name: eth3, type: ethernet, state: up, mtu: 1500, mac-address: "52:54:00:00:00:13", controller: br-int}
  - {name: eth4, type: ethernet, state: up, mtu: 1500, mac-address: "52:54:00:00:00:14", controller: ""}
  - {name: br-lx, type: linux-bridge, state: up, mtu: 1500, mac-address: "52:54:00:00:00:21", controller: "", bridge: {options: {stp: {enabled: false, forward-delay: 0}}}}
  - {name: eth5, type: ethernet, state: up, mtu: 1500, mac-address: "52:54:00:00:00:15", controller: br-lx}
  - {name: br-int, type: ovs-interface, state: up, mtu: 1500, mac-address: "02:0f:00:00:00:01", controller: br-int, ipv4: {address: [{ip: 192.0.2.1, prefix-length: 24}]}}
  - name: mgmt
    type: ovs-interface
    state: up
    mtu: 1500
    mac-address: "02:0f:00:00:00:02"
    controller: br-int
    ipv4: {address: [{ip: 198.51.100.1, prefix-length: 24}]}
    ovs-db: {external_ids: {iface-id: m1}}
  - {name: patch-a, type: ovs-interface, state: up, controller: br-int, patch: {peer: patch-b}}
  - {name: patch-b, type: ovs-interface, state: up, controller: br-ex, patch: {peer: patch-a}}
  - name: br-int
    type: ovs-bridge
    state: up
    bridge:
      options: {stp: false, rstp: false, mcast-snooping-enable: false, fail-mode: "", datapath: netdev}
      port:
        - {name: br-int}
        - {name: mgmt, vlan: {mode: access, tag: 10}}
        - {name: eth1, vlan: {mode: trunk, trunk-tags: [{id: 10}, {id: 20}]}}
        - {name: bond0, link-aggregation: {mode: active-backup, port: [{name: eth2}, {name: eth3}], bond-updelay: 0, bond-downdelay: 0}}
        - {name: patch-a}
    ovs-db: {external_ids: {owner: test}}
  - name: br-ex
    type: ovs-bridge
    state: up
    bridge:
      options: {stp: false, rstp: false, mcast-snooping-enable: false, fail-mode: secure, datapath: netdev}
      port: [{name: patch-b}]
routes:
  config:
    - {destination: 203.0.113.0/24, next-hop-address: 198.51.100.254, next-hop-interface: mgmt, metric: 0, table-id: 254}
`)

function plan(doc: string, current: HostState = CURRENT): ReturnType<typeof planHost> {
  return planHost(current, parseDesiredState(doc))
}

function refused(doc: string, kind: string, path: string | undefined, message: RegExp): void {
  assert.throws(
    () => plan(doc),
    (e: unknown) => {
      assert.ok(e instanceof HostnetError, String(e))
      assert.equal(e.kind, kind, e.message)
      if (path !== undefined) assert.equal(e instanceof ValidationError ? e.path : e.details?.['path'], path, e.message)
      assert.match(e.message, message)
      return true
    },
  )
}

test('OVS documents are validated before any op', () => {
  refused('interfaces: [{name: br-int, type: ovs-bridge, mtu: 9000}]', 'invalid-argument', '/interfaces/0/mtu', /has no MTU/)
  refused('interfaces: [{name: br-int, type: ovs-bridge, state: down}]', 'not-supported', '/interfaces/0/state', /cannot be down/)
  refused('interfaces: [{name: new0, type: ovs-interface}]', 'invalid-argument', '/interfaces/0', /needs an OVS bridge/)
  refused('interfaces: [{name: mgmt, type: ovs-interface, controller: ""}]', 'invalid-argument', '/interfaces/0/controller', /only as a port/)
  refused('interfaces: [{name: b1, type: ovs-bridge, bridge: {port: [{name: eth4}]}}, {name: b2, type: ovs-bridge, bridge: {port: [{name: eth4}]}}]', 'invalid-argument', '/interfaces/1/bridge/port/0', /claimed twice/)
  refused('interfaces: [{name: b1, type: ovs-bridge, bridge: {port: [{name: eth4}]}}, {name: eth4, state: absent}]', 'invalid-argument', '/interfaces/0/bridge/port/0', /desired absent/)
  refused('interfaces: [{name: b1, type: ovs-bridge, bridge: {port: [{name: eth4}]}}, {name: br-lx, type: linux-bridge, bridge: {port: [{name: eth4}]}}]', 'invalid-argument', '/interfaces/0/bridge/port/0', /two controllers/)
  refused('interfaces: [{name: b1, type: ovs-bridge, bridge: {port: [{name: bd, link-aggregation: {port: [{name: eth4}, {name: nope}]}}]}}]', 'invalid-argument', '/interfaces/0/bridge/port/0/link-aggregation/port/1', /bond member neither exists/)
  refused('interfaces: [{name: b1, type: ovs-bridge, bridge: {port: [{name: bd, link-aggregation: {port: [{name: eth4}]}}]}}]', 'invalid-argument', '/interfaces/0/bridge/port/0/link-aggregation/port', /at least two/)
  refused('interfaces: [{name: p9, type: ovs-interface, patch: {peer: eth4}, controller: br-int}]', 'invalid-argument', '/interfaces/0/patch/peer', /not an OVS patch port/)
  refused('interfaces: [{name: eth4, ovs-db: {external_ids: {a: b}}}]', 'invalid-argument', '/interfaces/0/ovs-db', /only to OVS/)
  refused('interfaces: [{name: br-int, type: ovs-bridge, state: absent}, {name: mgmt, type: ovs-interface, state: up}]', 'invalid-argument', '/interfaces/1/state', /bridge 'br-int' is being removed/)
  refused('interfaces: [{name: eth2, controller: ""}]', 'invalid-argument', '/interfaces/0/controller', /member of OVS bond 'bond0'/)
  refused('interfaces: [{name: patch-a, type: ovs-interface, mtu: 1400}]', 'invalid-argument', '/interfaces/0/mtu', /patch port has no MTU/)
})

test('a document asking for OVS fails with a dependency error when OVS is not reachable; others still plan', () => {
  const noOvs: HostState = { ...hostStateFromYaml('interfaces: [{name: eth4, type: ethernet, state: up, mtu: 1500}]'), ovs: { available: false, address: 'unix:/x/db.sock', reason: 'no OVSDB socket at /x/db.sock' } }
  assert.throws(
    () => planHost(noOvs, parseDesiredState('interfaces: [{name: b1, type: ovs-bridge, bridge: {port: [{name: eth4}]}}]')),
    (e: unknown) => e instanceof HostnetError && e.kind === 'dependency' && /needs Open vSwitch, which is not reachable at 'unix:\/x\/db.sock'/.test(e.message),
  )
  assert.deepEqual(planHost(noOvs, parseDesiredState('interfaces: [{name: eth4, mtu: 1400}]')).ops, [{ kind: 'link.set-mtu', name: 'eth4', mtu: 1400 }])
})

test('a document that does not touch OVS makes no OVS transaction; restating OVS makes no op', () => {
  const p = plan('interfaces: [{name: eth4, ipv4: {address: [{ip: 10.0.0.1, prefix-length: 8}]}}]')
  assert.deepEqual(p.ops.map((o) => o.kind), ['addr.add'])
  const same = plan(`interfaces:
  - {name: br-int, type: ovs-interface, state: up, ipv4: {address: [{ip: 192.0.2.1, prefix-length: 24}]}}
  - {name: br-int, type: ovs-bridge, bridge: {options: {fail-mode: ""}, port: [{name: br-int}, {name: mgmt, vlan: {mode: access, tag: 10}}, {name: eth1}, {name: bond0}, {name: patch-a}]}}
`)
  assert.deepEqual(same.ops, [], 'an ovs-bridge and its same-named internal interface are two entries')
})

test('the OVS transaction goes after creates and before the ops that need the internal ports', () => {
  const p = plan(`interfaces:
  - {name: v1, type: veth, veth: {peer: v1p}}
  - {name: br-new, type: ovs-bridge, bridge: {options: {datapath: netdev}, port: [{name: v1}, {name: in1}]}}
  - {name: in1, type: ovs-interface, mtu: 9000, ipv4: {address: [{ip: 10.9.0.1, prefix-length: 24}]}}
`)
  const kinds = p.ops.map((o) => (o.kind === 'link.set-state' ? `${o.kind}:${o.name}` : o.kind))
  assert.ok(kinds.indexOf('link.create') < kinds.indexOf('ovs.transact'), kinds.join(' '))
  assert.ok(kinds.indexOf('ovs.transact') < kinds.indexOf('link.set-state:in1'), kinds.join(' '))
  assert.ok(kinds.indexOf('ovs.transact') < kinds.indexOf('addr.add'), kinds.join(' '))
  assert.ok(p.touched.includes('ovs-bridge:br-new') && p.touched.includes('in1') && p.touched.includes('v1'))
  assert.deepEqual(p.ops.filter((o) => o.kind === 'link.set-mtu'), [], 'the MTU of an internal port goes through OVS (mtu_request)')
})

test('verification finds what differs in OVS', () => {
  const p = plan('interfaces: [{name: br-int, type: ovs-bridge, bridge: {options: {stp: true}, port: [{name: br-int}, {name: mgmt, vlan: {mode: access, tag: 11}}, {name: eth1}, {name: bond0, link-aggregation: {mode: balance-slb}}, {name: patch-a}]}, ovs-db: {external_ids: {owner: x}}}]')
  const after = applyOpsToState(CURRENT, p.ops)
  assert.deepEqual(verifyHost(p.expected, after), [])
  const fields = verifyHost(p.expected, CURRENT).map((m) => m.field).sort()
  assert.deepEqual(fields, ['bridge.options.stp', 'bridge.port.bond0.link-aggregation.mode', 'bridge.port.mgmt.vlan', 'ovs-db.external_ids'])
})

function project(s: HostState): unknown {
  return s.interfaces
    .map((i) => {
      // info is read-only; bridge-port defaults come from the kernel model when a port is attached again
      const { info: _info, bridgePort: _bp, ...rest } = i
      if (rest.bridge !== undefined) rest.bridge = { options: rest.bridge.options ?? {} }
      if (rest.ovsBridge?.ports !== undefined) rest.ovsBridge = { ...rest.ovsBridge, ports: [...rest.ovsBridge.ports].sort((a, b) => a.name.localeCompare(b.name)) }
      return { ...rest, controller: i.controller ?? null, ipv4: (i.ipv4?.addresses ?? []).map((a) => `${a.ip}/${a.prefixLength}`).sort(), ipv6: (i.ipv6?.addresses ?? []).map((a) => `${a.ip}/${a.prefixLength}`).sort() }
    })
    .sort((a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type))
    .concat([{ routes: s.routes.map((r) => JSON.stringify(r)).sort() } as never])
}

const REVERTS: Record<string, string> = {
  'remove a bridge': 'interfaces: [{name: br-int, type: ovs-bridge, state: absent}]',
  'vlans, options, ports and ids': `interfaces:
  - {name: br-int, type: ovs-bridge, bridge: {options: {stp: true, fail-mode: secure}, port: [{name: br-int}, {name: mgmt, vlan: {mode: trunk, tag: 10, enable-native: true, trunk-tags: [{id: 10}]}}, {name: eth4, vlan: {mode: access, tag: 30}}]}, ovs-db: {external_ids: {}}}`,
  'bond members and mode': `interfaces:
  - {name: br-int, type: ovs-bridge, bridge: {port: [{name: br-int}, {name: mgmt}, {name: eth1}, {name: patch-a}, {name: bond0, link-aggregation: {mode: balance-tcp, port: [{name: eth2}, {name: eth4}], bond-updelay: 50}}]}}`,
  'ports move between a Linux bridge and OVS': `interfaces:
  - {name: eth5, controller: br-ex}
  - {name: br-lx, type: linux-bridge, bridge: {port: [{name: eth1}]}}`,
  'internal port mtu, mac, ids, addresses': `interfaces:
  - {name: mgmt, type: ovs-interface, mtu: 9000, mac-address: "02:0f:00:00:00:99", ovs-db: {external_ids: {}}, ipv4: {address: [{ip: 198.51.100.9, prefix-length: 24}]}}`,
  'remove an internal port with its routes': 'interfaces: [{name: mgmt, type: ovs-interface, state: absent}]',
  'new bridge with a bond, patch ports and a new veth': `interfaces:
  - {name: v1, type: veth, veth: {peer: v1p}}
  - {name: br-new, type: ovs-bridge, bridge: {options: {datapath: netdev}, port: [{name: v1}, {name: np}, {name: b1, link-aggregation: {mode: lacp, port: [{name: eth4}, {name: v1p}]}}]}}
  - {name: np, type: ovs-interface, patch: {peer: nq}}
  - {name: nq, type: ovs-interface, patch: {peer: np}, controller: br-ex}`,
  'an interface leaves OVS by naming no controller': 'interfaces: [{name: eth1, controller: ""}, {name: patch-b, type: ovs-interface, state: absent}, {name: patch-a, type: ovs-interface, state: absent}]',
}

for (const [name, doc] of Object.entries(REVERTS)) {
  test(`revert with OVS: ${name}`, () => {
    const p = plan(doc)
    assert.ok(p.ops.length > 0)
    const after = applyOpsToState(CURRENT, p.ops)
    assert.deepEqual(verifyHost(p.expected, after), [])
    assert.deepEqual(planHost(after, parseDesiredState(doc)).ops, [], 'planning again is a no-op')
    const back = planHost(after, revertDesired(CURRENT, p.touched))
    const restored = applyOpsToState(after, back.ops)
    assert.deepEqual(verifyHost(back.expected, restored), [])
    assert.deepEqual(project(restored), project(CURRENT))
  })
}
