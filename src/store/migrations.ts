/**
 * Versioned schema migrations, applied in order inside one transaction each. Later features add tables by
 * appending a migration (never by editing an applied one). `schema_migrations` records what ran.
 * @module
 */
import type Database from 'better-sqlite3'
import { HostnetError } from '../errors.js'
import { CLUSTER_AGENT_MIGRATION_SQL } from './cluster-agent.js'
import { CHANGES_MIGRATION_SQL } from './changes-schema.js'
import { NETWORKS_MIGRATION_SQL } from './networks-schema.js'
import { TOKENS_MIGRATION_SQL } from './tokens.js'
import { KIMCHI_MIGRATION_SQL } from './kimchi.js'
import { SAVED_STATES_MIGRATION_SQL } from './saved-states.js'
import { PORTS_MIGRATION_SQL, PORTS_WITHOUT_ROWID_MIGRATION_SQL, PORT_USAGE_MIGRATION_SQL, PORTS_NO_NETWORK_INDEX_MIGRATION_SQL } from './ports-schema.js'

export interface Migration {
  version: number
  name: string
  sql: string
}

/** Statuses a transaction can be in; kept in sync with the CHECK constraint below. */
const STATUS_CHECK = `status IN ('applying', 'pending-confirm', 'committed', 'rolling-back', 'rolled-back', 'failed')`

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'journal, interface definitions, daemon lock',
    sql: `
      CREATE TABLE transactions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        target TEXT NOT NULL,
        kind TEXT NOT NULL,
        status TEXT NOT NULL CHECK (${STATUS_CHECK}),
        created_ms INTEGER NOT NULL,
        updated_ms INTEGER NOT NULL,
        owner_pid INTEGER,
        owner_start TEXT,
        desired_json TEXT,
        snapshot_json TEXT,
        ops_json TEXT,
        expected_json TEXT,
        touched_json TEXT,
        progress INTEGER NOT NULL DEFAULT 0,
        error_json TEXT,
        confirm_deadline_ms INTEGER
      );
      -- the per-target write lock: at most one open transaction per target
      CREATE UNIQUE INDEX transactions_one_open_per_target ON transactions (target)
        WHERE status IN ('applying', 'pending-confirm', 'rolling-back');
      CREATE INDEX transactions_by_status ON transactions (status);
      CREATE TABLE iface_definitions (
        target TEXT NOT NULL,
        name TEXT NOT NULL,
        xml TEXT NOT NULL,
        created_links_json TEXT NOT NULL DEFAULT '[]',
        created_ms INTEGER NOT NULL,
        updated_ms INTEGER NOT NULL,
        PRIMARY KEY (target, name)
      );
      CREATE TABLE daemon_lock (
        role TEXT PRIMARY KEY,
        pid INTEGER NOT NULL,
        start_ticks TEXT NOT NULL,
        since_ms INTEGER NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'virtual networks: definitions and live status',
    sql: NETWORKS_MIGRATION_SQL,
  },
  {
    version: 3,
    name: 'network ports',
    sql: PORTS_MIGRATION_SQL,
  },
  {
    version: 4,
    name: 'network ports without rowid, usage index covering the floor',
    sql: PORTS_WITHOUT_ROWID_MIGRATION_SQL,
  },
  {
    version: 5,
    name: 'network port counts kept by triggers',
    sql: PORT_USAGE_MIGRATION_SQL,
  },
  {
    version: 6,
    name: 'network ports without the per-network index',
    sql: PORTS_NO_NETWORK_INDEX_MIGRATION_SQL,
  },
  {
    version: 7,
    name: 'API tokens',
    sql: TOKENS_MIGRATION_SQL,
  },
  {
    version: 8,
    name: 'change record and its retention rule',
    sql: CHANGES_MIGRATION_SQL,
  },
  {
    version: 9,
    name: 'cluster agent record',
    sql: CLUSTER_AGENT_MIGRATION_SQL,
  },
  {
    version: 10,
    name: 'Kimchi facade: templates, host bridges made for bridged networks',
    sql: KIMCHI_MIGRATION_SQL,
  },
  {
    version: 11,
    name: 'saved desired state per target (boot, restore --saved)',
    sql: SAVED_STATES_MIGRATION_SQL,
  },
]

export function schemaVersion(db: Database.Database): number {
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }
  return row.v ?? 0
}

/** Bring the schema up to the newest version this build knows; refuse a database written by a newer hostnet. */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS, nowMs = Date.now()): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_ms INTEGER NOT NULL)')
  const known = migrations.reduce((m, x) => Math.max(m, x.version), 0)
  const run = db.transaction(() => {
    const current = schemaVersion(db)
    if (current > known) {
      throw new HostnetError('not-supported', `store schema version ${current} is newer than this hostnet supports (${known})`)
    }
    const insert = db.prepare('INSERT INTO schema_migrations (version, name, applied_ms) VALUES (?, ?, ?)')
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (m.version <= current) continue
      db.exec(m.sql)
      insert.run(m.version, m.name, nowMs)
    }
    return schemaVersion(db)
  })
  return run.immediate()
}
