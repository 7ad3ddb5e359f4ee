/**
 * What every store repository shares: statements prepared once per connection (by SQL text), and one IMMEDIATE
 * transaction wrapper per connection (better-sqlite3 builds four wrappers per `db.transaction()` call). Several
 * repositories over the same connection (the network and port drivers each hold a NetworkStore) share both.
 * @module
 */
import type Database from 'better-sqlite3'

const statementsByDb = new WeakMap<Database.Database, Map<string, Database.Statement>>()
const immediateByDb = new WeakMap<Database.Database, (fn: () => unknown) => unknown>()

/**
 * The statement for `sql` on `db`, prepared on first use. Callers pass SQL from a small fixed set (constants, or
 * column lists built from a fixed vocabulary), never user data: the cache does not grow with the input.
 */
export function prepared(db: Database.Database, sql: string): Database.Statement {
  let byText = statementsByDb.get(db)
  if (byText === undefined) {
    byText = new Map()
    statementsByDb.set(db, byText)
  }
  let s = byText.get(sql)
  if (s === undefined) {
    s = db.prepare(sql)
    byText.set(sql, s)
  }
  return s
}

/**
 * Run `fn` in one IMMEDIATE transaction (the write lock is taken at BEGIN, so a check and the write it allows
 * happen atomically across processes); nested calls become savepoints of the outer transaction.
 */
export function atomically<T>(db: Database.Database, fn: () => T): T {
  let run = immediateByDb.get(db)
  if (run === undefined) {
    run = db.transaction((f: () => unknown) => f()).immediate
    immediateByDb.set(db, run)
  }
  return run(fn) as T
}
