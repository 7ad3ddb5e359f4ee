/** The OVS sections of desired-state documents: nmstate's examples parse, format back, and bad input is refused with a path. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ValidationError } from '../../errors.js'
import { formatState, parseDesiredState } from './state.js'

const EXAMPLE_B = `interfaces:
  - name: ovs-br0
    type: ovs-bridge
    state: up
    bridge:
      options:
        stp:
          enabled: false
      port:
        - name: ovs-bond1
          link-aggregation:
            mode: balance-slb
            port:
              - name: eth1
              - name: eth2
`

const EXAMPLE_C = `interfaces:
  - {name: ovs0, type: ovs-interface, state: up}
  - {name: ovs1, type: ovs-interface, state: up}
  - name: ovs-br0
    type: ovs-bridge
    state: up
    bridge:
      port:
        - name: ovs0
          vlan: {mode: access, tag: 2}
        - name: ovs1
          vlan:
            mode: trunk
            trunk-tags:
              - id: 1
              - id-range: {min: 10, max: 20}
`

test('nmstate example (b): an OVS bridge with a bond', () => {
  const d = parseDesiredState(EXAMPLE_B)
  assert.deepEqual(d.interfaces[0], {
    name: 'ovs-br0',
    type: 'ovs-bridge',
    state: 'up',
    ovsBridge: { options: { stp: false }, ports: [{ name: 'ovs-bond1', bond: { mode: 'balance-slb', ports: ['eth1', 'eth2'] } }] },
  })
  assert.deepEqual(parseDesiredState(formatState(d)), d)
})

test('nmstate example (c): internal ports with access and trunk VLANs', () => {
  const d = parseDesiredState(EXAMPLE_C)
  const br = d.interfaces[2]!
  assert.deepEqual(br.ovsBridge?.ports, [
    { name: 'ovs0', vlan: { mode: 'access', tag: 2 } },
    { name: 'ovs1', vlan: { mode: 'trunk', trunkTags: [{ id: 1 }, { idRange: { min: 10, max: 20 } }] } },
  ])
  assert.deepEqual(parseDesiredState(formatState(d)), d)
})

test('patch ports, ovs-db, bond delays and options round-trip', () => {
  const text = `interfaces:
  - {name: patch0, type: ovs-interface, patch: {peer: patch1}, ovs-db: {external_ids: {a: "1"}, other_config: {b: x}}}
  - name: br1
    type: ovs-bridge
    bridge:
      options: {stp: true, rstp: false, mcast-snooping-enable: true, fail-mode: secure, datapath: netdev}
      port:
        - {name: patch0, vlan: {mode: trunk, tag: 7, enable-native: true, trunk-tags: [{id: 7}]}}
        - name: b0
          link-aggregation: {mode: lacp, ports: [eth1, eth2], bond-updelay: 100, bond-downdelay: 200, ovs-db: {other_config: {lacp-time: fast}}}
    ovs-db: {external_ids: {owner: me, n: 3}}
`
  const d = parseDesiredState(text)
  assert.deepEqual(d.interfaces[0]?.ovsInterface, { patch: { peer: 'patch1' } })
  assert.deepEqual(d.interfaces[1]?.ovsDb, { externalIds: { owner: 'me', n: '3' } }, 'numbers are kept as text')
  assert.deepEqual(d.interfaces[1]?.ovsBridge?.ports?.[1]?.bond, { mode: 'lacp', ports: ['eth1', 'eth2'], updelayMs: 100, downdelayMs: 200, ovsDb: { otherConfig: { 'lacp-time': 'fast' } } })
  assert.deepEqual(parseDesiredState(formatState(d)), d)
})

function refused(text: string, path: string, message: RegExp): void {
  assert.throws(
    () => parseDesiredState(text),
    (e: unknown) => e instanceof ValidationError && e.path === path && message.test(e.message),
  )
}

test('bad OVS input is refused with the path of the offending value', () => {
  const port = (p: string): string => `interfaces:\n  - {name: br, type: ovs-bridge, bridge: {port: [${p}]}}\n`
  refused(port('{name: p, vlan: {mode: access}}'), '/interfaces/0/bridge/port/0/vlan/tag', /tag is required in access mode/)
  refused(port('{name: p, vlan: {mode: access, tag: 4096}}'), '/interfaces/0/bridge/port/0/vlan/tag', /0\.\.4095/)
  refused(port('{name: p, vlan: {mode: access, tag: 1, trunk-tags: [{id: 2}]}}'), '/interfaces/0/bridge/port/0/vlan/trunk-tags', /does not apply to access/)
  refused(port('{name: p, vlan: {mode: trunk, trunk-tags: [{id-range: {min: 9, max: 3}}]}}'), '/interfaces/0/bridge/port/0/vlan/trunk-tags/0/id-range', /min 9 is larger than max 3/)
  refused(port('{name: p, vlan: {mode: trunk, enable-native: true}}'), '/interfaces/0/bridge/port/0/vlan/tag', /native VLAN/)
  refused(port('{name: p}, {name: p}'), '/interfaces/0/bridge/port/1/name', /twice/)
  refused(port('{name: b, link-aggregation: {mode: round-robin, port: [{name: a}, {name: c}]}}'), '/interfaces/0/bridge/port/0/link-aggregation/mode', /active-backup/)
  refused('interfaces:\n  - {name: br, type: ovs-bridge, bridge: {allow-extra-patch-ports: true}}\n', '/interfaces/0/bridge/allow-extra-patch-ports', /not supported/)
  refused('interfaces:\n  - {name: p, type: ovs-interface, patch: {}}\n', '/interfaces/0/patch', /needs a peer/)
  refused('interfaces:\n  - {name: p, type: ovs-interface, dpdk: {devargs: x}}\n', '/interfaces/0/dpdk', /not supported/)
  refused('interfaces:\n  - {name: p, type: ovs-interface, ovs-db: {external_ids: {a: [1]}}}\n', '/interfaces/0/ovs-db/external_ids/a', /must be a string/)
  refused('interfaces:\n  - {name: p, type: linux-bridge, patch: {peer: q}}\n', '/interfaces/0/patch', /does not apply/)
})
