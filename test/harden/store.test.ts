/**
 * Issue 16, defect 7: a damaged store is refused, never forgotten and never written on. A 0-byte `hostnet.db`
 * (it was a fresh store, everything forgotten), a truncated one, a foreign file and mid-file corruption (a raw
 * SQLite stack trace on `apply` while other commands went on writing) all give one line naming the store, what is
 * wrong and how to recover, the same for read and write commands, and the file stays as it was. The last good copy
 * (`hostnet.db.bak`) is written on the first open, before a migration and once a day, and restoring it as the
 * message says brings the store back.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { copyFileSync, mkdirSync, readFileSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { HostnetError } from '../../src/errors.js'
import { problemOf } from '../../src/api/problem.js'
import { openStore } from '../../src/store/index.js'
import { BACKUP_INTERVAL_MS, storeErrorOf } from '../../src/store/integrity.js'
import { migrate, MIGRATIONS } from '../../src/store/migrations.js'
import { runCli, tempDir } from '../engine/cli-helpers.js'

const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex')

/** A store with enough change records to span many pages; returns its path. */
function filledStore(dir: string): string {
  const store = openStore(dir)
  const detail = { note: 'x'.repeat(600) }
  store.db.transaction(() => {
    for (let i = 0; i < 400; i++) store.changes.append({ target: 'host', kind: 'network.defined', object: `n${i}`, actor: 'cli:root', detail })
  })()
  store.close()
  return store.path
}

/** Every command refuses the store with the one-line message, whatever it does; the file is not touched. */
async function refused(dir: string, problem: RegExp): Promise<void> {
  const path = join(dir, 'hostnet.db')
  const before = sha(path)
  const xml = join(dir, 'n.xml')
  writeFileSync(xml, `<network><name>n</name><forward mode='nat'/><ip address='10.47.0.1' prefix='24'/></network>`)
  for (const args of [['net-list'], ['history'], ['net-define', '--netns', 'hostnet-store-test', xml]]) {
    const r = await runCli([...args, '--state-dir', dir])
    assert.equal(r.code, 1, `${args[0]}: ${r.stderr}`)
    assert.match(r.stderr, new RegExp(`^error: store '${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}' is damaged: `))
    assert.match(r.stderr, problem)
    assert.match(r.stderr, /nothing was changed\. To recover: .*hostnet\.db\.bak/)
    assert.equal(r.stderr.split('\n').length, 2, `one line, no stack trace: ${r.stderr}`)
  }
  assert.equal(sha(path), before, 'the damaged store is left as it was')
}

test('an empty, truncated or foreign store file is refused by every command, never taken as a fresh store', async () => {
  const d = tempDir('hostnet-store-')
  try {
    const empty = join(d.path, 'empty')
    mkdirSync(empty)
    writeFileSync(join(empty, 'hostnet.db'), '')
    await refused(empty, /the file is empty \(0 bytes\)/)
    assert.equal(statSync(join(empty, 'hostnet.db')).size, 0)

    const truncated = join(d.path, 'truncated')
    const path = filledStore(truncated)
    truncateSync(path, Math.floor(statSync(path).size / 2 / 4096) * 4096)
    await refused(truncated, /the file is truncated/)

    const foreign = join(d.path, 'foreign')
    mkdirSync(foreign)
    writeFileSync(join(foreign, 'hostnet.db'), 'networks:\n  - default\n'.repeat(20))
    await refused(foreign, /not an SQLite database/)
  } finally {
    d.remove()
  }
})

test('mid-file corruption is found at open (quick_check) by read and write commands alike; the backup restores', async () => {
  const d = tempDir('hostnet-store-')
  try {
    const path = filledStore(d.path)
    assert.ok(statSync(`${path}.bak`).size > 0, 'the first open wrote the last good copy')
    // the copy is taken now, with the records in it
    utimesSync(`${path}.bak`, new Date(0), new Date(0))
    const store = openStore(d.path)
    const count = (store.db.prepare('SELECT COUNT(*) AS n FROM changes').get() as { n: number }).n
    store.close()
    assert.ok(statSync(`${path}.bak`).mtimeMs > Date.now() - BACKUP_INTERVAL_MS, 'an old copy is replaced at the next open')

    // a page in the middle of the file overwritten (a disk error, a stray write)
    const bytes = readFileSync(path)
    const page = 4096
    const middle = Math.floor(bytes.length / page / 2) * page
    bytes.fill(0x5a, middle, middle + page)
    writeFileSync(path, bytes)
    await refused(d.path, /quick_check/)

    // restore as the message says: the records are back
    copyFileSync(`${path}.bak`, path)
    const r = await runCli(['history', '--state-dir', d.path, '--limit', '1000', '--json'])
    assert.equal(r.code, 0, r.stderr)
    const restored = openStore(d.path)
    assert.equal((restored.db.prepare('SELECT COUNT(*) AS n FROM changes').get() as { n: number }).n, count)
    restored.close()
  } finally {
    d.remove()
  }
})

test('a store of an older schema is copied before the migration changes it', () => {
  const d = tempDir('hostnet-store-')
  try {
    // the store as the previous release left it: every migration but the last applied
    const last = MIGRATIONS.reduce((m, x) => (x.version > m.version ? x : m))
    const path = join(d.path, 'hostnet.db')
    const db = new Database(path)
    db.pragma('journal_mode = WAL')
    migrate(db, MIGRATIONS.filter((m) => m.version < last.version))
    db.close()
    const reopened = openStore(d.path)
    reopened.close()
    const copy = new Database(`${path}.bak`, { readonly: true })
    const version = (copy.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number }).v
    copy.close()
    assert.equal(version, last.version - 1, 'the copy has the schema from before the migration')
  } finally {
    d.remove()
  }
})

test("SQLite's malformed-database errors after the open become the store's error, in the CLI and the API", () => {
  const e = Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' })
  const err = storeErrorOf(e, '/var/lib/hostnet/hostnet.db')
  assert.ok(err instanceof HostnetError)
  assert.equal(err.kind, 'backend-failure')
  assert.match(err.message, /^store '\/var\/lib\/hostnet\/hostnet\.db' is damaged: database disk image is malformed \(SQLITE_CORRUPT\); nothing was changed/)
  assert.equal(storeErrorOf(Object.assign(new Error('x'), { code: 'SQLITE_BUSY' }), undefined), undefined)
  const problem = problemOf(Object.assign(new Error('file is not a database'), { code: 'SQLITE_NOTADB' }))
  assert.equal(problem.kind, 'backend-failure')
  assert.match(problem.detail, /is damaged: file is not a database/)
})
