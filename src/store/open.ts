/**
 * Opening the store: `<stateDir>/hostnet.db`, WAL mode, a busy timeout, its integrity checked (integrity.ts),
 * schema migrations (the last good copy written first).
 * A state directory that cannot be written (a read-only mount, no write permission) gives a read-only store: read
 * commands work, a write fails before changing anything with the `permission` error (exit 7). SQLite cannot open a
 * WAL-mode file read-only when it cannot create the `-shm` file next to it, so the read-only store is an in-memory
 * copy of the file (whose header is switched to the rollback journal there); when a `-wal` with commits not yet
 * copied into the file exists (a killed writer), SQLite's own read-only open is used, which reads it.
 * @module
 */
import Database from 'better-sqlite3'
import { accessSync, constants, existsSync, linkSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { HostnetError } from '../errors.js'
import { currentUserName } from '../sys/process.js'
import { cliActor, type Actor } from './change-kinds.js'
import { ChangeLog } from './changes.js'
import { DaemonLocks } from './daemon-lock.js'
import { IfaceDefinitions } from './iface-defs.js'
import { Journal } from './journal.js'
import { ApiTokens } from './tokens.js'
import { KimchiStore } from './kimchi.js'
import { backupDue, backupStore, checkStoreFile, quickCheck, storeErrorOf } from './integrity.js'
import { migrate, MIGRATIONS, schemaVersion } from './migrations.js'
import { SavedStates } from './saved-states.js'
import { ensureStateDir, STORE_FILE_NAME } from './state-dir.js'

/** How long a writer waits for another process's write transaction before giving up. */
export const STORE_BUSY_TIMEOUT_MS = 10_000

export interface StoreOptions {
  /** Clock for timestamps (tests). */
  nowMs?: () => number
  /**
   * Who makes the changes of calls that do not name their actor (the composition root's: `cli:<unix user>` by
   * default; a long-lived API server passes each request's actor per call instead).
   */
  actor?: Actor
}

export interface Store {
  readonly stateDir: string
  readonly path: string
  readonly db: Database.Database
  /** The state directory cannot be written: every write fails with the `permission` error (exit 7). */
  readonly readOnly: boolean
  readonly journal: Journal
  readonly ifaceDefs: IfaceDefinitions
  readonly daemons: DaemonLocks
  /** API bearer tokens (hashes). */
  readonly tokens: ApiTokens
  /** The change record: every repository appends to it in the transaction of the change. */
  readonly changes: ChangeLog
  /** The Kimchi facade's templates and the host bridges it made. */
  readonly kimchi: KimchiStore
  /** Each target's saved desired state (what boot and restore --saved apply). */
  readonly saved: SavedStates
  /** The actor of calls that do not name one. */
  readonly actor: Actor
  readonly nowMs: () => number
  close(): void
}

let addonPath: string | null | undefined

/**
 * better-sqlite3's compiled addon where `npm ci` builds it, handed to it directly: its own lookup (the `bindings`
 * package) derives paths from a stack trace and tries a dozen of them on every process start. Undefined (its own
 * lookup) when the addon is not there.
 */
function nativeBinding(): string | undefined {
  if (addonPath === undefined) {
    const pkg = createRequire(import.meta.url).resolve('better-sqlite3/package.json')
    const path = join(dirname(pkg), 'build', 'Release', 'better_sqlite3.node')
    addonPath = existsSync(path) ? path : null
  }
  return addonPath ?? undefined
}

function openDatabase(path: string): Database.Database {
  try {
    const addon = nativeBinding()
    return new Database(path, { timeout: STORE_BUSY_TIMEOUT_MS, ...(addon === undefined ? {} : { nativeBinding: addon }) })
  } catch (e) {
    throw storeErrorOf(e, path) ?? new HostnetError('backend-failure', `cannot open store '${path}': ${(e as Error).message}`, { cause: e })
  }
}

/** Whether `dir` can be written (not on a read-only mount, write permission). */
function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK)
    return true
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return false
    throw new HostnetError('backend-failure', `cannot access state directory '${dir}': ${(e as Error).message}`, { cause: e })
  }
}

/** SQLite file header offsets of the write and read format versions (2: WAL, 1: rollback journal). */
const HEADER_WRITE_VERSION = 18
const HEADER_READ_VERSION = 19

/** The store of a state directory that cannot be written, opened read-only (see the module's note). */
function openReadOnly(path: string): Database.Database {
  const addon = nativeBinding()
  const native = addon === undefined ? {} : { nativeBinding: addon }
  let walBytes = 0
  try {
    walBytes = statSync(`${path}-wal`).size
  } catch {
    // no -wal: every commit is in the file
  }
  try {
    if (walBytes > 0) return new Database(path, { readonly: true, fileMustExist: true, timeout: STORE_BUSY_TIMEOUT_MS, ...native })
    const image = readFileSync(path)
    image[HEADER_WRITE_VERSION] = 1
    image[HEADER_READ_VERSION] = 1
    return new Database(image, { readonly: true, ...native })
  } catch (e) {
    const err = storeErrorOf(e, path)
    if (err !== undefined && err.kind !== 'permission') throw err
    throw new HostnetError(
      'permission',
      `cannot open store '${path}' read-only: ${(e as Error).message}` +
        (walBytes > 0 ? ` (its write-ahead log '${path}-wal' holds commits and '${path}-shm' cannot be made in the read-only state directory)` : ''),
      { details: { store: path }, cause: e },
    )
  }
}

/** A read-only store must have this build's schema: it cannot be migrated. */
function checkSchemaReadOnly(db: Database.Database, path: string): void {
  const latest = MIGRATIONS.reduce((m, x) => Math.max(m, x.version), 0)
  const current = schemaVersion(db)
  if (current > latest) throw new HostnetError('not-supported', `store schema version ${current} is newer than this hostnet supports (${latest})`)
  if (current < latest) {
    throw new HostnetError('permission', `store '${path}' has schema version ${current} and needs migrating to ${latest}, but its state directory is read-only; nothing was changed`, {
      details: { store: path },
    })
  }
}

function prepare(db: Database.Database): void {
  db.pragma('journal_mode = WAL')
  // WAL + NORMAL survives a killed process (the failure hostnet must handle); only power loss may drop the
  // last commits, and power loss also resets the kernel state the journal describes.
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = ON')
}

/**
 * A new store, made under a temporary name with its whole schema and linked into place: `hostnet.db` exists only
 * complete (an empty one is a damaged store, never a new one). Another process creating it at the same time wins
 * the link; this one's copy goes.
 */
function createStore(path: string): void {
  const tmp = `${path}.new.${process.pid}`
  rmSync(tmp, { force: true })
  const db = openDatabase(tmp)
  try {
    prepare(db)
    migrate(db)
  } finally {
    db.close()
  }
  try {
    linkSync(tmp, path)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new HostnetError('backend-failure', `cannot create store '${path}': ${(e as Error).message}`, { cause: e })
  } finally {
    rmSync(tmp, { force: true })
  }
}

/** Whether the schema is older than this build's (a store made before a hostnet upgrade). */
function migrationPending(db: Database.Database): boolean {
  const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined
  if (!has) return false
  const latest = MIGRATIONS.reduce((m, x) => Math.max(m, x.version), 0)
  const current = schemaVersion(db)
  return current > 0 && current < latest
}

export function openStore(stateDir: string, opts: StoreOptions = {}): Store {
  ensureStateDir(stateDir)
  const path = join(stateDir, STORE_FILE_NAME)
  const readOnly = !writable(stateDir)
  try {
    if (!checkStoreFile(path)) {
      if (readOnly) throw new HostnetError('permission', `there is no store '${path}' and the state directory is read-only: it cannot be made`, { details: { store: path } })
      createStore(path)
    }
  } catch (e) {
    throw e instanceof HostnetError ? e : new HostnetError('backend-failure', `cannot open store '${path}': ${(e as Error).message}`, { cause: e })
  }
  const db = readOnly ? openReadOnly(path) : openDatabase(path)
  try {
    if (readOnly) {
      db.pragma('foreign_keys = ON')
      quickCheck(db, path)
      checkSchemaReadOnly(db, path)
    } else {
      prepare(db)
      quickCheck(db, path)
      if (migrationPending(db)) backupStore(db, path)
      migrate(db)
    }
  } catch (e) {
    db.close()
    throw e instanceof HostnetError ? e : (storeErrorOf(e, path) ?? new HostnetError('backend-failure', `cannot prepare store '${path}': ${(e as Error).message}`, { cause: e }))
  }
  // no copy from a read-only state directory: there is nowhere to write it
  if (!readOnly && backupDue(path, Date.now())) {
    try {
      backupStore(db, path)
    } catch {
      // a read-only state directory or a full disk: the store itself is fine, the copy is retried at the next open
    }
  }
  const nowMs = opts.nowMs ?? Date.now
  const changes = new ChangeLog(db, nowMs)
  const actor = opts.actor ?? cliActor(currentUserName())
  return {
    stateDir,
    path,
    db,
    readOnly,
    journal: new Journal(db, nowMs, changes),
    ifaceDefs: new IfaceDefinitions(db, nowMs, changes, actor),
    daemons: new DaemonLocks(db, nowMs),
    tokens: new ApiTokens(db, nowMs),
    changes,
    kimchi: new KimchiStore(db, nowMs, changes),
    saved: new SavedStates(db, nowMs),
    actor,
    nowMs,
    close: () => db.close(),
  }
}
