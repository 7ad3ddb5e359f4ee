/**
 * Failures injected at batch line j (several j) of the REAL kernel apply, through the whole engine, while
 * building, changing and tearing down a mixed state (bridge, veth pair, mac-vlan, vxlan, NIC changes, routes):
 * every time the namespace is back to the state before, in full, and the original error is reported.
 */
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { canUseNetns, leakedNetns } from '../helpers/netns.js'
import { withE2e } from './env.js'
import { faultSweep, insideBulkDelete, spreadPoints } from './fault-sweep.js'

const skip = canUseNetns() ? false : 'needs root and ip netns'

const BUILD = `interfaces:
  - name: br0
    type: linux-bridge
    ipv4: {address: [{ip: 192.0.2.1, prefix-length: 24}]}
    bridge: {options: {stp: {enabled: false}}, port: [{name: eth0}, {name: eth1, stp-path-cost: 10}, {name: ve0}]}
  - {name: eth0, mtu: 1400}
  - {name: ve0, type: veth, veth: {peer: ve0p}}
  - {name: ve0p, type: veth, veth: {peer: ve0}, ipv4: {address: [{ip: 198.51.100.2, prefix-length: 24}]}}
  - {name: mv0, type: mac-vlan, mac-vlan: {base-iface: eth2, mode: bridge}, ipv6: {address: [{ip: '2001:db8:1::1', prefix-length: 64}]}}
  - {name: eth3, mtu: 1300, ipv4: {address: [{ip: 203.0.113.3, prefix-length: 24}]}}
  - {name: vx7, type: vxlan, vxlan: {id: 7, remote: 198.51.100.70, destination-port: 4789, base-iface: eth3}}
routes:
  config:
    - {destination: 10.10.0.0/16, next-hop-address: 192.0.2.254, next-hop-interface: br0}
    - {destination: 10.20.0.0/16, next-hop-address: 203.0.113.254, next-hop-interface: eth3, metric: 50}
`

const CHANGE = `interfaces:
  - {name: br1, type: linux-bridge, bridge: {port: [{name: eth1}, {name: ve0}]}}
  - {name: eth0, mtu: 1500}
  - {name: mv0, mac-vlan: {mode: private}}
  - {name: vx7, vxlan: {remote: 198.51.100.71}}
  - {name: eth3, ipv4: {address: [{ip: 203.0.113.4, prefix-length: 24}]}}
  - {name: ve0p, state: down}
routes:
  config:
    - {destination: 10.10.0.0/16, state: absent}
    - {destination: 10.30.0.0/16, next-hop-address: 192.0.2.254, next-hop-interface: br0}
`

const TEARDOWN = `interfaces:
  - {name: br0, state: absent}
  - {name: br1, state: absent}
  - {name: ve0, state: absent}
  - {name: mv0, state: absent}
  - {name: vx7, state: absent}
  - {name: eth3, mtu: 1500, ipv4: {enabled: false}}
`

const SPREAD = spreadPoints([0, 0.2, 0.4, 0.6, 0.8, 1])

test('fault at line j of the kernel batch while building: the state before, the original error', { skip }, async () => {
  await withE2e(
    async (env) => {
      const r = await faultSweep(env, BUILD, SPREAD)
      assert.ok(r.lines >= 15, `a real batch (${r.lines} lines)`)
      assert.equal(new Set(r.points.map((p) => p.failedIndex)).size, r.points.length, 'every point blames a different op')
    },
    { sandbox: true },
  )
})

test('fault at line j while changing (ports moved, links recreated, addresses and routes replaced)', { skip }, async () => {
  await withE2e(
    async (env) => {
      assert.equal((await env.apply(BUILD)).status, 'committed')
      const r = await faultSweep(env, CHANGE, SPREAD)
      assert.ok(r.lines >= 10, `a real batch (${r.lines} lines)`)
    },
    { sandbox: true },
  )
})

test('fault at line j while tearing down, also in the middle of the bulk delete', { skip }, async () => {
  await withE2e(
    async (env) => {
      assert.equal((await env.apply(BUILD)).status, 'committed')
      assert.equal((await env.apply(CHANGE)).status, 'committed')
      const r = await faultSweep(env, TEARDOWN, [...SPREAD, insideBulkDelete(1), insideBulkDelete(3)])
      assert.ok(r.lines >= 6, `a real batch (${r.lines} lines)`)
    },
    { sandbox: true },
  )
})

after(() => {
  if (skip === false) assert.deepEqual(leakedNetns(), [], 'namespaces left behind')
})
