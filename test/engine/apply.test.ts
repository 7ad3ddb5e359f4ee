import { test } from 'node:test'
import assert from 'node:assert/strict'
import { HostnetError, RollbackError, ValidationError, VerificationError } from '../../src/errors.js'
import type { HostState } from '../../src/model/host/state.js'
import { ApplyError } from '../../src/backend/backend.js'
import { failAt } from '../../src/backend/fake/index.js'
import { applyState, decodeHostTxn, NO_TRANSACTION } from '../../src/txn/index.js'
import { bridgeDoc, fourNics, harness, TARGET } from './helpers.js'

function ifaceNames(s: HostState): string[] {
  return s.interfaces.map((i) => i.name).sort()
}

test('a successful apply is journaled with snapshot, plan, progress and ends committed', async () => {
  const h = harness()
  try {
    const before = h.backend.stateOf(TARGET)
    const r = await applyState({ ...h.deps, target: TARGET, desired: bridgeDoc() })
    assert.equal(r.status, 'committed')
    assert.ok(r.ops.length >= 5, `expected several ops, got ${r.ops.length}`)
    assert.ok(r.verifyAttempts >= 1)
    const after = h.backend.stateOf(TARGET)
    const br0 = after.interfaces.find((i) => i.name === 'br0')
    assert.equal(br0?.state, 'up')
    assert.deepEqual(br0?.ipv4?.addresses, [{ ip: '192.0.2.1', prefixLength: 24 }])
    assert.equal(after.interfaces.find((i) => i.name === 'eth0')?.controller, 'br0')
    assert.equal(after.interfaces.find((i) => i.name === 'eth3')?.mtu, 1400)
    const e = h.store.journal.require(r.transactionId)
    assert.equal(e.status, 'committed')
    assert.equal(e.target, 'netns:engine-test')
    assert.equal(e.owner, undefined)
    assert.equal(e.progress, r.ops.length)
    const txn = decodeHostTxn(e)
    assert.deepEqual(txn.snapshot, before)
    assert.deepEqual(txn.ops, r.ops)
    assert.ok(txn.touched.includes('br0') && txn.touched.includes('eth0') && txn.touched.includes('eth3'))
    assert.deepEqual(e.desired, bridgeDoc())
    // applying the same document again changes nothing
    const again = await applyState({ ...h.deps, target: TARGET, desired: bridgeDoc() })
    assert.equal(again.status, 'unchanged')
    assert.equal(h.backend.applied.length, 1)
    assert.equal(again.transactionId, NO_TRANSACTION)
    assert.equal(h.store.journal.list().length, 1, 'a no-op writes nothing to the journal')
  } finally {
    h.close()
  }
})

test('bad input is refused before the kernel is touched, naming interface and field', async () => {
  const h = harness()
  try {
    const desired = { interfaces: [{ name: 'eth2.10', type: 'vlan' as const, state: 'up' as const, vlan: { baseIface: 'nosuch0', id: 10 } }] }
    await assert.rejects(applyState({ ...h.deps, target: TARGET, desired }), (e: unknown) => {
      assert.ok(e instanceof ValidationError, String(e))
      assert.match(e.message, /eth2\.10/)
      assert.match(e.message, /nosuch0|base/)
      return true
    })
    assert.equal(h.backend.applied.length, 0)
    const [e] = h.store.journal.list()
    assert.equal(e?.status, 'failed')
    assert.equal((e?.error as { kind: string }).kind, 'invalid-argument')
    assert.equal(h.store.journal.listOpen().length, 0)
  } finally {
    h.close()
  }
})

test('a failure injected at op k, for every k, leaves the state as before and reports the original error', async () => {
  const probe = harness()
  const total = (await applyState({ ...probe.deps, target: TARGET, desired: bridgeDoc() })).ops.length
  probe.close()
  assert.ok(total >= 5)
  for (let k = 0; k < total; k++) {
    const h = harness({ failOp: failAt(k, { message: `boom at ${k}` }) })
    try {
      const before = h.backend.stateOf(TARGET)
      await assert.rejects(applyState({ ...h.deps, target: TARGET, desired: bridgeDoc() }), (e: unknown) => {
        assert.ok(e instanceof ApplyError, `k=${k}: ${String(e)}`)
        assert.match(e.message, new RegExp(`boom at ${k}`))
        assert.equal(e.appliedCount, k)
        return true
      })
      assert.deepEqual(h.backend.stateOf(TARGET), before, `k=${k}: state differs after rollback`)
      const [e] = h.store.journal.list()
      assert.equal(e?.status, 'rolled-back', `k=${k}`)
      assert.equal(e?.progress, k)
      assert.match(JSON.stringify(e?.error), new RegExp(`boom at ${k}`))
      assert.equal(h.backend.applied.length, k === 0 ? 1 : 2, `k=${k}: a rollback apply only when something was applied`)
    } finally {
      h.close()
    }
  }
})

test('removed interfaces are recreated with their addresses and memberships when a later op fails', async () => {
  const teardown = {
    interfaces: [
      { name: 'br0', type: 'linux-bridge' as const, state: 'absent' as const },
      { name: 'eth2.10', type: 'vlan' as const, state: 'absent' as const },
      { name: 'eth3', type: 'ethernet' as const, mtu: 1500, ipv4: { enabled: true, addresses: [{ ip: '203.0.113.3', prefixLength: 24 }] } },
    ],
  }
  const setup = harness()
  await applyState({ ...setup.deps, target: TARGET, desired: bridgeDoc() })
  const built = setup.backend.stateOf(TARGET)
  const total = (await applyState({ ...setup.deps, target: TARGET, desired: teardown })).ops.length
  setup.close()
  assert.ok(total >= 3)
  for (let k = 1; k < total; k++) {
    const h = harness({ failOp: failAt(k) }, built)
    try {
      await assert.rejects(applyState({ ...h.deps, target: TARGET, desired: teardown }), /injected failure/)
      const after = h.backend.stateOf(TARGET)
      assert.deepEqual(after, built, `k=${k}`)
      assert.equal(after.interfaces.find((i) => i.name === 'eth1')?.controller, 'br0')
    } finally {
      h.close()
    }
  }
})

test('a verification mismatch rolls back and reports a VerificationError naming interface and field', async () => {
  // Report eth3's MTU wrong until the rollback apply has run.
  let applies = 0
  const h = harness({
    onQuery: (s) => (applies !== 1 ? s : { ...s, interfaces: s.interfaces.map((i) => (i.name === 'eth3' ? { ...i, mtu: 1280 } : i)) }),
  })
  const apply = h.backend.apply.bind(h.backend)
  h.backend.apply = async (t, ops) => {
    applies++
    return apply(t, ops)
  }
  try {
    const before = h.backend.stateOf(TARGET)
    await assert.rejects(applyState({ ...h.deps, target: TARGET, desired: bridgeDoc() }), (e: unknown) => {
      assert.ok(e instanceof VerificationError, String(e))
      assert.match(e.message, /eth3/)
      assert.match(e.message, /mtu/)
      return true
    })
    assert.deepEqual(h.backend.stateOf(TARGET), before)
    assert.equal(h.store.journal.list()[0]?.status, 'rolled-back')
    assert.ok(h.backend.queryCount >= 4, 'verification retried')
  } finally {
    h.close()
  }
})

test('--no-verify skips verification (a mismatch is not rolled back)', async () => {
  const h = harness({ onQuery: (s, { call }) => (call === 1 ? s : { ...s, interfaces: [] }) })
  try {
    const r = await applyState({ ...h.deps, target: TARGET, desired: bridgeDoc(), noVerify: true })
    assert.equal(r.status, 'committed')
    assert.equal(r.verifyAttempts, 0)
    assert.ok(ifaceNames(h.backend.stateOf(TARGET)).includes('br0'))
  } finally {
    h.close()
  }
})

test('a failing rollback gives a RollbackError keeping the original error as cause; the journal says failed', async () => {
  const h = harness({
    failOp: (ctx) =>
      ctx.call === 1 && ctx.index === 3
        ? new HostnetError('backend-failure', 'forward failure')
        : ctx.call === 2 && ctx.index === 0
          ? new HostnetError('backend-failure', 'rollback failure')
          : undefined,
  })
  try {
    await assert.rejects(applyState({ ...h.deps, target: TARGET, desired: bridgeDoc() }), (e: unknown) => {
      assert.ok(e instanceof RollbackError, String(e))
      assert.ok(e.cause instanceof ApplyError)
      assert.match((e.cause as Error).message, /forward failure/)
      assert.match(e.message, /forward failure.*rollback failure/)
      return true
    })
    const [e] = h.store.journal.list()
    assert.equal(e?.status, 'failed')
    assert.equal((e?.error as { name: string }).name, 'RollbackError')
    assert.equal(h.store.journal.listOpen().length, 0, 'the target is not left locked')
  } finally {
    h.close()
  }
})

test('a desired state equal to the current one is a no-op that touches nothing', async () => {
  const h = harness()
  try {
    const r = await applyState({ ...h.deps, target: TARGET, desired: { interfaces: [{ name: 'eth0', type: 'ethernet', state: 'up' }] } })
    assert.equal(r.status, 'unchanged')
    assert.deepEqual(r.ops, [])
    assert.equal(h.backend.applied.length, 0)
    assert.deepEqual(h.backend.stateOf(TARGET), fourNics())
  } finally {
    h.close()
  }
})

test('confirm-within must be a positive number of seconds', async () => {
  const h = harness()
  try {
    for (const bad of [0, -1, Number.NaN, 1e9]) {
      await assert.rejects(applyState({ ...h.deps, target: TARGET, desired: bridgeDoc(), confirmWithinSec: bad }), (e: unknown) => e instanceof ValidationError)
    }
    assert.equal(h.store.journal.list().length, 0)
  } finally {
    h.close()
  }
})
