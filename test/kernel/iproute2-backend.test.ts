/**
 * The iproute2 backend against the real kernel, inside namespaces the tests create and delete: every link kind
 * this kernel has is created, changed and deleted through apply(ops) and read back through query().
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { ApplyError } from '../../src/backend/backend.js'
import type { Target } from '../../src/model/target.js'
import { DEFAULT_DELETE_GROUP, Iproute2Backend, kernelCaps } from '../../src/backend/iproute2/index.js'
import type { Iface } from '../../src/model/host/iface.js'
import type { HostState } from '../../src/model/host/state.js'
import type { HostOp } from '../../src/plan/ops.js'
import { canUseNetns, leakedNetns, withNetns } from '../helpers/netns.js'

const skip = canUseNetns() ? false : 'needs root and ip netns'
const backend = new Iproute2Backend()

function byName(s: HostState, name: string): Iface {
  const i = s.interfaces.find((x) => x.name === name)
  assert.ok(i, `interface '${name}' missing from the query`)
  return i
}

function has(s: HostState, name: string): boolean {
  return s.interfaces.some((x) => x.name === name)
}

function ipJson(ns: string, ...args: string[]): Array<Record<string, unknown>> {
  return JSON.parse(execFileSync('ip', ['-n', ns, '-json', ...args], { encoding: 'utf8' }) || '[]') as Array<Record<string, unknown>>
}

/** Links of the namespace that sit in the bulk-delete group. */
function inDeleteGroup(ns: string): string[] {
  return ipJson(ns, 'link', 'show')
    .filter((l) => l['group'] === String(DEFAULT_DELETE_GROUP))
    .map((l) => String(l['ifname']))
}

const createAll: HostOp[] = [
  {
    kind: 'link.create',
    iface: {
      name: 'br0',
      type: 'linux-bridge',
      mtu: 1400,
      bridge: { options: { stp: false, forwardDelaySec: 4, helloTimeSec: 1, maxAgeSec: 10, priority: 4096, macAgeingTimeSec: 120, multicastSnooping: false, groupFwdMask: 8 } },
    },
  },
  { kind: 'link.create', iface: { name: 'br1', type: 'linux-bridge' } },
  { kind: 'link.create', iface: { name: 'v0', type: 'veth', mtu: 1400, mac: '02:00:00:00:00:10', veth: { peer: 'v0p' } } },
  { kind: 'link.create', iface: { name: 'v1', type: 'veth', veth: { peer: 'v1p' } } },
  { kind: 'link.create', iface: { name: 'mv0', type: 'mac-vlan', macvlan: { baseIface: 'v0p', mode: 'bridge' } } },
  { kind: 'link.create', iface: { name: 'mt0', type: 'mac-vtap', mac: '02:00:00:00:00:20', macvlan: { baseIface: 'v0p', mode: 'vepa' } } },
  { kind: 'link.create', iface: { name: 'vx0', type: 'vxlan', vxlan: { id: 42, local: '192.0.2.1', remote: '192.0.2.2', destinationPort: 4789, learning: false } } },
  { kind: 'link.create', iface: { name: 'vx1', type: 'vxlan', mtu: 1400, vxlan: { id: 43, group: '239.1.1.43', baseIface: 'v0p', destinationPort: 4789 } } },
  { kind: 'link.create', iface: { name: 'tap0', type: 'tap', mtu: 9000, mac: '02:00:00:00:00:30', tap: { mode: 'tap', owner: 107, group: 36, multiQueue: true } } },
  { kind: 'link.create', iface: { name: 'tun0', type: 'tap', tap: { mode: 'tun' } } },
  { kind: 'link.set-controller', name: 'v0', controller: 'br0' },
  { kind: 'link.set-controller', name: 'tap0', controller: 'br0' },
  { kind: 'link.set-state', name: 'br0', state: 'up' },
  { kind: 'link.set-state', name: 'v0', state: 'up' },
  { kind: 'link.set-state', name: 'v0p', state: 'up' },
  { kind: 'link.set-state', name: 'mv0', state: 'up' },
]

test('create every link kind of this kernel and read it back', { skip }, async () => {
  await withNetns(async (_ns, t) => {
    await backend.apply(t, createAll)
    const s = await backend.query(t)
    const br0 = byName(s, 'br0')
    assert.equal(br0.type, 'linux-bridge')
    assert.equal(br0.state, 'up')
    assert.equal(br0.mtu, 1400)
    assert.deepEqual(br0.bridge?.options, {
      stp: false,
      forwardDelaySec: 4,
      helloTimeSec: 1,
      maxAgeSec: 10,
      priority: 4096,
      macAgeingTimeSec: 120,
      multicastSnooping: false,
      vlanFiltering: false,
      groupFwdMask: 8,
    })
    assert.deepEqual(br0.bridge?.ports, [{ name: 'v0' }, { name: 'tap0' }])
    const v0 = byName(s, 'v0')
    assert.deepEqual([v0.type, v0.mtu, v0.mac, v0.controller, v0.state, v0.veth?.peer], ['veth', 1400, '02:00:00:00:00:10', 'br0', 'up', 'v0p'])
    assert.equal(byName(s, 'v0p').veth?.peer, 'v0')
    assert.equal(byName(s, 'v0p').mtu, 1500, 'the peer does not inherit the mtu')
    assert.deepEqual(v0.bridgePort, { hairpin: false, isolated: false, stpPathCost: 2, stpPriority: 32, learning: true, unicastFlood: true })
    assert.deepEqual([byName(s, 'mv0').type, byName(s, 'mv0').macvlan, byName(s, 'mv0').state], ['mac-vlan', { baseIface: 'v0p', mode: 'bridge' }, 'up'])
    assert.deepEqual([byName(s, 'mt0').type, byName(s, 'mt0').macvlan, byName(s, 'mt0').mac], ['mac-vtap', { baseIface: 'v0p', mode: 'vepa' }, '02:00:00:00:00:20'])
    assert.deepEqual(byName(s, 'vx0').vxlan, { id: 42, local: '192.0.2.1', remote: '192.0.2.2', destinationPort: 4789, learning: false, remotes: [] })
    assert.deepEqual(byName(s, 'vx1').vxlan, { id: 43, group: '239.1.1.43', destinationPort: 4789, baseIface: 'v0p', learning: true, remotes: [] })
    assert.equal(byName(s, 'vx1').mtu, 1400)
    const tap0 = byName(s, 'tap0')
    assert.deepEqual([tap0.type, tap0.mtu, tap0.mac, tap0.controller, tap0.tap], ['tap', 9000, '02:00:00:00:00:30', 'br0', { mode: 'tap', owner: 107, group: 36, multiQueue: true }])
    assert.deepEqual(byName(s, 'tun0').tap, { mode: 'tun', multiQueue: false })
    assert.equal(byName(s, 'lo').type, 'loopback')
    assert.equal(byName(s, 'br1').state, 'down', 'created down')
  })
})

test('change mtu, mac, state, bridge and port options, addresses and controllers', { skip }, async () => {
  await withNetns(async (_ns, t) => {
    await backend.apply(t, createAll)
    await backend.apply(t, [
      { kind: 'link.set-mtu', name: 'br1', mtu: 9000 },
      { kind: 'link.set-mac', name: 'br1', mac: '02:00:00:00:01:01' },
      { kind: 'link.set-state', name: 'br1', state: 'up' },
      { kind: 'link.set-state', name: 'mv0', state: 'down' },
      { kind: 'bridge.set-options', name: 'br0', options: { stp: true, forwardDelaySec: 5, priority: 100, multicastSnooping: true } },
      { kind: 'bridge-port.set-options', name: 'v0', options: { hairpin: true, isolated: true, stpPathCost: 42, stpPriority: 8, learning: false, unicastFlood: false } },
      { kind: 'addr.add', name: 'br0', address: { ip: '192.0.2.1', prefixLength: 24 } },
      { kind: 'addr.add', name: 'br0', address: { ip: '198.51.100.1', prefixLength: 31 } },
      { kind: 'addr.add', name: 'br0', address: { ip: '2001:db8::1', prefixLength: 64 } },
      { kind: 'addr.add', name: 'v1p', address: { ip: '203.0.113.9', prefixLength: 32 } },
      { kind: 'link.set-controller', name: 'tap0', controller: 'br1' },
      { kind: 'link.set-controller', name: 'v1', controller: 'br0' },
    ])
    let s = await backend.query(t)
    const br1 = byName(s, 'br1')
    assert.deepEqual([br1.mtu, br1.mac, br1.state], [9000, '02:00:00:00:01:01', 'up'])
    assert.equal(byName(s, 'mv0').state, 'down')
    const o = byName(s, 'br0').bridge?.options
    assert.deepEqual([o?.stp, o?.forwardDelaySec, o?.priority, o?.multicastSnooping], [true, 5, 100, true])
    assert.deepEqual(byName(s, 'v0').bridgePort, { hairpin: true, isolated: true, stpPathCost: 42, stpPriority: 8, learning: false, unicastFlood: false })
    assert.deepEqual(byName(s, 'br0').ipv4, { enabled: true, addresses: [{ ip: '192.0.2.1', prefixLength: 24 }, { ip: '198.51.100.1', prefixLength: 31 }] })
    assert.deepEqual(byName(s, 'br0').ipv6?.addresses, [{ ip: '2001:db8::1', prefixLength: 64 }])
    assert.deepEqual(byName(s, 'v1p').ipv4?.addresses, [{ ip: '203.0.113.9', prefixLength: 32 }])
    assert.deepEqual([byName(s, 'tap0').controller, byName(s, 'v1').controller], ['br1', 'br0'])
    assert.deepEqual(byName(s, 'br1').bridge?.ports, [{ name: 'tap0' }])
    const brd = ipJson(_ns, 'addr', 'show', 'dev', 'br0')[0]?.['addr_info'] as Array<Record<string, unknown>>
    assert.equal(brd.find((a) => a['local'] === '192.0.2.1')?.['broadcast'], '192.0.2.255', 'IPv4 addresses get their broadcast address')

    await backend.apply(t, [
      { kind: 'addr.del', name: 'br0', address: { ip: '192.0.2.1', prefixLength: 24 } },
      { kind: 'addr.del', name: 'br0', address: { ip: '2001:db8::1', prefixLength: 64 } },
      { kind: 'link.set-controller', name: 'v0', controller: null },
      { kind: 'bridge-port.set-options', name: 'v1', options: { hairpin: true } },
      { kind: 'bridge.set-options', name: 'br0', options: { stp: false } },
    ])
    s = await backend.query(t)
    assert.deepEqual(byName(s, 'br0').ipv4?.addresses, [{ ip: '198.51.100.1', prefixLength: 31 }])
    assert.deepEqual(byName(s, 'br0').ipv6, { enabled: false, addresses: [] })
    assert.equal(byName(s, 'v0').controller, null)
    assert.equal(byName(s, 'v0').bridgePort, undefined)
    assert.deepEqual(byName(s, 'br0').bridge?.ports, [{ name: 'v1' }])
    assert.equal(byName(s, 'v1').bridgePort?.hairpin, true)
    assert.equal(byName(s, 'br0').bridge?.options?.stp, false)
  })
})

test('bulk delete through the link group, then nothing is left in that group', { skip }, async () => {
  await withNetns(async (ns, t) => {
    await backend.apply(t, createAll)
    await backend.apply(t, [
      { kind: 'link.delete', names: ['mv0', 'mt0', 'vx1', 'vx0', 'tap0', 'tun0', 'br1'] },
      { kind: 'link.delete', names: ['v0'] },
    ])
    let s = await backend.query(t)
    assert.deepEqual(s.interfaces.map((i) => i.name).sort(), ['br0', 'lo', 'v1', 'v1p'])
    assert.deepEqual(byName(s, 'br0').bridge?.ports, [], 'the deleted ports are gone from the bridge')
    await backend.apply(t, [{ kind: 'link.delete', names: ['br0', 'v1'] }])
    s = await backend.query(t)
    assert.deepEqual(s.interfaces.map((i) => i.name), ['lo'], 'deleting a veth deletes its peer')
    assert.deepEqual(inDeleteGroup(ns), [])
  })
})

test('routes: add and delete IPv4/IPv6, other tables, metrics', { skip }, async () => {
  await withNetns(async (_ns, t) => {
    await backend.apply(t, [
      { kind: 'link.create', iface: { name: 'v0', type: 'veth', veth: { peer: 'v0p' } } },
      { kind: 'link.set-state', name: 'v0', state: 'up' },
      { kind: 'link.set-state', name: 'v0p', state: 'up' },
      { kind: 'addr.add', name: 'v0', address: { ip: '192.0.2.10', prefixLength: 24 } },
      { kind: 'addr.add', name: 'v0', address: { ip: '2001:db8::10', prefixLength: 64 } },
      { kind: 'route.add', route: { destination: '0.0.0.0/0', nextHopAddress: '192.0.2.1', nextHopInterface: 'v0' } },
      { kind: 'route.add', route: { destination: '198.51.100.0/24', nextHopAddress: '192.0.2.2', metric: 50, tableId: 100 } },
      { kind: 'route.add', route: { destination: '2001:db8:99::/48', nextHopAddress: 'fe80::1', nextHopInterface: 'v0' } },
      { kind: 'route.add', route: { destination: '203.0.113.7/32', nextHopInterface: 'v0', metric: 7 } },
    ])
    let s = await backend.query(t)
    assert.deepEqual(s.routes, [
      { destination: '198.51.100.0/24', nextHopAddress: '192.0.2.2', nextHopInterface: 'v0', metric: 50, tableId: 100 },
      { destination: '0.0.0.0/0', nextHopAddress: '192.0.2.1', nextHopInterface: 'v0' },
      { destination: '203.0.113.7/32', nextHopInterface: 'v0', metric: 7 },
      { destination: '2001:db8:99::/48', nextHopAddress: 'fe80::1', nextHopInterface: 'v0', metric: 1024 },
    ])
    assert.deepEqual((await backend.query(t, { routes: false })).routes, [])
    await backend.apply(t, [
      { kind: 'route.del', route: { destination: '198.51.100.0/24', nextHopAddress: '192.0.2.2', metric: 50, tableId: 100 } },
      { kind: 'route.del', route: { destination: '2001:db8:99::/48', nextHopInterface: 'v0' } },
    ])
    s = await backend.query(t)
    assert.deepEqual(s.routes.map((r) => r.destination), ['0.0.0.0/0', '203.0.113.7/32'])
  })
})

test('error attribution: the 3rd op fails → ApplyError appliedCount 2, and the first two really applied', { skip }, async () => {
  await withNetns(async (_ns, t) => {
    const ops: HostOp[] = [
      { kind: 'link.create', iface: { name: 'br0', type: 'linux-bridge' } },
      { kind: 'link.set-state', name: 'br0', state: 'up' },
      { kind: 'link.set-mtu', name: 'br0', mtu: 70000 },
      { kind: 'link.create', iface: { name: 'br1', type: 'linux-bridge' } },
    ]
    await assert.rejects(backend.apply(t, ops), (e: unknown) => {
      assert.ok(e instanceof ApplyError, String(e))
      assert.equal(e.appliedCount, 2)
      assert.equal(e.failedIndex, 2)
      assert.match(e.message, /cannot set the mtu of 'br0' to 70000: .*mtu greater than device maximum/)
      return true
    })
    const s = await backend.query(t)
    assert.equal(byName(s, 'br0').state, 'up')
    assert.equal(byName(s, 'br0').mtu, 1500)
    assert.equal(has(s, 'br1'), false, 'nothing after the failing line ran')
  })
})

test('error attribution when ip exits at once (missing controller) and for a half-done bulk delete', { skip }, async () => {
  await withNetns(async (ns, t) => {
    await backend.apply(t, [
      { kind: 'link.create', iface: { name: 'a', type: 'veth', veth: { peer: 'ap' } } },
      { kind: 'link.create', iface: { name: 'b', type: 'linux-bridge' } },
    ])
    await assert.rejects(
      backend.apply(t, [
        { kind: 'link.set-state', name: 'a', state: 'up' },
        { kind: 'link.set-controller', name: 'a', controller: 'nope' },
      ]),
      (e: unknown) => e instanceof ApplyError && e.appliedCount === 1 && /attach 'a' to controller 'nope'/.test(e.message),
    )
    await assert.rejects(
      backend.apply(t, [{ kind: 'link.delete', names: ['a', 'b', 'missing'] }]),
      (e: unknown) => e instanceof ApplyError && e.appliedCount === 0 && /delete interfaces 'a', 'b', 'missing'.*Cannot find device "missing"/.test(e.message),
    )
    const s = await backend.query(t)
    assert.ok(has(s, 'a') && has(s, 'b'), 'nothing was deleted')
    assert.deepEqual(inDeleteGroup(ns), [], 'the moved links went back to the default group')
  })
})

test('a namespace that does not exist is not-found', { skip }, async () => {
  const t: Target = { kind: 'netns', name: `hnt-missing-${process.pid}` }
  await assert.rejects(backend.query(t), (e: unknown) => (e as { kind?: string }).kind === 'not-found')
  await assert.rejects(backend.apply(t, [{ kind: 'link.set-state', name: 'lo', state: 'up' }]), (e: unknown) => (e as { kind?: string }).kind === 'not-found')
})

test('kernel caps: probed in a throw-away namespace, matching what apply can do', { skip }, async () => {
  const caps = await kernelCaps({ kind: 'host' })
  for (const k of ['veth', 'linux-bridge', 'mac-vlan', 'mac-vtap', 'vxlan', 'tap'] as const) assert.ok(caps.creatableKinds?.has(k), k)
  await withNetns(async (_ns, t) => {
    const bond = backend.apply(t, [{ kind: 'link.create', iface: { name: 'bond0', type: 'bond' } }])
    if (caps.creatableKinds?.has('bond')) await bond
    else await assert.rejects(bond, ApplyError)
  })
  assert.equal(await backend.caps({ kind: 'host' }), caps, 'cached')
})

test('no namespace left behind', () => {
  assert.deepEqual(leakedNetns(), [])
})
