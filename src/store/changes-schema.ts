/**
 * Schema of the change record (migration 8): `changes`, append-only, one row per change of a host, written in
 * the same SQLite transaction as the change itself; `id` is AUTOINCREMENT, so ids only grow and are never reused,
 * even after the oldest rows are pruned (the API's event stream resumes from them). The id is the rowid, the only
 * index: readers ask for the records after an id (a range of the b-tree) and filter those by target and kind;
 * a secondary index would cost every change (a port create + delete pair is two records) one more b-tree page
 * written at commit, about 10 µs of the ~150 µs a pair takes. Kinds are checked by the code (change-kinds.ts),
 * not by a CHECK constraint, so adding a kind needs no table rebuild. `change_retention` holds the one retention rule of
 * the store (changes.ts), so every process that appends prunes alike.
 * @module
 */

export const DEFAULT_RETENTION = {
  /** A record is kept while it is among the newest this many ... */
  maxRecords: 100_000,
  /** ... and younger than this (30 days); ... */
  maxAgeSec: 30 * 86_400,
  /** ... one younger than this (the event stream's resume window) is always kept, ... */
  resumeWindowSec: 3_600,
  /** ... unless the table holds more than this many (a burst inside the window: readers see the gap). */
  hardMaxRecords: 1_000_000,
} as const

export const CHANGES_MIGRATION_SQL = `
  CREATE TABLE changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time_ms INTEGER NOT NULL,
    target TEXT NOT NULL,
    kind TEXT NOT NULL,
    object TEXT NOT NULL,
    actor TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'failed')),
    detail_json TEXT
  );
  CREATE TABLE change_retention (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    max_records INTEGER NOT NULL CHECK (max_records > 0),
    max_age_sec INTEGER NOT NULL CHECK (max_age_sec > 0),
    resume_window_sec INTEGER NOT NULL CHECK (resume_window_sec >= 0),
    hard_max_records INTEGER NOT NULL CHECK (hard_max_records > 0)
  );
  INSERT INTO change_retention (id, max_records, max_age_sec, resume_window_sec, hard_max_records)
    VALUES (1, ${DEFAULT_RETENTION.maxRecords}, ${DEFAULT_RETENTION.maxAgeSec}, ${DEFAULT_RETENTION.resumeWindowSec}, ${DEFAULT_RETENTION.hardMaxRecords});
`
