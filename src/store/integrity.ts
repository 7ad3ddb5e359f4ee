/**
 * The store's integrity: a store file that is not a sound SQLite database is refused with a clear message and a
 * recovery hint, never taken as a fresh store (a 0-byte file would forget every network, port and transaction)
 * and never written on. Three checks, cheapest first:
 * - before opening: the file's header and size (an empty, truncated or foreign file; microseconds);
 * - after opening: SQLite's `quick_check` (every page read once: about 2 ms per MiB of store);
 * - while running: an SQLite error saying the file is malformed (corruption after the open) becomes the same
 *   error (`storeErrorOf`).
 * The last good copy is `hostnet.db.bak`: written (VACUUM INTO, then renamed) before a migration changes the
 * schema and once a day by whichever process opens a store that passed its check.
 * A new store is made under a temporary name and linked into place once its schema exists, so a crash during
 * its creation leaves no empty `hostnet.db` behind.
 * @module
 */
import type Database from 'better-sqlite3'
import { closeSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs'
import { HostnetError } from '../errors.js'

/** The last good copy, next to the store. */
export const BACKUP_SUFFIX = '.bak'

/** How old the last good copy may get before an open writes a new one. */
export const BACKUP_INTERVAL_MS = 24 * 3600 * 1000

const MAGIC = 'SQLite format 3\0'
const HEADER_BYTES = 100

/** The error of a store that is not sound: what is wrong, and how to get back. */
export function corruptStore(path: string, problem: string, cause?: unknown): HostnetError {
  const hint =
    `stop hostnet serve, keep the file for inspection and restore the last good copy ` +
    `(cp '${path}${BACKUP_SUFFIX}' '${path}', removing '${path}-wal' and '${path}-shm'), ` +
    `or move the file away to start with an empty store`
  return new HostnetError('backend-failure', `store '${path}' is damaged: ${problem}; nothing was changed. To recover: ${hint}`, {
    details: { store: path, backup: `${path}${BACKUP_SUFFIX}` },
    ...(cause === undefined ? {} : { cause }),
  })
}

/**
 * Check the file before SQLite opens it. Returns false when there is no file (a new store), true when it looks
 * like a database; throws when it exists and cannot be one.
 */
export function checkStoreFile(path: string): boolean {
  let size: number
  try {
    size = statSync(path).size
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw e
  }
  if (size === 0) throw corruptStore(path, 'the file is empty (0 bytes), it was truncated')
  const header = Buffer.alloc(HEADER_BYTES)
  const fd = openSync(path, 'r')
  let got: number
  try {
    got = readSync(fd, header, 0, HEADER_BYTES, 0)
  } finally {
    closeSync(fd)
  }
  if (got < HEADER_BYTES || header.toString('latin1', 0, MAGIC.length) !== MAGIC) {
    throw corruptStore(path, `the file is not an SQLite database (${size} bytes without its header)`)
  }
  const rawPageSize = header.readUInt16BE(16)
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize
  // the page count in the header is valid when its version number equals the change counter (SQLite ≥ 3.7.0)
  const pages = header.readUInt32BE(28)
  const valid = header.readUInt32BE(92) === header.readUInt32BE(24)
  if (valid && pageSize >= 512 && size < pages * pageSize) {
    throw corruptStore(path, `the file is truncated (${size} bytes, its header says ${pages} pages of ${pageSize})`)
  }
  return true
}

/** SQLite's own check of every page; throws the store's error when it finds anything. */
export function quickCheck(db: Database.Database, path: string): void {
  let result: unknown
  try {
    result = db.pragma('quick_check(1)', { simple: true })
  } catch (e) {
    throw storeErrorOf(e, path) ?? e
  }
  if (result !== 'ok') throw corruptStore(path, `SQLite's quick_check says: ${String(result).replace(/\s+/g, ' ').slice(0, 200)}`)
}

/** The error of a write to a store opened read-only (its state directory is not writable): exit 7. */
export function readOnlyStore(path: string, cause?: unknown): HostnetError {
  return new HostnetError(
    'permission',
    `store '${path}' is read-only (its state directory cannot be written): this command changes the store, nothing was changed; ` +
      `read commands work, run writing ones where the state directory is writable`,
    { details: { store: path }, ...(cause === undefined ? {} : { cause }) },
  )
}

/**
 * The store's error for an SQLite error that says the file is malformed, or that a read-only store was written
 * to; undefined for any other error.
 */
export function storeErrorOf(e: unknown, path: string | undefined): HostnetError | undefined {
  const code = (e as { code?: unknown } | null)?.code
  if (typeof code !== 'string') return undefined
  if (code.startsWith('SQLITE_READONLY')) return readOnlyStore(path ?? 'hostnet.db', e)
  if (!(code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB')) return undefined
  return corruptStore(path ?? 'hostnet.db', `${(e as Error).message} (${code})`, e)
}

/** Write the last good copy (VACUUM INTO a temporary file, renamed over the old copy). */
export function backupStore(db: Database.Database, path: string): void {
  const tmp = `${path}${BACKUP_SUFFIX}.${process.pid}.tmp`
  rmSync(tmp, { force: true })
  try {
    db.prepare('VACUUM INTO ?').run(tmp)
    renameSync(tmp, `${path}${BACKUP_SUFFIX}`)
  } finally {
    rmSync(tmp, { force: true })
  }
}

/** Whether the last good copy is missing or older than BACKUP_INTERVAL_MS. */
export function backupDue(path: string, nowMs: number): boolean {
  try {
    return nowMs - statSync(`${path}${BACKUP_SUFFIX}`).mtimeMs > BACKUP_INTERVAL_MS
  } catch {
    return true
  }
}
