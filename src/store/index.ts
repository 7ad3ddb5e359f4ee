/** The store: SQLite-backed journal, interface definitions and daemon locks. */
export { openStore, STORE_BUSY_TIMEOUT_MS, type Store, type StoreOptions } from './open.js'
export { Journal, OPEN_STATUSES, TXN_STATUSES, type BeginResult, type JournalEntry, type TransitionRequest, type TxnStatus } from './journal.js'
export { IfaceDefinitions, type IfaceDefinition } from './iface-defs.js'
export { DaemonLocks, type DaemonHolder } from './daemon-lock.js'
export { currentOwner, ownerAlive, sameOwner, type ProcessOwner } from './owner.js'
export { DEFAULT_STATE_DIR, STATE_DIR_ENV, STORE_FILE_NAME, ensureStateDir, resolveStateDir, type StateDirSources } from './state-dir.js'
export { MIGRATIONS, migrate, schemaVersion, type Migration } from './migrations.js'
export { ApiTokens, TOKEN_ROLES, type ApiToken, type TokenRole } from './tokens.js'
