import { test } from 'node:test'
import assert from 'node:assert/strict'
import Database from 'better-sqlite3'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_STATE_DIR, resolveStateDir } from './state-dir.js'
import { MIGRATIONS, migrate, schemaVersion } from './migrations.js'
import { openStore, type Store } from './open.js'
import { currentProcess as currentOwner, processRunning as ownerAlive } from '../sys/process.js'
import { DaemonLocks } from './daemon-lock.js'

function withStore(fn: (s: Store, dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'hostnet-store-'))
  let t = 1_000
  const s = openStore(join(dir, 'state'), { nowMs: () => (t += 10) })
  try {
    fn(s, dir)
  } finally {
    s.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

const DEAD = { pid: 2 ** 22 + 12345, startTicks: '1' }

test('state dir: --state-dir beats HOSTNET_STATE_DIR beats the default', () => {
  assert.equal(resolveStateDir({ flag: '/a', env: { HOSTNET_STATE_DIR: '/b' } }), '/a')
  assert.equal(resolveStateDir({ env: { HOSTNET_STATE_DIR: '/b' } }), '/b')
  assert.equal(resolveStateDir({ flag: '', env: { HOSTNET_STATE_DIR: '' } }), DEFAULT_STATE_DIR)
  assert.equal(resolveStateDir({ env: {} }), '/var/lib/hostnet')
})

test('openStore creates the directory and file, uses WAL and records migrations once', () => {
  withStore((s) => {
    assert.ok(statSync(s.path).isFile())
    assert.equal(statSync(s.stateDir).mode & 0o777, 0o700)
    assert.equal(s.db.pragma('journal_mode', { simple: true }), 'wal')
    assert.equal(schemaVersion(s.db), MIGRATIONS.length)
    assert.equal(migrate(s.db), MIGRATIONS.length)
    const n = s.db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as { n: number }
    assert.equal(n.n, MIGRATIONS.length)
  })
})

test('migrations: later versions add tables; a newer database is refused', () => {
  const db = new Database(':memory:')
  try {
    const extra = [...MIGRATIONS, { version: 99, name: 'ports', sql: 'CREATE TABLE ports (id INTEGER PRIMARY KEY)' }]
    assert.equal(migrate(db, extra), 99)
    assert.doesNotThrow(() => db.prepare('SELECT * FROM ports').all())
    assert.throws(() => migrate(db), (e: Error & { kind?: string }) => e.kind === 'not-supported' && /newer/.test(e.message))
  } finally {
    db.close()
  }
})

test('journal: begin opens one transaction per target; the second sees the open one', () => {
  withStore((s) => {
    const me = currentOwner()
    const a = s.journal.begin({ target: 'netns:a', kind: 'host-state', owner: me, desired: { interfaces: [] } })
    assert.ok(a.ok)
    const again = s.journal.begin({ target: 'netns:a', kind: 'host-state', owner: me, desired: {} })
    assert.equal(again.ok, false)
    if (!again.ok) assert.equal(again.open.id, a.entry.id)
    const other = s.journal.begin({ target: 'netns:b', kind: 'host-state', owner: me, desired: {} })
    assert.ok(other.ok)
    // the unique index holds even if someone bypasses begin()
    assert.throws(() => s.db.prepare("INSERT INTO transactions (target, kind, status, created_ms, updated_ms) VALUES ('netns:a', 'x', 'pending-confirm', 0, 0)").run(), /UNIQUE/)
    assert.throws(() => s.db.prepare("UPDATE transactions SET status = 'bogus' WHERE id = ?").run(a.entry.id), /CHECK/)
  })
})

test('journal: plan, progress and compare-and-set transitions', () => {
  withStore((s) => {
    const me = currentOwner()
    const r = s.journal.begin({ target: 'host', kind: 'host-state', owner: me, desired: { interfaces: [{ name: 'x' }] } })
    assert.ok(r.ok)
    if (!r.ok) return
    const id = r.entry.id
    s.journal.recordPlan(id, { snapshot: { interfaces: [] }, ops: [{ kind: 'link.delete', names: ['x'] }], expected: { interfaces: [] }, touched: ['x'] })
    s.journal.recordProgress(id, 1)
    assert.equal(s.journal.transition(id, { from: ['pending-confirm'], to: 'committed' }), false)
    assert.equal(s.journal.transition(id, { from: ['applying'], to: 'rolling-back', expectOwner: DEAD, owner: DEAD }), false)
    assert.ok(s.journal.transition(id, { from: ['applying'], to: 'pending-confirm', owner: null, confirmDeadlineMs: 5000 }))
    const e = s.journal.require(id)
    assert.equal(e.status, 'pending-confirm')
    assert.equal(e.owner, undefined)
    assert.equal(e.confirmDeadlineMs, 5000)
    assert.deepEqual(e.touched, ['x'])
    assert.deepEqual(e.ops, [{ kind: 'link.delete', names: ['x'] }])
    assert.deepEqual(e.desired, { interfaces: [{ name: 'x' }] })
    assert.equal(e.progress, 1)
    assert.ok(e.updatedMs > e.createdMs)
    assert.equal(s.journal.listOpen().length, 1)
    assert.ok(s.journal.transition(id, { from: ['pending-confirm'], to: 'committed', confirmDeadlineMs: null, error: { m: 1 } }))
    assert.equal(s.journal.require(id).confirmDeadlineMs, undefined)
    assert.deepEqual(s.journal.require(id).error, { m: 1 })
    assert.equal(s.journal.listOpen().length, 0)
    assert.equal(s.journal.list({ target: 'host' })[0]?.id, id)
    assert.throws(() => s.journal.require(999), (e: Error & { kind?: string }) => e.kind === 'not-found')
  })
})

test('interface definitions: define, redefine, created links, undefine', () => {
  withStore((s) => {
    s.ifaceDefs.put('netns:a', 'br0', '<interface type="bridge" name="br0"/>')
    s.ifaceDefs.setCreatedLinks('netns:a', 'br0', ['br0'])
    s.ifaceDefs.put('netns:a', 'br0', '<interface type="bridge" name="br0"><mtu size="1400"/></interface>')
    const d = s.ifaceDefs.get('netns:a', 'br0')
    assert.match(d?.xml ?? '', /1400/)
    assert.deepEqual(d?.createdLinks, ['br0'])
    assert.equal(s.ifaceDefs.get('netns:b', 'br0'), undefined)
    assert.deepEqual(s.ifaceDefs.list('netns:a').map((x) => x.name), ['br0'])
    assert.throws(() => s.ifaceDefs.setCreatedLinks('netns:a', 'nope', []), /not defined/)
    assert.equal(s.ifaceDefs.delete('netns:a', 'br0'), true)
    assert.equal(s.ifaceDefs.delete('netns:a', 'br0'), false)
  })
})

test('owner liveness: this process is alive, an unknown pid or another start time is not', () => {
  const me = currentOwner()
  assert.ok(me.startTicks !== '')
  assert.ok(ownerAlive(me))
  assert.equal(ownerAlive({ pid: me.pid, startTicks: '0' }), false)
  assert.equal(ownerAlive(DEAD), false)
  assert.equal(ownerAlive({ pid: 0, startTicks: '' }), false)
})

test('daemon lock: claimed by one living process; stale holders are replaced; release can be conditional', () => {
  withStore((s) => {
    const me = currentOwner()
    const other = { pid: 4242, startTicks: 'x' }
    const alive = new Set([`${other.pid}/${other.startTicks}`, `${me.pid}/${me.startTicks}`])
    const locks = new DaemonLocks(s.db, s.nowMs, (o) => alive.has(`${o.pid}/${o.startTicks}`))
    assert.ok(locks.claim('timer', other))
    assert.equal(locks.claim('timer', me), false)
    assert.equal(locks.holder('timer')?.pid, 4242)
    alive.delete(`${other.pid}/${other.startTicks}`)
    assert.equal(locks.holder('timer'), undefined)
    assert.ok(locks.claim('timer', me))
    assert.equal(locks.release('timer', me, { stillNeeded: () => true }), false)
    assert.equal(locks.holder('timer')?.pid, me.pid)
    assert.equal(locks.release('timer', me), true)
    assert.equal(locks.holder('timer'), undefined)
  })
})
