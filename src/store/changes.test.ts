import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openStore, type Store } from './open.js'
import { boundedDetail, DETAIL_MAX_CHARS, PRUNE_EVERY } from './changes.js'
import { apiActor, checkActor, cliActor, expandChangeKinds } from './change-kinds.js'
import { NetworkStore } from './networks.js'
import { PortStore } from './ports.js'
import { atomically } from './sql.js'

function withStore(fn: (s: Store, clock: { t: number }) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'hostnet-changes-'))
  const clock = { t: 1_000_000 }
  const s = openStore(join(dir, 'state'), { nowMs: () => clock.t, actor: 'cli:tester' })
  try {
    fn(s, clock)
  } finally {
    s.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

const base = { target: 'netns:a', object: 'default', actor: 'cli:tester' } as const

test('change record: append, list after an id with filters, newest N, last and oldest id', () => {
  withStore((s) => {
    assert.equal(s.changes.lastId(), 0)
    assert.equal(s.changes.oldestId(), 1)
    const a = s.changes.append({ ...base, kind: 'network.defined' })
    const b = s.changes.append({ ...base, kind: 'network.started', detail: { bridge: 'virbr0' } })
    const c = s.changes.append({ ...base, target: 'host', kind: 'txn.applied', object: '7' })
    const d = s.changes.append({ ...base, kind: 'port.created', object: 'u1', outcome: 'failed', actor: apiActor('alice') })
    assert.deepEqual([a, b, c, d], [1, 2, 3, 4])
    assert.equal(s.changes.lastId(), 4)
    assert.deepEqual(s.changes.list({ afterId: 1 }).map((r) => r.id), [2, 3, 4])
    assert.deepEqual(s.changes.list({ afterId: 0, target: 'netns:a' }).map((r) => r.id), [1, 2, 4])
    assert.deepEqual(s.changes.list({ afterId: 0, kinds: ['network.started', 'txn.applied'] }).map((r) => r.id), [2, 3])
    assert.deepEqual(s.changes.list({ afterId: 0, target: 'netns:a', kinds: expandChangeKinds(['network']) }).map((r) => r.id), [1, 2])
    assert.deepEqual(s.changes.list({ afterId: 1, limit: 2 }).map((r) => r.id), [2, 3])
    // without an id: the newest N, oldest first
    assert.deepEqual(s.changes.list({ limit: 2 }).map((r) => r.id), [3, 4])
    assert.deepEqual(s.changes.list({ kinds: [] }), [])
    const rec = s.changes.list({ afterId: 3 })[0]
    assert.deepEqual(rec, { id: 4, timeMs: 1_000_000, target: 'netns:a', kind: 'port.created', object: 'u1', actor: 'api:alice', outcome: 'failed', detail: undefined })
    assert.deepEqual(s.changes.list({ afterId: 1, limit: 1 })[0]?.detail, { bridge: 'virbr0' })
    assert.throws(() => s.changes.list({ limit: 0 }), /invalid limit/)
    assert.throws(() => s.changes.list({ afterId: -1 }), /invalid change id/)
  })
})

test('change record: kinds and actors are closed sets; the table is append-only in ids', () => {
  withStore((s) => {
    assert.throws(() => s.changes.append({ ...base, kind: 'network.exploded' as 'network.started' }), (e: Error & { kind?: string }) => e.kind === 'bug')
    assert.throws(() => s.changes.append({ ...base, kind: 'network.started', actor: 'mallory' }), /invalid actor/)
    assert.throws(() => s.changes.append({ ...base, kind: 'network.started', actor: 'cli:' }), /invalid actor/)
    assert.equal(s.changes.lastId(), 0)
    assert.throws(() => expandChangeKinds(['network', 'bogus']), (e: Error & { kind?: string }) => e.kind === 'invalid-argument' && /bogus/.test(e.message))
    assert.deepEqual(expandChangeKinds(['txn.committed', 'port']), ['txn.committed', 'port.created', 'port.deleted'])
    assert.equal(cliActor('bad user\n'), 'cli:bad_user_')
    assert.equal(checkActor('timer'), 'timer')
    assert.throws(() => checkActor(`api:${'x'.repeat(200)}`), /invalid actor/)
  })
})

test('change record: ids are never reused, even when the newest records were pruned', () => {
  withStore((s) => {
    for (let i = 0; i < 3; i++) s.changes.append({ ...base, kind: 'network.started' })
    s.db.prepare('DELETE FROM changes').run()
    assert.equal(s.changes.append({ ...base, kind: 'network.stopped' }), 4)
    assert.equal(s.changes.oldestId(), 4)
  })
})

test('change record: a detail is kept small', () => {
  const big = { error: { kind: 'backend-failure', message: 'x'.repeat(5000) }, touched: Array.from({ length: 500 }, (_, i) => `eth${i}`) }
  const text = boundedDetail(big)
  assert.ok(text !== null && text.length <= DETAIL_MAX_CHARS)
  const back = JSON.parse(text ?? '{}') as { error: { message: string }; touched: string[] }
  assert.ok(back.error.message.length <= 160)
  assert.equal(back.touched.length, 11)
  const huge = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, 'y'.repeat(200)]))
  assert.ok((boundedDetail(huge) ?? '').length <= DETAIL_MAX_CHARS)
  assert.equal(boundedDetail(undefined), null)
})

test('change record: written in the transaction of the change, so a rolled-back change leaves no record', () => {
  withStore((s) => {
    assert.throws(() =>
      atomically(s.db, () => {
        s.changes.append({ ...base, kind: 'network.defined' })
        throw new Error('the change failed')
      }),
    )
    assert.equal(s.changes.list().length, 0)
  })
})

test('retention: newest N and younger than the age are kept, never one inside the resume window', () => {
  withStore((s, clock) => {
    s.changes.setRetention({ maxRecords: 10, maxAgeSec: 100, resumeWindowSec: 10, hardMaxRecords: 50 })
    // 30 records inside the resume window: all kept whatever the count
    for (let i = 0; i < 30; i++) s.changes.append({ ...base, kind: 'port.created' })
    assert.equal(s.changes.prune(), 0)
    // 20 s later the first 30 are out of the window: only the newest 10 stay
    clock.t += 20_000
    assert.equal(s.changes.prune(), 20)
    assert.deepEqual(s.changes.list({ afterId: 0, limit: 100 }).map((r) => r.id), Array.from({ length: 10 }, (_, i) => 21 + i))
    // 200 s later they are older than the age: all go, and ids go on
    clock.t += 200_000
    s.changes.append({ ...base, kind: 'port.deleted' })
    assert.equal(s.changes.prune(), 10)
    assert.deepEqual(s.changes.list().map((r) => r.id), [31])
    assert.equal(s.changes.oldestId(), 31)
    // the hard cap beats the window
    for (let i = 0; i < 60; i++) s.changes.append({ ...base, kind: 'port.created' })
    s.changes.prune()
    assert.equal(s.changes.list({ afterId: 0, limit: 1000 }).length, 50)
    assert.throws(() => s.changes.setRetention({ maxRecords: 100, hardMaxRecords: 50 }), /hardMaxRecords/)
    assert.throws(() => s.changes.setRetention({ maxAgeSec: 0 }), /maxAgeSec/)
  })
})

test('retention: every PRUNE_EVERY ids the appender prunes', () => {
  withStore((s, clock) => {
    s.changes.setRetention({ maxRecords: 100, maxAgeSec: 1, resumeWindowSec: 0, hardMaxRecords: 100 })
    for (let i = 1; i < PRUNE_EVERY; i++) s.changes.append({ ...base, kind: 'port.created' })
    assert.equal(s.changes.list({ afterId: 0, limit: 10_000 }).length, PRUNE_EVERY - 1)
    clock.t += 500
    s.changes.append({ ...base, kind: 'port.created' })
    assert.equal(s.changes.list({ afterId: 0, limit: 10_000 }).length, 100)
  })
})

test('compare-and-set: one helper for journal, networks and ports; the change is recorded only when it wins', () => {
  withStore((s) => {
    const me = { pid: 1, startTicks: '5' }
    const other = { pid: 2, startTicks: '9' }
    const nets = new NetworkStore(s.db, s.nowMs, s.changes)
    nets.insert({ target: 'netns:a', name: 'n1', uuid: 'u-1', configXml: '<network/>', status: 'inactive' })
    const started = { ...base, object: 'n1', kind: 'network.started' } as const
    assert.equal(nets.transition('netns:a', 'n1', { from: ['active'], to: 'stopping', change: started }), false)
    assert.ok(nets.transition('netns:a', 'n1', { from: ['inactive'], to: 'starting', owner: me, liveXml: '<network/>' }))
    assert.equal(nets.transition('netns:a', 'n1', { from: ['starting'], to: 'active', expectOwner: other, change: started }), false)
    assert.ok(nets.transition('netns:a', 'n1', { from: ['starting'], to: 'active', expectOwner: me, owner: null, change: started }))
    assert.equal(nets.get('netns:a', 'n1')?.owner, undefined)
    assert.deepEqual(s.changes.list().map((r) => r.kind), ['network.started'])

    const ports = new PortStore(s.db, s.nowMs, s.changes)
    ports.insert({ target: 'netns:a', network: 'n1', uuid: 'p1', status: 'plugging', def: {}, owner: me })
    const created = { ...base, object: 'p1', kind: 'port.created' } as const
    assert.equal(ports.transition('netns:a', 'p1', { from: ['plugging'], to: 'plugged', expectOwner: other, change: created }), false)
    assert.ok(ports.transition('netns:a', 'p1', { from: ['plugging'], to: 'plugged', expectOwner: me, owner: null, change: created }))

    const begun = s.journal.begin({ target: 'host', kind: 'host-state', owner: me, desired: {} })
    assert.ok(begun.ok)
    const id = begun.ok ? begun.entry.id : 0
    const applied = { target: 'host', kind: 'txn.applied', object: String(id), actor: 'cli:tester' } as const
    assert.equal(s.journal.transition(id, { from: ['applying'], to: 'committed', expectOwner: other, change: applied }), false)
    assert.ok(s.journal.transition(id, { from: ['applying'], to: 'committed', expectOwner: me, owner: null, change: applied }))
    assert.deepEqual(s.changes.list().map((r) => `${r.kind} ${r.object}`), ['network.started n1', 'port.created p1', `txn.applied ${id}`])
  })
})
