/**
 * Scale: the benchmark topology (100 bridges, 1000 veth pairs, 10 ports per bridge, IPv4 on every bridge and
 * free veth end). Creating it, restating it (no-op), removing it (one bulk delete) and one MTU change must plan
 * in time linear in the number of interfaces.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { Iface } from '../model/host/iface.js'
import type { DesiredState, HostState } from '../model/host/state.js'
import { planHost, verifyHost } from './host.js'
import { applyOpsToState } from '../backend/fake/simulate.js'

const EMPTY: HostState = { interfaces: [{ name: 'lo', type: 'loopback', state: 'up', mtu: 65536, controller: null }], routes: [] }

function topology(bridges: number, portsPerBridge: number): DesiredState {
  const interfaces: Iface[] = []
  for (let b = 0; b < bridges; b++) {
    const addresses = [{ ip: `10.${b >> 8}.${b & 255}.1`, prefixLength: 24 }]
    interfaces.push({ name: `br${b}`, type: 'linux-bridge', ipv4: { enabled: true, addresses } })
    for (let p = 0; p < portsPerBridge; p++) {
      const n = b * portsPerBridge + p
      interfaces.push({ name: `vp${n}`, type: 'veth', controller: `br${b}`, veth: { peer: `ve${n}` } })
      interfaces.push({ name: `ve${n}`, type: 'veth', ipv4: { enabled: true, addresses: [{ ip: `172.${16 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`, prefixLength: 32 }] } })
    }
  }
  return { interfaces }
}

function timeMs(f: () => void): number {
  const t0 = performance.now()
  f()
  return performance.now() - t0
}

test('benchmark topology: create, no-op, one change and bulk removal', () => {
  const desired = topology(100, 10)
  let ops = planHost(EMPTY, desired).ops
  assert.equal(ops.filter((o) => o.kind === 'link.create').length, 1100)
  const state = applyOpsToState(EMPTY, ops)
  assert.equal(state.interfaces.length, 2101)
  assert.deepEqual(verifyHost(planHost(EMPTY, desired).expected, state), [])
  assert.deepEqual(planHost(state, desired).ops, [], 'the same state again is a no-op')
  ops = planHost(state, { interfaces: [{ name: 'br7', type: 'unknown', mtu: 1400 }] }).ops
  assert.deepEqual(ops, [{ kind: 'link.set-mtu', name: 'br7', mtu: 1400 }])
  const absent: DesiredState = { interfaces: desired.interfaces.map((i) => ({ name: i.name, type: i.type, state: 'absent' as const })) }
  ops = planHost(state, absent).ops
  assert.equal(ops.length, 1, 'one bulk delete and nothing else')
  assert.equal(ops[0]?.kind === 'link.delete' ? ops[0].names.length : 0, 1100, 'one name per veth pair')
  assert.deepEqual(applyOpsToState(state, ops).interfaces.map((i) => i.name), ['lo'])
})

test('planning time grows linearly with the number of interfaces', () => {
  const small = topology(50, 10)
  const large = topology(200, 10)
  const plan = (d: DesiredState): number => Math.min(timeMs(() => planHost(EMPTY, d)), timeMs(() => planHost(EMPTY, d)))
  plan(small)
  const ts = plan(small)
  const tl = plan(large)
  // 4x the interfaces: linear is ~4x; quadratic would be ~16x. Allow noise.
  assert.ok(tl < ts * 8 + 50, `small ${ts.toFixed(1)} ms, large ${tl.toFixed(1)} ms`)
  const stateLarge = applyOpsToState(EMPTY, planHost(EMPTY, large).ops)
  const noop = timeMs(() => planHost(stateLarge, large))
  assert.ok(noop < 2000, `no-op plan over 4400 interfaces took ${noop.toFixed(0)} ms`)
})
