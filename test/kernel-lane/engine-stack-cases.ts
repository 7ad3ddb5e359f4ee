/**
 * The bond → VLAN → bridge stack through the engine inside the UML guest: built from YAML, changed (MTU down
 * the stack, the VLAN moved to a second bridge, a port dropped from the bond), torn down; and the same build
 * and teardown with a failure injected at several lines of the kernel batch.
 * @module
 */
import assert from 'node:assert/strict'
import { addrs, hasIface, ifaceOf, type E2eEnv } from '../host-e2e/env.js'
import { requireIpLink } from '../host-e2e/ip-link.js'
import { faultSweep, insideBulkDelete, spreadPoints } from '../host-e2e/fault-sweep.js'

const NICS = 'interfaces: [{name: eth1, type: dummy}, {name: eth2, type: dummy}, {name: eth3, type: dummy}]\n'

const BUILD = `interfaces:
  - name: bond0
    type: bond
    link-aggregation: {mode: active-backup, options: {miimon: 100}, port: [eth1, eth2]}
  - {name: bond0.29, type: vlan, vlan: {base-iface: bond0, id: 29}}
  - name: br29
    type: linux-bridge
    bridge: {options: {stp: {enabled: false}}, port: [{name: bond0.29}]}
    ipv4: {address: [{ip: 192.0.2.29, prefix-length: 24}]}
routes:
  config:
    - {destination: 0.0.0.0/0, next-hop-address: 192.0.2.1, next-hop-interface: br29}
`

const CHANGE = `interfaces:
  - {name: bond0, mtu: 9000, link-aggregation: {port: [eth1, eth2, eth3]}}
  - {name: bond0.29, mtu: 9000}
  - {name: br30, type: linux-bridge, bridge: {port: [{name: bond0.29}]}, ipv4: {address: [{ip: 198.51.100.30, prefix-length: 24}]}}
`

const TEARDOWN = `interfaces:
  - {name: br29, state: absent}
  - {name: br30, state: absent}
  - {name: bond0, state: absent}
`

export async function stackCase(env: E2eEnv): Promise<void> {
  await env.apply(NICS)
  await env.apply(BUILD)
  let s = await env.query()
  assert.deepEqual([...(ifaceOf(s, 'bond0').bond?.ports ?? [])].sort(), ['eth1', 'eth2'])
  assert.deepEqual([ifaceOf(s, 'bond0.29').vlan?.baseIface, ifaceOf(s, 'bond0.29').controller], ['bond0', 'br29'])
  assert.deepEqual(ifaceOf(s, 'br29').bridge?.ports, [{ name: 'bond0.29' }])
  assert.deepEqual(addrs(ifaceOf(s, 'br29').ipv4), ['192.0.2.29/24'])
  assert.deepEqual(s.routes, [{ destination: '0.0.0.0/0', nextHopAddress: '192.0.2.1', nextHopInterface: 'br29' }])
  assert.ok(['eth1', 'eth2', 'bond0', 'bond0.29', 'br29'].every((n) => ifaceOf(s, n).state === 'up'))
  assert.deepEqual(
    [(await requireIpLink(env.ns, 'bond0.29')).master, (await requireIpLink(env.ns, 'eth2')).master],
    ['br29', 'bond0'],
  )

  await env.apply(CHANGE)
  s = await env.query()
  assert.deepEqual(['eth1', 'eth3', 'bond0', 'bond0.29'].map((n) => ifaceOf(s, n).mtu), [9000, 9000, 9000, 9000])
  assert.deepEqual([ifaceOf(s, 'bond0.29').controller, ifaceOf(s, 'br29').bridge?.ports], ['br30', []])
  assert.deepEqual([...(ifaceOf(s, 'bond0').bond?.ports ?? [])].sort(), ['eth1', 'eth2', 'eth3'])
  assert.deepEqual([(await requireIpLink(env.ns, 'bond0.29')).master, (await requireIpLink(env.ns, 'eth3')).mtu], ['br30', 9000])

  await env.apply(TEARDOWN)
  s = await env.query()
  assert.deepEqual(['bond0', 'bond0.29', 'br29', 'br30'].map((n) => hasIface(s, n)), [false, false, false, false])
  assert.deepEqual(['eth1', 'eth2', 'eth3'].map((n) => ifaceOf(s, n).controller), [null, null, null], 'the NICs stay, released')
  assert.deepEqual(
    ['eth1', 'eth2', 'eth3'].map((n) => ifaceOf(s, n).state),
    ['up', 'up', 'up'],
    'and up again (the bond closed them)',
  )
  assert.deepEqual(s.routes, [])
}

const SPREAD = spreadPoints([0, 0.25, 0.5, 0.75, 1])

export async function stackFaultCase(env: E2eEnv): Promise<void> {
  await env.apply(NICS)
  const build = await faultSweep(env, BUILD, SPREAD)
  assert.ok(build.lines >= 10, `build batch of ${build.lines} lines`)
  const change = await faultSweep(env, CHANGE, SPREAD)
  assert.ok(change.lines >= 5, `change batch of ${change.lines} lines`)
  const teardown = await faultSweep(env, TEARDOWN, [...SPREAD, insideBulkDelete(1), insideBulkDelete(2)])
  assert.ok(teardown.lines >= 4, `teardown batch of ${teardown.lines} lines`)
}
