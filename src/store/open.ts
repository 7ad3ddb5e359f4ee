/**
 * Opening the store: `<stateDir>/hostnet.db`, WAL mode, a busy timeout, schema migrations.
 * @module
 */
import Database from 'better-sqlite3'
import { existsSync } from 'node:fs'
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
import { migrate } from './migrations.js'
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
  readonly journal: Journal
  readonly ifaceDefs: IfaceDefinitions
  readonly daemons: DaemonLocks
  /** API bearer tokens (hashes). */
  readonly tokens: ApiTokens
  /** The change record: every repository appends to it in the transaction of the change. */
  readonly changes: ChangeLog
  /** The Kimchi facade's templates and the host bridges it made. */
  readonly kimchi: KimchiStore
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

export function openStore(stateDir: string, opts: StoreOptions = {}): Store {
  ensureStateDir(stateDir)
  const path = join(stateDir, STORE_FILE_NAME)
  let db: Database.Database
  try {
    const addon = nativeBinding()
    db = new Database(path, { timeout: STORE_BUSY_TIMEOUT_MS, ...(addon === undefined ? {} : { nativeBinding: addon }) })
  } catch (e) {
    throw new HostnetError('backend-failure', `cannot open store '${path}': ${(e as Error).message}`, { cause: e })
  }
  try {
    db.pragma('journal_mode = WAL')
    // WAL + NORMAL survives a killed process (the failure hostnet must handle); only power loss may drop the
    // last commits, and power loss also resets the kernel state the journal describes.
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
    migrate(db)
  } catch (e) {
    db.close()
    throw e instanceof HostnetError ? e : new HostnetError('backend-failure', `cannot prepare store '${path}': ${(e as Error).message}`, { cause: e })
  }
  const nowMs = opts.nowMs ?? Date.now
  const changes = new ChangeLog(db, nowMs)
  const actor = opts.actor ?? cliActor(currentUserName())
  return {
    stateDir,
    path,
    db,
    journal: new Journal(db, nowMs, changes),
    ifaceDefs: new IfaceDefinitions(db, nowMs, changes, actor),
    daemons: new DaemonLocks(db, nowMs),
    tokens: new ApiTokens(db, nowMs),
    changes,
    kimchi: new KimchiStore(db, nowMs, changes),
    actor,
    nowMs,
    close: () => db.close(),
  }
}
