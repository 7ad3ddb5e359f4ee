/**
 * Schema of the virtual-network tables (migration 2): one row per network and target. `config_xml` is the
 * persistent definition (NULL for a transient network), `live_xml` the definition the network runs with (set while
 * starting, active or stopping). `runtime_json` records what a start created, written before each step touches
 * the system, so that recovery can tear a half-started network down.
 * @module
 */

export const NETWORK_STATUSES = ['inactive', 'starting', 'active', 'stopping'] as const

export const NETWORKS_MIGRATION_SQL = `
  CREATE TABLE networks (
    target TEXT NOT NULL,
    name TEXT NOT NULL,
    uuid TEXT NOT NULL,
    config_xml TEXT,
    live_xml TEXT,
    status TEXT NOT NULL CHECK (status IN (${NETWORK_STATUSES.map((s) => `'${s}'`).join(', ')})),
    autostart INTEGER NOT NULL DEFAULT 0,
    owner_pid INTEGER,
    owner_start TEXT,
    runtime_json TEXT,
    error_json TEXT,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    PRIMARY KEY (target, name),
    CHECK (config_xml IS NOT NULL OR live_xml IS NOT NULL)
  );
  CREATE UNIQUE INDEX networks_uuid_per_target ON networks (target, uuid);
  CREATE INDEX networks_by_status ON networks (status);
`
