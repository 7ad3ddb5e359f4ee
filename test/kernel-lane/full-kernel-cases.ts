/**
 * Cases for the full-kernel lane (bond, VLAN, dummy, VRF, bridge VLAN filtering, and a bond → VLAN → bridge
 * stack). Runs INSIDE the User-Mode Linux guest (see full-kernel.test.ts): every case gets its own namespace,
 * asserts with node:assert, and the script prints one JSON line `{"cases": {name: {ok, error?}}}` at the end.
 */
import assert from 'node:assert/strict'
import { ApplyError } from '../../src/backend/backend.js'
import type { Target } from '../../src/model/target.js'
import { Iproute2Backend, kernelCaps } from '../../src/backend/iproute2/index.js'
import { BOND_MODES, type Iface } from '../../src/model/host/iface.js'
import type { HostState } from '../../src/model/host/state.js'
import type { HostOp } from '../../src/plan/ops.js'
import { createNetns, deleteNetns } from '../../src/sys/netns.js'

const backend = new Iproute2Backend()

function byName(s: HostState, name: string): Iface {
  const i = s.interfaces.find((x) => x.name === name)
  assert.ok(i, `interface '${name}' missing from the query`)
  return i
}

function names(s: HostState): string[] {
  return s.interfaces.map((i) => i.name).sort()
}

const dummy = (name: string, extra: Partial<Iface> = {}): HostOp => ({ kind: 'link.create', iface: { name, type: 'dummy', ...extra } })
const up = (name: string): HostOp => ({ kind: 'link.set-state', name, state: 'up' })
const down = (name: string): HostOp => ({ kind: 'link.set-state', name, state: 'down' })
const attach = (name: string, controller: string | null): HostOp => ({ kind: 'link.set-controller', name, controller })

async function bondModes(t: Target): Promise<void> {
  const ops: HostOp[] = BOND_MODES.map((mode, i) => ({ kind: 'link.create', iface: { name: `bond${i}`, type: 'bond', bond: { mode, options: { miimon: 100 } } } }))
  ops.push({ kind: 'link.create', iface: { name: 'lacp', type: 'bond', bond: { mode: '802.3ad', options: { miimon: 50, lacp_rate: 'fast', xmit_hash_policy: 'layer3+4' } } } })
  await backend.apply(t, ops)
  const s = await backend.query(t)
  BOND_MODES.forEach((mode, i) => {
    const b = byName(s, `bond${i}`)
    assert.equal(b.type, 'bond')
    assert.equal(b.bond?.mode, mode)
    assert.equal(b.bond?.options?.['miimon'], 100)
  })
  assert.deepEqual(
    [byName(s, 'lacp').bond?.options?.['lacp_rate'], byName(s, 'lacp').bond?.options?.['xmit_hash_policy'], byName(s, 'lacp').bond?.options?.['miimon']],
    ['fast', 'layer3+4', 50],
  )
  await backend.apply(t, [{ kind: 'link.delete', names: [...BOND_MODES.map((_, i) => `bond${i}`), 'lacp'] }])
  assert.deepEqual(names(await backend.query(t)), ['lo'])
}

async function bondPorts(t: Target): Promise<void> {
  await backend.apply(t, [
    { kind: 'link.create', iface: { name: 'bond0', type: 'bond', bond: { mode: 'active-backup', options: { miimon: 100 } } } },
    dummy('d0'),
    dummy('d1'),
    attach('d0', 'bond0'),
    attach('d1', 'bond0'),
    up('bond0'),
  ])
  let s = await backend.query(t)
  assert.deepEqual(byName(s, 'bond0').bond?.ports, ['d0', 'd1'])
  assert.equal(byName(s, 'd0').controller, 'bond0')
  assert.equal(byName(s, 'd0').state, 'up', 'the bond opens its ports')
  await backend.apply(t, [{ kind: 'bond.set-options', name: 'bond0', options: { miimon: 200, updelay: 400, primary: 'd1' } }, attach('d0', null)])
  s = await backend.query(t)
  assert.deepEqual([byName(s, 'bond0').bond?.options?.['miimon'], byName(s, 'bond0').bond?.options?.['updelay']], [200, 400])
  assert.deepEqual(byName(s, 'bond0').bond?.ports, ['d1'])
  assert.equal(byName(s, 'd0').controller, null)
  // the mode changes only while the bond is down and has no ports
  await assert.rejects(backend.apply(t, [{ kind: 'bond.set-options', name: 'bond0', options: { mode: 'balance-xor' } }]), (e: unknown) => {
    return e instanceof ApplyError && e.appliedCount === 0 && /bond options of 'bond0'.*has slaves/.test(e.message)
  })
  await backend.apply(t, [attach('d1', null), down('bond0'), { kind: 'bond.set-options', name: 'bond0', options: { mode: 'balance-xor', xmit_hash_policy: 'layer2+3' } }])
  s = await backend.query(t)
  assert.deepEqual([byName(s, 'bond0').bond?.mode, byName(s, 'bond0').bond?.options?.['xmit_hash_policy']], ['balance-xor', 'layer2+3'])
  // an up port cannot be enslaved: blamed on the attach op
  await assert.rejects(backend.apply(t, [down('d0'), up('d0'), attach('d0', 'bond0')]), (e: unknown) => {
    return e instanceof ApplyError && e.appliedCount === 2 && /attach 'd0' to controller 'bond0'.*enslaved while up/.test(e.message)
  })
}

async function vlans(t: Target): Promise<void> {
  await backend.apply(t, [
    dummy('d0', { mtu: 9000 }),
    { kind: 'link.create', iface: { name: 'd0.10', type: 'vlan', vlan: { baseIface: 'd0', id: 10 } } },
    { kind: 'link.create', iface: { name: 'qinq', type: 'vlan', mtu: 8000, vlan: { baseIface: 'd0', id: 100, protocol: '802.1ad' } } },
    { kind: 'link.create', iface: { name: 'qinq.5', type: 'vlan', vlan: { baseIface: 'qinq', id: 5, protocol: '802.1q' } } },
    up('d0'),
    up('d0.10'),
  ])
  let s = await backend.query(t)
  assert.deepEqual(byName(s, 'd0.10').vlan, { baseIface: 'd0', id: 10, protocol: '802.1q' })
  assert.deepEqual([byName(s, 'd0.10').mtu, byName(s, 'd0.10').state], [9000, 'up'])
  assert.deepEqual(byName(s, 'qinq').vlan, { baseIface: 'd0', id: 100, protocol: '802.1ad' })
  assert.deepEqual([byName(s, 'qinq.5').vlan?.baseIface, byName(s, 'qinq.5').mtu], ['qinq', 8000])
  await backend.apply(t, [{ kind: 'link.set-mtu', name: 'd0.10', mtu: 1500 }, { kind: 'addr.add', name: 'd0.10', address: { ip: '192.0.2.10', prefixLength: 24 } }])
  s = await backend.query(t)
  assert.equal(byName(s, 'd0.10').mtu, 1500)
  assert.deepEqual(byName(s, 'd0.10').ipv4?.addresses, [{ ip: '192.0.2.10', prefixLength: 24 }])
  await assert.rejects(backend.apply(t, [{ kind: 'link.set-mtu', name: 'qinq', mtu: 9600 }]), (e: unknown) => e instanceof ApplyError && /mtu of 'qinq'/.test(e.message))
  await backend.apply(t, [{ kind: 'link.delete', names: ['qinq'] }])
  assert.deepEqual(names(await backend.query(t)), ['d0', 'd0.10', 'lo'], 'the stacked VLAN went with its base')
}

async function dummies(t: Target): Promise<void> {
  await backend.apply(t, [dummy('d0', { mtu: 9000, mac: '02:00:00:00:0d:00' }), up('d0'), { kind: 'addr.add', name: 'd0', address: { ip: '2001:db8::d0', prefixLength: 64 } }])
  let s = await backend.query(t)
  assert.deepEqual([byName(s, 'd0').type, byName(s, 'd0').mtu, byName(s, 'd0').mac, byName(s, 'd0').state], ['dummy', 9000, '02:00:00:00:0d:00', 'up'])
  assert.deepEqual(byName(s, 'd0').ipv6?.addresses, [{ ip: '2001:db8::d0', prefixLength: 64 }])
  await backend.apply(t, [down('d0'), { kind: 'link.set-mac', name: 'd0', mac: '02:00:00:00:0d:01' }, { kind: 'link.set-mtu', name: 'd0', mtu: 1280 }])
  s = await backend.query(t)
  assert.deepEqual([byName(s, 'd0').mtu, byName(s, 'd0').mac, byName(s, 'd0').state], [1280, '02:00:00:00:0d:01', 'down'])
  await backend.apply(t, [{ kind: 'link.delete', names: ['d0'] }])
  assert.deepEqual(names(await backend.query(t)), ['lo'])
}

async function vrfs(t: Target): Promise<void> {
  await backend.apply(t, [
    { kind: 'link.create', iface: { name: 'blue', type: 'vrf', vrf: { tableId: 1001 } } },
    dummy('d0'),
    dummy('d1'),
    attach('d0', 'blue'),
    attach('d1', 'blue'),
    up('blue'),
    up('d0'),
    { kind: 'addr.add', name: 'd0', address: { ip: '198.51.100.1', prefixLength: 24 } },
    { kind: 'route.add', route: { destination: '203.0.113.0/24', nextHopAddress: '198.51.100.254', nextHopInterface: 'd0', tableId: 1001 } },
  ])
  let s = await backend.query(t)
  assert.deepEqual(byName(s, 'blue').vrf, { tableId: 1001, ports: ['d0', 'd1'] })
  assert.equal(byName(s, 'd0').controller, 'blue')
  assert.deepEqual(s.routes, [{ destination: '203.0.113.0/24', nextHopAddress: '198.51.100.254', nextHopInterface: 'd0', tableId: 1001 }])
  await backend.apply(t, [attach('d1', null)])
  s = await backend.query(t)
  assert.deepEqual(byName(s, 'blue').vrf?.ports, ['d0'])
  await backend.apply(t, [{ kind: 'link.delete', names: ['blue'] }])
  s = await backend.query(t)
  assert.deepEqual(names(s), ['d0', 'd1', 'lo'])
  assert.equal(byName(s, 'd0').controller, null)
  assert.deepEqual(s.routes, [], 'the VRF table went with the VRF')
}

async function bridgeVlanFiltering(t: Target): Promise<void> {
  await backend.apply(t, [{ kind: 'link.create', iface: { name: 'br0', type: 'linux-bridge', bridge: { options: { vlanFiltering: true } } } }])
  assert.equal(byName(await backend.query(t), 'br0').bridge?.options?.vlanFiltering, true)
  await backend.apply(t, [{ kind: 'bridge.set-options', name: 'br0', options: { vlanFiltering: false } }])
  assert.equal(byName(await backend.query(t), 'br0').bridge?.options?.vlanFiltering, false)
}

/** eth1 + eth2 (dummies) → bond0 → bond0.29 → br29 with an address and a default route; then changed and torn down. */
async function stack(t: Target): Promise<void> {
  await backend.apply(t, [dummy('eth1'), dummy('eth2'), up('eth1'), up('eth2')])
  await backend.apply(t, [
    { kind: 'link.create', iface: { name: 'bond0', type: 'bond', bond: { mode: 'active-backup', options: { miimon: 100 } } } },
    down('eth1'),
    attach('eth1', 'bond0'),
    down('eth2'),
    attach('eth2', 'bond0'),
    up('bond0'),
    { kind: 'link.create', iface: { name: 'bond0.29', type: 'vlan', vlan: { baseIface: 'bond0', id: 29 } } },
    { kind: 'link.create', iface: { name: 'br29', type: 'linux-bridge', bridge: { options: { stp: false, forwardDelaySec: 0 } } } },
    attach('bond0.29', 'br29'),
    up('bond0.29'),
    up('br29'),
    { kind: 'addr.add', name: 'br29', address: { ip: '192.0.2.29', prefixLength: 24 } },
    { kind: 'route.add', route: { destination: '0.0.0.0/0', nextHopAddress: '192.0.2.1', nextHopInterface: 'br29' } },
  ])
  let s = await backend.query(t)
  assert.deepEqual(byName(s, 'bond0').bond?.ports, ['eth1', 'eth2'])
  assert.deepEqual([byName(s, 'bond0.29').vlan?.baseIface, byName(s, 'bond0.29').controller], ['bond0', 'br29'])
  assert.deepEqual(byName(s, 'br29').bridge?.ports, [{ name: 'bond0.29' }])
  assert.deepEqual(byName(s, 'br29').ipv4?.addresses, [{ ip: '192.0.2.29', prefixLength: 24 }])
  assert.deepEqual(s.routes, [{ destination: '0.0.0.0/0', nextHopAddress: '192.0.2.1', nextHopInterface: 'br29' }])
  assert.ok(['eth1', 'eth2', 'bond0', 'bond0.29', 'br29'].every((n) => byName(s, n).state === 'up'))
  // change: MTU down the stack, the VLAN moves to a second bridge
  await backend.apply(t, [
    { kind: 'link.set-mtu', name: 'bond0', mtu: 9000 },
    { kind: 'link.set-mtu', name: 'bond0.29', mtu: 9000 },
    { kind: 'link.create', iface: { name: 'br30', type: 'linux-bridge' } },
    attach('bond0.29', 'br30'),
  ])
  s = await backend.query(t)
  assert.deepEqual([byName(s, 'eth1').mtu, byName(s, 'bond0.29').mtu, byName(s, 'bond0.29').controller], [9000, 9000, 'br30'])
  assert.deepEqual(byName(s, 'br29').bridge?.ports, [])
  // teardown: one bulk delete; the NICs stay, released
  await backend.apply(t, [attach('eth1', null), attach('eth2', null), { kind: 'link.delete', names: ['br29', 'br30', 'bond0.29', 'bond0'] }, up('eth1')])
  s = await backend.query(t)
  assert.deepEqual(names(s), ['eth1', 'eth2', 'lo'])
  assert.deepEqual([byName(s, 'eth1').controller, byName(s, 'eth1').state], [null, 'up'])
  assert.deepEqual(s.routes, [])
}

async function caps(): Promise<void> {
  const c = await kernelCaps({ kind: 'host' })
  for (const k of ['bond', 'vlan', 'dummy', 'vrf', 'veth', 'linux-bridge', 'vxlan', 'mac-vlan'] as const) assert.ok(c.creatableKinds?.has(k), k)
  assert.equal(c.bridgeVlanFiltering, true)
}

const CASES: Record<string, (t: Target) => Promise<void>> = {
  'bond-modes': bondModes,
  'bond-ports': bondPorts,
  vlan: vlans,
  dummy: dummies,
  vrf: vrfs,
  'bridge-vlan-filtering': bridgeVlanFiltering,
  'stack-bond-vlan-bridge': stack,
  caps: () => caps(),
}

async function runCase(name: string, fn: (t: Target) => Promise<void>): Promise<{ ok: boolean; error?: string; ms: number }> {
  const ns = `hnl-${name}`
  const t0 = performance.now()
  await createNetns(ns)
  try {
    await fn({ kind: 'netns', name: ns })
    return { ok: true, ms: Math.round(performance.now() - t0) }
  } catch (e) {
    return { ok: false, error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e), ms: Math.round(performance.now() - t0) }
  } finally {
    await deleteNetns(ns)
  }
}

async function main(): Promise<void> {
  const only = process.argv.slice(2)
  const results: Record<string, unknown> = {}
  for (const [name, fn] of Object.entries(CASES)) if (only.length === 0 || only.includes(name)) results[name] = await runCase(name, fn)
  process.stdout.write(`${JSON.stringify({ kernel: process.env['UML_LANE'] === '1' ? 'uml' : 'host', cases: results })}\n`)
}

await main()
