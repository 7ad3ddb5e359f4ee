/**
 * The engine's cheaper reads on a real kernel: a no-op apply writes nothing (no journal entry) and still reports
 * an open transaction as a conflict; the backend's named-interfaces read (what verification of a small change
 * uses) matches the full query for those interfaces, port lists included, and leaves out missing names.
 */
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { HostnetError } from '../../src/errors.js'
import { parseDesiredState } from '../../src/codec/yaml/state.js'
import { SMALL_DOCUMENT_IFACES } from '../../src/txn/apply.js'
import { applyState, NO_TRANSACTION } from '../../src/txn/index.js'
import { projectState } from '../helpers/host-state.js'
import { canUseNetns, leakedNetns } from '../helpers/netns.js'
import { withE2e } from './env.js'
import { failingBackend } from './fault-runner.js'

const skip = canUseNetns() ? false : 'needs root and ip netns'

const DOC = `interfaces:
  - name: br0
    type: linux-bridge
    ipv4: {address: [{ip: 192.0.2.1, prefix-length: 24}]}
    bridge: {port: [{name: eth0}, {name: ve0, stp-path-cost: 7}]}
  - {name: ve0, type: veth, veth: {peer: ve0p}, mtu: 1400}
  - {name: ve0p, type: veth, veth: {peer: ve0}, ipv6: {address: [{ip: '2001:db8::5', prefix-length: 64}]}}
`

test('a no-op apply writes nothing, and an open transaction is still a conflict', { skip }, async () => {
  await withE2e(
    async (env) => {
      assert.equal((await env.apply(DOC)).status, 'committed')
      const entries = env.store.journal.list().length
      const again = await env.apply(DOC)
      assert.deepEqual([again.status, again.transactionId, again.ops], ['unchanged', NO_TRANSACTION, []])
      assert.equal(env.store.journal.list().length, entries, 'no journal entry for a no-op')
      const desired = parseDesiredState('interfaces: [{name: ve0, mtu: 1300}]\n')
      const pending = await applyState({ backend: env.backend, store: env.store, target: env.target, desired, confirmWithinSec: 60 })
      assert.equal(pending.status, 'pending-confirm')
      await assert.rejects(env.apply(DOC), (e: unknown) => {
        return e instanceof HostnetError && e.kind === 'conflict' && e.message.includes(`open transaction ${pending.transactionId}`)
      })
    },
    { sandbox: true },
  )
})

test('the named-interfaces read equals the full query for those names (ports included, missing left out)', { skip }, async () => {
  await withE2e(
    async (env) => {
      await env.apply(DOC)
      const full = await env.query()
      const names = ['br0', 've0p', 'eth1', 'nosuch0']
      const part = await env.backend.queryInterfaces(env.target, names)
      const shown = part.interfaces.map((i) => i.name).sort()
      assert.deepEqual(shown, ['br0', 'eth0', 'eth1', 've0', 've0p'], 'the names that exist, plus the ports of br0')
      assert.deepEqual(projectState({ ...part, routes: [] }, names), projectState({ ...full, routes: [] }, names))
      assert.deepEqual(
        part.interfaces.find((i) => i.name === 'br0')?.bridge?.ports,
        full.interfaces.find((i) => i.name === 'br0')?.bridge?.ports,
      )
      assert.deepEqual(part.routes, [])
      assert.deepEqual((await env.backend.queryInterfaces(env.target, [])).interfaces, [])
    },
    { sandbox: true },
  )
})

/** More interfaces than SMALL_DOCUMENT_IFACES: the engine plans it without reading the routes first. */
function bigDoc(extra: string): string {
  const pairs = Array.from({ length: 20 }, (_, i) => `  - {name: bv${i}, type: veth, veth: {peer: bv${i}p}}\n  - {name: bv${i}p, type: veth, veth: {peer: bv${i}}}\n`)
  return `interfaces:\n${pairs.join('')}${extra}`
}

test('a big document planned without the routes first: flushed routes come back, and a rollback restores them', { skip }, async () => {
  await withE2e(
    async (env) => {
      assert.ok(bigDoc('').split('\n').length - 2 > SMALL_DOCUMENT_IFACES)
      const route = '{destination: 10.44.0.0/16, next-hop-address: 203.0.113.254, next-hop-interface: eth3}'
      await env.apply(bigDoc(`  - {name: eth3, ipv4: {address: [{ip: 203.0.113.3, prefix-length: 24}]}}\nroutes:\n  config: [${route}]\n`))
      const before = await env.query()
      assert.equal(before.routes.length, 1)
      // replacing the last IPv4 address flushes the route: the plan must put it back
      const doc = bigDoc('  - {name: eth3, ipv4: {address: [{ip: 203.0.113.4, prefix-length: 24}]}}\n')
      const names = before.interfaces.map((i) => i.name)
      const failing = failingBackend((b) => b.lines.length - 1)
      await assert.rejects(env.apply(doc, { backend: failing }), /File exists/)
      assert.deepEqual(projectState(await env.query(), names), projectState(before, names), 'rolled back, route included')
      const r = await env.apply(doc)
      assert.ok(r.ops.some((op) => op.kind === 'route.add'), 'the flushed route is added back')
      const after = await env.query()
      assert.deepEqual(after.routes, before.routes)
      assert.deepEqual(after.interfaces.find((i) => i.name === 'eth3')?.ipv4?.addresses, [{ ip: '203.0.113.4', prefixLength: 24 }])
    },
    { sandbox: true },
  )
})

after(() => {
  if (skip === false) assert.deepEqual(leakedNetns(), [], 'namespaces left behind')
})
