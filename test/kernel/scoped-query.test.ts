/**
 * Scoped reads on the real kernel: the iproute2 backend's queryScope returns exactly the part of a whole query
 * plan/scope.ts defines (interfaces; routes compared as sets), and a one-interface change through the engine on
 * a namespace with many interfaces reads, journals and changes only its scope, and still rolls back correctly.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ApplyError, type HostBackend } from '../../src/backend/backend.js'
import type { Target } from '../../src/model/target.js'
import { Iproute2Backend } from '../../src/backend/iproute2/index.js'
import type { HostState } from '../../src/model/host/state.js'
import { restrictState, scopeOf } from '../../src/plan/index.js'
import { openStore } from '../../src/store/index.js'
import { decodeHostTxn } from '../../src/txn/host-txn.js'
import { applyState } from '../../src/txn/index.js'
import { project } from '../engine/kernel-helpers.js'
import { canUseNetns, leakedNetns, withNetns } from '../helpers/netns.js'

const skip = canUseNetns() ? false : 'needs root and ip netns'
const backend = new Iproute2Backend()

/** Lines of kinds this kernel lacks (vlan, bond, ... may be modules that are not there) fail and are skipped. */
function batch(ns: string, lines: string[]): void {
  // one command each: ip gives up on a whole batch at an unknown link type, even with -force
  for (const l of lines) spawnSync('ip', ['-n', ns, ...l.split(' ')], { stdio: 'ignore' })
}

/** br0 (ports v0, v1 of veth pairs), a VLAN and a MAC-VLAN on the far ends, a bond with a dummy port, a VXLAN
 * on v1p, routes of several protocols, and `extra` dummies. */
function build(ns: string, extra: number): void {
  batch(ns, [
    'link add br0 type bridge stp_state 0 forward_delay 0',
    'link add v0 type veth peer name v0p',
    'link add v1 type veth peer name v1p',
    'link set v0 master br0',
    'link set v1 master br0',
    'link add link v1p name vl5 type vlan id 5',
    'link add link v0p name mv0 type macvlan mode bridge',
    'link add bd0 type bond mode active-backup',
    'link add d0 type dummy',
    'link set d0 master bd0',
    'link add vx0 type vxlan id 7 dev v1p dstport 4789 local 10.1.0.2',
    ...Array.from({ length: extra }, (_, k) => `link add x${k} type dummy`),
    ...['br0', 'v0', 'v0p', 'v1', 'v1p', 'vl5', 'mv0', 'bd0', 'vx0'].map((n) => `link set ${n} up`),
    'address add 10.0.0.1/24 dev br0',
    'address add 10.1.0.2/24 dev v1p',
    'address add fd00:1::2/64 dev v1p nodad',
    'address add 10.2.0.2/24 dev v0p',
    'route add 10.50.0.0/16 via 10.1.0.1 dev v1p',
    'route add 10.51.0.0/16 via 10.1.0.1 dev v1p proto static metric 7',
    'route add 10.52.0.0/16 via 10.2.0.1 dev v0p table 100',
    'route add fd00:9::/64 via fd00:1::1 dev v1p proto static',
    'route add 10.53.0.0/16 via 10.1.0.1 dev v1p proto 42',
  ])
}

const sortRoutes = (s: HostState): string[] => s.routes.map((r) => JSON.stringify(r)).sort()

test('queryScope reads exactly the scope of its seeds', { skip }, async () => {
  await withNetns(async (ns, target) => {
    build(ns, 5)
    const whole = await backend.query(target)
    for (const seeds of [['v0p'], ['v1p'], ['br0'], ['d0'], ['bd0', 'x1'], ['vl5', 'nosuch'], ['mv0', 'vx0']]) {
      const scope = scopeOf(whole, seeds)!
      const want = restrictState(whole, scope)
      const got = await backend.queryScope(target, seeds, { maxInterfaces: 64 })
      assert.ok(got, `scope of ${seeds.join(',')}`)
      const names = (s: HostState): string[] => s.interfaces.map((i) => i.name)
      // VXLANs do not link to their base in sysfs: the backend's scope may leave them out (see plan/scope.ts)
      assert.deepEqual(names(got).filter((n) => n !== 'vx0'), names(want).filter((n) => n !== 'vx0'), `interfaces of ${seeds.join(',')}`)
      const same = want.interfaces.filter((i) => names(got).includes(i.name))
      assert.deepEqual(got.interfaces.filter((i) => i.name !== 'vx0' || names(want).includes('vx0')), same, `fields of ${seeds.join(',')}`)
      assert.deepEqual(sortRoutes(got), sortRoutes(want), `routes of ${seeds.join(',')}`)
    }
    assert.equal(await backend.queryScope(target, ['br0'], { maxInterfaces: 2 }), undefined)
  }, 'scope')
  assert.deepEqual(leakedNetns(), [])
})

/** The real backend, but its first apply fails after applying every op (as a later op would). */
function failingAfterApply(real: Iproute2Backend): HostBackend {
  let failed = false
  return {
    query: (t, o) => real.query(t, o),
    queryRoutes: (t) => real.queryRoutes(t),
    queryInterfaces: (t, n) => real.queryInterfaces(t, n),
    queryScope: (t, s, o) => real.queryScope(t, s, o),
    async apply(t: Target, ops) {
      await real.apply(t, ops)
      if (failed) return
      failed = true
      throw new ApplyError('injected failure after the last op', { appliedCount: ops.length })
    },
  }
}

test('a one-interface change on a host with many interfaces touches only it, and rolls back', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hostnet-scope-'))
  const store = openStore(join(dir, 'state'))
  try {
    await withNetns(async (ns, target) => {
      build(ns, 60)
      const before = await backend.query(target)
      const exists = (n: string): boolean => before.interfaces.some((i) => i.name === n)
      const doc = { interfaces: [{ name: 'v1p', type: 'unknown' as const, mtu: 1400, ipv4: { enabled: true, addresses: [{ ip: '10.1.0.2', prefixLength: 24 }, { ip: '10.3.0.2', prefixLength: 24 }] } }] }
      const r = await applyState({ backend, store, target, desired: doc })
      assert.equal(r.status, 'committed', JSON.stringify(r.ops))
      assert.ok(r.ops.length <= 3, JSON.stringify(r.ops))
      assert.deepEqual(r.ops.map((o) => o.kind).sort(), ['addr.add', 'link.set-mtu', ...(exists('vl5') ? ['link.set-mtu'] : [])], JSON.stringify([r.ops, before.interfaces.find((i) => i.name === 'v1p')]))
      const txn = decodeHostTxn(store.journal.list()[0]!)
      const journaled = txn.snapshot!.interfaces.map((i) => i.name).sort()
      assert.ok(journaled.length < 15, `snapshot of ${journaled.length} interfaces: ${journaled.join(',')}`)
      for (const n of ['v1p', 'vl5'].filter(exists)) assert.ok(journaled.includes(n), `${n} in the snapshot`)
      const after = await backend.query(target)
      // only v1p (and the VLAN on it, whose MTU follows) changed
      const strip = (s: HostState, names: string[]): unknown => project({ ...s, interfaces: s.interfaces.filter((i) => !names.includes(i.name)), routes: s.routes })
      assert.deepEqual(strip(after, ['v1p', 'vl5']), strip(before, ['v1p', 'vl5']))
      if (exists('vl5')) assert.equal(after.interfaces.find((i) => i.name === 'vl5')?.mtu, 1400)
      // back to the start, then the same change failing: the rollback restores everything, routes too
      const back = await applyState({ backend, store, target, desired: { interfaces: [{ name: 'v1p', type: 'unknown', mtu: 1500, ipv4: { enabled: true, addresses: [{ ip: '10.1.0.2', prefixLength: 24 }] } }, ...(exists('vl5') ? [{ name: 'vl5', type: 'unknown' as const, mtu: 1500 }] : [])] } })
      assert.equal(back.status, 'committed')
      const start = await backend.query(target)
      assert.deepEqual(project(start), project(before))
      await assert.rejects(applyState({ backend: failingAfterApply(backend), store, target, desired: doc }), /injected failure/)
      assert.equal(store.journal.list()[0]!.status, 'rolled-back', JSON.stringify(store.journal.list()[0]!.error))
      assert.deepEqual(project(await backend.query(target)), project(before))
    }, 'scope1')
  } finally {
    store.close()
    rmSync(dir, { recursive: true, force: true })
  }
  assert.deepEqual(leakedNetns(), [])
})
