import { test } from 'node:test'
import assert from 'node:assert/strict'
import { HostnetError } from '../../src/errors.js'
import { currentProcess as currentOwner } from '../../src/sys/process.js'
import { applyOpsToState } from '../../src/backend/fake/simulate.js'
import {
  applyState,
  commitPending,
  CONFIRM_TIMER_ROLE,
  hostPlanner,
  HOST_TXN_KIND,
  recoverPending,
  rollbackPending,
  runConfirmTimer,
} from '../../src/txn/index.js'
import { bridgeDoc, DEAD_OWNER, harness, TARGET } from './helpers.js'

const isKind = (kind: string) => (e: unknown) => e instanceof HostnetError && e.kind === kind

test('a second apply while one is pending confirmation is a conflict naming the open transaction', async () => {
  const h = harness()
  try {
    const first = await applyState({ ...h.deps, target: TARGET, desired: bridgeDoc(), confirmWithinSec: 60 })
    assert.equal(first.status, 'pending-confirm')
    assert.equal(first.confirmDeadlineMs, h.clock.nowMs + 60_000)
    const doc = { interfaces: [{ name: 'eth3', type: 'ethernet' as const, mtu: 1300 }] }
    await assert.rejects(applyState({ ...h.deps, target: TARGET, desired: doc }), (e: unknown) => {
      assert.ok(isKind('conflict')(e))
      assert.match((e as Error).message, new RegExp(`open transaction ${first.transactionId} \\(pending-confirm, 60 s left`))
      return true
    })
    assert.equal(h.backend.applied.length, 1, 'the second apply touched nothing')
    // another target is not locked
    h.backend.setState({ kind: 'netns', name: 'other' }, h.backend.stateOf(TARGET))
    const other = await applyState({ ...h.deps, target: { kind: 'netns', name: 'other' }, desired: doc })
    assert.equal(other.status, 'committed')
  } finally {
    h.close()
  }
})

test('commit keeps the change; rollback restores the state from before', async () => {
  const h = harness()
  try {
    const before = h.backend.stateOf(TARGET)
    const r1 = await applyState({ ...h.deps, target: TARGET, desired: bridgeDoc(), confirmWithinSec: 30 })
    const changed = h.backend.stateOf(TARGET)
    const c = await commitPending({ ...h.deps, target: TARGET })
    assert.equal(c.id, r1.transactionId)
    assert.equal(c.status, 'committed')
    assert.equal(c.confirmDeadlineMs, undefined)
    h.clock.nowMs += 3_600_000
    await recoverPending(h.deps)
    assert.deepEqual(h.backend.stateOf(TARGET), changed, 'a committed change survives its old deadline')
    await assert.rejects(commitPending({ ...h.deps, target: TARGET }), isKind('not-found'))

    h.backend.setState(TARGET, before)
    const r2 = await applyState({ ...h.deps, target: TARGET, desired: bridgeDoc(), confirmWithinSec: 30 })
    const rb = await rollbackPending({ ...h.deps, target: TARGET })
    assert.equal(rb.id, r2.transactionId)
    assert.equal(rb.status, 'rolled-back')
    assert.deepEqual(h.backend.stateOf(TARGET), before)
    await assert.rejects(rollbackPending({ ...h.deps, target: TARGET }), isKind('not-found'))
  } finally {
    h.close()
  }
})

test('an expired deadline is rolled back by recovery, and commit then refuses', async () => {
  const h = harness()
  try {
    const before = h.backend.stateOf(TARGET)
    const r = await applyState({ ...h.deps, target: TARGET, desired: bridgeDoc(), confirmWithinSec: 2 })
    h.clock.nowMs += 1_000
    assert.deepEqual((await recoverPending(h.deps)).rolledBack, [], 'not yet')
    h.clock.nowMs += 1_500
    await assert.rejects(commitPending({ ...h.deps, target: TARGET }), isKind('not-found'))
    assert.deepEqual(h.backend.stateOf(TARGET), before)
    const e = h.store.journal.require(r.transactionId)
    assert.equal(e.status, 'rolled-back')
    assert.equal((e.error as { kind: string }).kind, 'timeout')
  } finally {
    h.close()
  }
})

test('the confirm timer rolls back expired transactions and exits when idle', async () => {
  const h = harness()
  try {
    const before = h.backend.stateOf(TARGET)
    await applyState({ ...h.deps, target: TARGET, desired: bridgeDoc(), confirmWithinSec: 1 })
    const ac = new AbortController()
    let ticks = 0
    const exit = await runConfirmTimer({
      ...h.deps,
      signal: ac.signal,
      pollMs: 1,
      exitWhenIdle: true,
      sleep: async () => undefined,
      log: () => {
        ticks++
      },
      onReady: () => {
        h.clock.nowMs += 5_000 // the deadline passes while the timer runs
      },
    })
    assert.equal(exit, 'idle')
    assert.ok(ticks >= 1)
    assert.deepEqual(h.backend.stateOf(TARGET), before)
    assert.equal(h.store.daemons.holder(CONFIRM_TIMER_ROLE), undefined, 'the lock is released')
  } finally {
    h.close()
  }
})

test('only one confirm timer runs per store; a stopped timer releases its lock', async () => {
  const h = harness()
  try {
    assert.ok(h.store.daemons.claim(CONFIRM_TIMER_ROLE, { pid: process.ppid, startTicks: '' }))
    const ac = new AbortController()
    assert.equal(await runConfirmTimer({ ...h.deps, signal: ac.signal }), 'already-running')
    h.store.db.prepare('DELETE FROM daemon_lock').run()
    const running = runConfirmTimer({ ...h.deps, signal: ac.signal, pollMs: 5, onReady: () => ac.abort() })
    assert.equal(await running, 'stopped')
    assert.equal(h.store.daemons.holder(CONFIRM_TIMER_ROLE), undefined)
  } finally {
    h.close()
  }
})

test('recovery rolls back a transaction whose process died mid-apply, and leaves a living one alone', async () => {
  const h = harness()
  try {
    const before = h.backend.stateOf(TARGET)
    // What a crashed `hostnet apply` leaves: journal 'applying' with snapshot and plan, half the ops applied.
    const change = hostPlanner.plan(before, bridgeDoc())
    const begun = h.store.journal.begin({ target: 'netns:engine-test', kind: HOST_TXN_KIND, owner: DEAD_OWNER, desired: bridgeDoc() })
    assert.ok(begun.ok)
    if (!begun.ok) return
    h.store.journal.recordPlan(begun.entry.id, { snapshot: before, ops: change.ops, expected: change.expected, touched: change.touched })
    const half = Math.ceil(change.ops.length / 2)
    h.backend.setState(TARGET, applyOpsToState(before, change.ops.slice(0, half)))
    assert.notDeepEqual(h.backend.stateOf(TARGET), before)

    const rep = await recoverPending(h.deps)
    assert.deepEqual(rep.rolledBack, [begun.entry.id])
    assert.deepEqual(h.backend.stateOf(TARGET), before)
    const e = h.store.journal.require(begun.entry.id)
    assert.equal(e.status, 'rolled-back')
    assert.match(JSON.stringify(e.error), /interrupted/)

    // a transaction owned by a living process is not ours to recover
    const live = h.store.journal.begin({ target: 'netns:engine-test', kind: HOST_TXN_KIND, owner: { pid: process.ppid, startTicks: '' }, desired: {} })
    assert.ok(live.ok)
    assert.deepEqual((await recoverPending(h.deps)).rolledBack, [])
    await assert.rejects(applyState({ ...h.deps, target: TARGET, desired: bridgeDoc() }), (err: unknown) => {
      assert.ok(isKind('conflict')(err))
      assert.match((err as Error).message, new RegExp(`applying by process ${process.ppid}`))
      return true
    })
  } finally {
    h.close()
  }
})

test('recovery of a transaction interrupted before its plan was recorded touches nothing', async () => {
  const h = harness()
  try {
    const begun = h.store.journal.begin({ target: 'netns:engine-test', kind: HOST_TXN_KIND, owner: DEAD_OWNER, desired: {} })
    assert.ok(begun.ok)
    const rep = await recoverPending(h.deps)
    assert.equal(rep.rolledBack.length, 1)
    assert.equal(h.backend.applied.length, 0)
    assert.equal(h.store.journal.list()[0]?.status, 'failed')
    assert.equal(h.store.journal.listOpen().length, 0)
  } finally {
    h.close()
  }
})

test('a recovery that cannot restore (namespace gone) marks the transaction failed and reports it', async () => {
  const h = harness()
  try {
    const gone = { kind: 'netns' as const, name: 'gone' }
    h.backend.setState(gone, h.backend.stateOf(TARGET))
    await applyState({ ...h.deps, target: gone, desired: bridgeDoc(), confirmWithinSec: 1 })
    h.backend.query = async () => {
      throw new HostnetError('not-found', "network namespace 'gone' does not exist")
    }
    h.clock.nowMs += 2_000
    const rep = await recoverPending(h.deps)
    assert.equal(rep.failed.length, 1)
    assert.equal(rep.failed[0]?.target, 'netns:gone')
    assert.equal(h.store.journal.list()[0]?.status, 'failed')
    assert.equal(h.store.journal.listOpen().length, 0)
    assert.ok(currentOwner().pid > 0)
  } finally {
    h.close()
  }
})
