/**
 * Opening the store: `<stateDir>/hostnet.db`, WAL mode, a busy timeout, schema migrations.
 * @module
 */
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { HostnetError } from '../errors.js'
import { DaemonLocks } from './daemon-lock.js'
import { IfaceDefinitions } from './iface-defs.js'
import { Journal } from './journal.js'
import { ApiTokens } from './tokens.js'
import { migrate } from './migrations.js'
import { ensureStateDir, STORE_FILE_NAME } from './state-dir.js'

/** How long a writer waits for another process's write transaction before giving up. */
export const STORE_BUSY_TIMEOUT_MS = 10_000

export interface StoreOptions {
  /** Clock for timestamps (tests). */
  nowMs?: () => number
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
  readonly nowMs: () => number
  close(): void
}

export function openStore(stateDir: string, opts: StoreOptions = {}): Store {
  ensureStateDir(stateDir)
  const path = join(stateDir, STORE_FILE_NAME)
  let db: Database.Database
  try {
    db = new Database(path, { timeout: STORE_BUSY_TIMEOUT_MS })
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
  return {
    stateDir,
    path,
    db,
    journal: new Journal(db, nowMs),
    ifaceDefs: new IfaceDefinitions(db, nowMs),
    daemons: new DaemonLocks(db, nowMs),
    tokens: new ApiTokens(db, nowMs),
    nowMs,
    close: () => db.close(),
  }
}
