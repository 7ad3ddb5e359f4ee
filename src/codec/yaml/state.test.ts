import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { ValidationError } from '../../errors.js'
import type { HostState } from '../../model/host/state.js'
import { desiredArb, HOST } from '../../../test/helpers/host-arbitraries.js'
import { planHost } from '../../plan/host.js'
import { applyOpsToState } from '../../backend/fake/simulate.js'
import { showShape } from './show-shape.js'
import { formatState, parseDesiredState } from './state.js'

const NMSTATE_EXAMPLE = `
# eth1 --+-- bond0 --+-- br0
# eth2 --'           '-- vlan29 -- br29
interfaces:
  - name: vlan29
    type: vlan
    state: up
    vlan:
      base-iface: bond0
      id: 29
  - name: br29
    type: linux-bridge
    state: up
    bridge:
      port:
        - name: vlan29
  - name: br0
    type: linux-bridge
    state: up
    bridge:
      options:
        stp:
          enabled: false
      port:
        - name: bond0
          stp-hairpin-mode: false
          stp-path-cost: 100
  - name: bond0
    type: bond
    state: up
    link-aggregation:
      mode: active-backup
      options: {miimon: 100, primary: eth1}
      port:
        - eth1
        - eth2
  - name: eth1
    type: ethernet
    state: up
  - name: eth2
    type: ethernet
    state: up
`

function refused(text: string, opts: { format?: 'yaml' | 'json' } = {}): ValidationError {
  try {
    parseDesiredState(text, opts)
  } catch (e) {
    if (e instanceof ValidationError) return e
    throw e
  }
  assert.fail(`accepted: ${text}`)
}

test("parses nmstate's bond + VLAN + bridge example", () => {
  const s = parseDesiredState(NMSTATE_EXAMPLE)
  assert.deepEqual(s.interfaces.map((i) => [i.name, i.type, i.state]), [
    ['vlan29', 'vlan', 'up'], ['br29', 'linux-bridge', 'up'], ['br0', 'linux-bridge', 'up'], ['bond0', 'bond', 'up'], ['eth1', 'ethernet', 'up'], ['eth2', 'ethernet', 'up'],
  ])
  assert.deepEqual(s.interfaces[0]?.vlan, { baseIface: 'bond0', id: 29 })
  assert.deepEqual(s.interfaces[2]?.bridge, { options: { stp: false }, ports: [{ name: 'bond0', options: { hairpin: false, stpPathCost: 100 } }] })
  assert.deepEqual(s.interfaces[3]?.bond, { mode: 'active-backup', options: { miimon: 100, primary: 'eth1' }, ports: ['eth1', 'eth2'] })
  assert.equal(s.routes, undefined)
})

test('accepts type aliases and canonicalizes MACs and IPv6 addresses', () => {
  const s = parseDesiredState(`
interfaces:
  - {name: b0, type: bridge, mac-address: "02:AB:0:0:0:1", ipv6: {address: [{ip: "2001:DB8:0:0:0:0:0:0001", prefix-length: 64}]}}
  - {name: m0, type: macvlan, mac-vlan: {base-iface: eth0, mode: bridge}}
  - {name: t0, type: macvtap, mac-vtap: {base-iface: eth0, mode: passthru}}
  - {name: bd, type: bond, link-aggregation: {mode: 4, ports: [eth1]}}
`)
  assert.deepEqual(s.interfaces.map((i) => i.type), ['linux-bridge', 'mac-vlan', 'mac-vtap', 'bond'])
  assert.equal(s.interfaces[0]?.mac, '02:ab:00:00:00:01')
  assert.deepEqual(s.interfaces[0]?.ipv6?.addresses, [{ ip: '2001:db8::1', prefixLength: 64 }])
  assert.deepEqual(s.interfaces[3]?.bond, { mode: '802.3ad', ports: ['eth1'] })
})

test('an absent interface keeps only name and type; controller "" means none; a missing type is unknown', () => {
  const s = parseDesiredState('interfaces: [{name: br9, type: linux-bridge, state: absent, mtu: 9000}, {name: p0, controller: ""}]')
  assert.deepEqual(s.interfaces, [{ name: 'br9', type: 'linux-bridge', state: 'absent' }, { name: 'p0', type: 'unknown', controller: null }])
})

test('routes: canonical destinations, wildcard absent selectors', () => {
  const s = parseDesiredState(`
routes:
  config:
    - {destination: "2001:DB8::/32", next-hop-address: "fe80::1", next-hop-interface: eth0, metric: 100, table-id: 200}
    - {next-hop-interface: eth1, state: absent}
`)
  assert.deepEqual(s.routes?.config, [
    { destination: '2001:db8::/32', nextHopAddress: 'fe80::1', nextHopInterface: 'eth0', metric: 100, tableId: 200 },
    { destination: '*', nextHopInterface: 'eth1', state: 'absent' },
  ])
})

test('DHCP settings (issue 14): parsed, written back the same, a lease read-only; bad ids and unknown keys refused', () => {
  const text = `interfaces:
  - name: eth0
    type: ethernet
    ipv4: {enabled: true, dhcp: true, auto-dns: false, auto-gateway: true, auto-routes: false, auto-route-table-id: 0, dhcp-client-id: "01:52:54:00:AA:bb:cc", lease: {address: 10.0.0.5/24}}
    ipv6: {enabled: true, dhcp: true, autoconf: true, dhcp-duid: llt}
`
  const s = parseDesiredState(text)
  assert.deepEqual(s.interfaces[0]?.ipv4, { enabled: true, dhcp: true, autoDns: false, autoGateway: true, autoRoutes: false, autoRouteTableId: 0, dhcpClientId: '01:52:54:00:aa:bb:cc' })
  assert.deepEqual(s.interfaces[0]?.ipv6, { enabled: true, dhcp: true, autoconf: true, dhcpDuid: 'llt' })
  assert.deepEqual(parseDesiredState(formatState(s)), s)
  const shown = formatState({ interfaces: [{ name: 'eth0', type: 'ethernet', ipv4: { enabled: true, dhcp: true, addresses: [], lease: { address: '10.0.0.5/24', dns: ['10.0.0.53'] } } }] })
  assert.match(shown, /lease:\n\s+address: 10\.0\.0\.5\/24\n\s+dns:\n\s+- 10\.0\.0\.53/)
  assert.match(refused('interfaces: [{name: e, ipv4: {dhcp: true, dhcp-client-id: "zz"}}]').message, /invalid ipv4\.dhcp-client-id 'zz'/)
  assert.match(refused('interfaces: [{name: e, ipv4: {dhcp: true, dhcp-duid: ll}}]').message, /ipv4\.dhcp-duid applies to ipv6 only/)
  const e = refused('interfaces: [{name: e, ipv4: {dhcp: true, dhcp-send-hostname: true}}]')
  assert.equal(e.kind, 'not-supported')
  assert.match(e.message, /ipv4\.dhcp-send-hostname is not supported/)
})

test('JSON documents parse like YAML ones', () => {
  const json = JSON.stringify({ interfaces: [{ name: 'd0', type: 'dummy', mtu: 9000 }] })
  assert.deepEqual(parseDesiredState(json, { format: 'json' }), { interfaces: [{ name: 'd0', type: 'dummy', mtu: 9000 }] })
  assert.match(refused('{"interfaces": [', { format: 'json' }).message, /invalid JSON document/)
})

test('strict: unknown keys, wrong types and bad enums name the interface, the field and the path', () => {
  const cases: Array<[string, RegExp, string]> = [
    ['interfaces: [{name: d0, type: dummy, description: x}]', /interface 'd0': description is not supported by hostnet/, '/interfaces/0/description'],
    ['interfaces: [{name: b0, type: bond, link-aggregation: {mode: fast}}]', /interface 'b0': invalid link-aggregation\.mode 'fast': expected one of balance-rr/, '/interfaces/0/link-aggregation/mode'],
    ['interfaces: [{name: b0, type: bond, link-aggregation: {options: {miimonn: 1}}}]', /unknown bond option 'miimonn'/, '/interfaces/0/link-aggregation/options/miimonn'],
    ['interfaces: [{name: b0, type: bond, link-aggregation: {options: {mode: 1}}}]', /give the bond mode as link-aggregation\.mode/, '/interfaces/0/link-aggregation/options/mode'],
    ['interfaces: [{name: d0, type: dummy, state: ignore}]', /state 'ignore' is not supported/, '/interfaces/0/state'],
    ['interfaces: [{name: d0, type: dummy, ipv4: {enabled: yes}}]', /ipv4\.enabled must be true or false, not string "yes"/, '/interfaces/0/ipv4/enabled'],
    ['interfaces: [{name: d0, type: dummy, ipv4: {address: [{ip: "fd00::1", prefix-length: 64}]}}]', /ipv4\.address\[0\]\.ip 'fd00::1' is not an IPv4 address/, '/interfaces/0/ipv4/address/0/ip'],
    ['interfaces: [{name: d0, type: dummy, ipv6: {address: [{ip: "fe80::2", prefix-length: 64}]}}]', /is link-local; the kernel manages those/, '/interfaces/0/ipv6/address/0/ip'],
    ['interfaces: [{name: d0, type: dummy, ipv6: {address: [{ip: "fd00::2", prefix-length: 64}, {ip: "fd00::2", prefix-length: 56}]}}]', /ipv6\.address lists fd00::2 twice/, '/interfaces/0/ipv6/address/1'],
    ['interfaces: [{name: d0, type: dummy, ipv4: {enabled: false, address: [{ip: 10.0.0.1, prefix-length: 8}]}}]', /ipv4 is disabled but lists addresses/, '/interfaces/0/ipv4/address'],
    ['interfaces: [{name: x0, type: vxlan, vxlan: {id: 1, remote: 192.0.2.1, group: 239.1.1.1, base-iface: eth0}}]', /vxlan\.remote and vxlan\.group are mutually exclusive/, '/interfaces/0/vxlan/group'],
    ['interfaces: [{name: x0, type: vxlan, vxlan: {id: 1, group: 239.1.1.1}}]', /vxlan\.group needs vxlan\.base-iface/, '/interfaces/0/vxlan/group'],
    ['interfaces: [{name: x0, type: vxlan, vxlan: {id: 16777216}}]', /invalid vxlan\.id 16777216/, '/interfaces/0/vxlan/id'],
    ['interfaces: [{name: b0, type: linux-bridge, bridge: {options: {group-fwd-mask: 1}}}]', /bits 0, 1 and 2 .* cannot be forwarded/, '/interfaces/0/bridge/options/group-fwd-mask'],
    ['interfaces: [{name: b0, type: linux-bridge, bridge: {port: [{stp-priority: 1}]}}]', /interface 'b0': bridge\.port\[0\] needs a name/, '/interfaces/0/bridge/port/0'],
    ['interfaces: [{name: v0, vlan: {id: 2}, veth: {peer: p}}]', /sections 'vlan' and 'veth' cannot both be given/, '/interfaces/0/veth'],
    ['interfaces: [{type: dummy}]', /interface #0: name is required/, '/interfaces/0'],
    ['interfaces: {name: d0}', /interfaces must be a list, not a mapping/, '/interfaces'],
    ['dns-resolver: {config: {}}', /dns-resolver is not supported by hostnet/, '/dns-resolver'],
    ['routes: {config: [{destination: 10.0.0.0/8}]}', /route '10\.0\.0\.0\/8': next-hop-interface is required/, '/routes/config/0'],
    ['routes: {config: [{destination: 10.0.0.0/8, next-hop-interface: eth0, next-hop-address: "fd00::1"}]}', /is not of the family of destination/, '/routes/config/0/next-hop-address'],
    ['routes: {config: [{destination: 10.0.0.0/8, next-hop-interface: eth0, route-type: blackhole}]}', /a blackhole route has no next hop: leave out next-hop-interface/, '/routes/config/0/next-hop-interface'],
    ['routes: {config: [{destination: 10.0.0.0/8, next-hop-interface: eth0, route-type: drop}]}', /invalid route-type 'drop': expected one of blackhole, prohibit, unreachable/, '/routes/config/0/route-type'],
    ['routes: {config: [{destination: 10.0.0.0/8, next-hop-interface: eth0, source: 2001:db8::1}]}', /source '2001:db8::1' is not of the family/, '/routes/config/0/source'],
    ['routes: {config: [{destination: 10.0.0.0/8, next-hop-interface: eth0, weight: 2}]}', /route weight is not supported/, '/routes/config/0/weight'],
  ]
  for (const [text, message, path] of cases) {
    const e = refused(text)
    // a key nmstate has and hostnet does not do is not-supported (exit 5), anything else invalid (exit 2)
    assert.equal(e.kind, /not supported/.test(message.source) ? 'not-supported' : 'invalid-argument', text)
    assert.match(e.message, message, text)
    assert.equal(e.path, path, text)
  }
})

test('YAML-level problems: syntax, duplicate keys, alias bombs', () => {
  assert.match(refused('interfaces:\n  - name: a\n    name: b\n').message, /invalid YAML document: Map keys must be unique/)
  const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((c, i) => `${c}: &${c} [${new Array(10).fill(`*${'abcdefgh'[i]}`).join(', ')}]`), 'interfaces: *h'].join('\n')
  assert.match(refused(bomb).message, /invalid YAML document/)
  assert.deepEqual(parseDesiredState(''), { interfaces: [] })
})

test('round trip: parse(format(x)) deep-equals x for random documents, in YAML and JSON', () => {
  fc.assert(
    fc.property(desiredArb, (doc) => {
      assert.deepEqual(parseDesiredState(formatState(doc)), doc)
      assert.deepEqual(parseDesiredState(formatState(doc, { format: 'json' }), { format: 'json' }), doc)
    }),
    { numRuns: 300 },
  )
})

test('round trip of current states in the shape show prints (port options on the bridge, dhcp: false), re-applied with no change', () => {
  fc.assert(
    fc.property(desiredArb, (doc) => {
      let state: HostState = HOST
      try {
        state = applyOpsToState(HOST, planHost(HOST, doc).ops)
      } catch {
        return
      }
      state = { ...state, interfaces: state.interfaces.map((i, k) => ({ ...i, info: { index: k + 1, operState: 'up' } })) }
      const back = parseDesiredState(formatState(state))
      assert.deepEqual(back.interfaces, showShape(state).interfaces)
      assert.deepEqual(back.routes?.config ?? [], state.routes)
      assert.deepEqual(planHost(state, back).ops, [], 'show re-applies with no change')
      assert.deepEqual(parseDesiredState(formatState(state, { format: 'json' }), { format: 'json' }), back, 'show --json says the same')
    }),
    { numRuns: 100 },
  )
})
