/**
 * The change record of host-interface transactions (fake backend): one record per outcome, written with the
 * journal's status change, with the actor on whose behalf it happened (the caller, `timer`, `recovery`).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { failAt } from '../../src/backend/fake/index.js'
import { hostPlanner, HOST_TXN_KIND, applyState, commitPending, recoverPending, rollbackPending } from '../../src/txn/index.js'
import type { ChangeRecord } from '../../src/store/index.js'
import { bridgeDoc, DEAD_OWNER, harness, TARGET } from './helpers.js'

const KEY = 'netns:engine-test'
const mtu = (n: number) => ({ interfaces: [{ name: 'eth3', type: 'ethernet' as const, mtu: n }] })

function brief(records: readonly ChangeRecord[]): string[] {
  return records.map((r) => `${r.kind} ${r.object} ${r.actor} ${r.outcome}`)
}

test('apply, confirm, commit and rollback: one record each, with the actor of the call', async () => {
  const h = harness()
  try {
    const me = h.store.actor
    const a = await applyState({ ...h.deps, target: TARGET, desired: mtu(1400) })
    const again = await applyState({ ...h.deps, target: TARGET, desired: mtu(1400) })
    assert.equal(again.status, 'unchanged')
    const b = await applyState({ ...h.deps, target: TARGET, desired: mtu(1300), confirmWithinSec: 60, actor: 'api:alice' })
    await commitPending({ ...h.deps, target: TARGET, actor: 'api:bob' })
    const c = await applyState({ ...h.deps, target: TARGET, desired: bridgeDoc(), confirmWithinSec: 60 })
    await rollbackPending({ ...h.deps, target: TARGET, actor: 'api:carol' })
    const recs = h.store.changes.list({ afterId: 0 })
    assert.deepEqual(brief(recs), [
      `txn.applied ${a.transactionId} ${me} ok`,
      `txn.pending-confirm ${b.transactionId} api:alice ok`,
      `txn.committed ${b.transactionId} api:bob ok`,
      `txn.pending-confirm ${c.transactionId} ${me} ok`,
      `txn.rolled-back ${c.transactionId} api:carol ok`,
    ])
    assert.ok(recs.every((r) => r.target === KEY))
    assert.deepEqual(recs[0]?.detail, { ops: a.ops.length, touched: ['eth3'], verified: true })
    assert.equal(recs[1]?.detail?.['confirmDeadlineMs'], b.confirmDeadlineMs)
    assert.match(JSON.stringify(recs[4]?.detail), /rolled back on request/)
    await assert.rejects(applyState({ ...h.deps, target: TARGET, desired: mtu(1200), actor: 'nobody' }), /invalid actor/)
    assert.equal(h.store.changes.lastId(), 5)
  } finally {
    h.close()
  }
})

test('a failed apply records its rollback with the reason; a refused document records the failed transaction', async () => {
  const h = harness({ failOp: failAt(1, { message: 'boom' }) })
  try {
    await assert.rejects(applyState({ ...h.deps, target: TARGET, desired: bridgeDoc() }), /boom/)
    await assert.rejects(applyState({ ...h.deps, target: TARGET, desired: { interfaces: [{ name: 'v1', type: 'vlan', vlan: { baseIface: 'nope', id: 5 } }] } }))
    const recs = h.store.changes.list({ afterId: 0 })
    assert.deepEqual(recs.map((r) => `${r.kind} ${r.outcome}`), ['txn.rolled-back ok', 'txn.failed failed'])
    assert.deepEqual(recs[0]?.detail?.['reason'], { kind: 'backend-failure', message: "network namespace 'engine-test': op 1 (link.create) failed: boom" })
    assert.equal((recs[1]?.detail?.['error'] as { kind?: string } | undefined)?.kind, 'invalid-argument')
  } finally {
    h.close()
  }
})

test('the confirm timer and crash recovery roll back under their own actors', async () => {
  const h = harness()
  try {
    const p = await applyState({ ...h.deps, target: TARGET, desired: mtu(1400), confirmWithinSec: 10 })
    h.clock.nowMs += 11_000
    await recoverPending({ ...h.deps, actor: 'api:ignored' })
    const before = h.backend.stateOf(TARGET)
    const change = hostPlanner.plan(before, bridgeDoc())
    const begun = h.store.journal.begin({ target: KEY, kind: HOST_TXN_KIND, owner: DEAD_OWNER, desired: bridgeDoc() })
    assert.ok(begun.ok)
    const crashed = begun.ok ? begun.entry.id : 0
    h.store.journal.recordPlan(crashed, { snapshot: before, ops: change.ops, expected: change.expected, touched: change.touched })
    await recoverPending(h.deps)
    const recs = h.store.changes.list({ afterId: 0, kinds: ['txn.rolled-back'] })
    assert.deepEqual(brief(recs), [`txn.rolled-back ${p.transactionId} timer ok`, `txn.rolled-back ${crashed} recovery ok`])
    assert.match(JSON.stringify(recs[0]?.detail), /not confirmed before its deadline/)
    assert.match(JSON.stringify(recs[1]?.detail), /interrupted/)
  } finally {
    h.close()
  }
})
