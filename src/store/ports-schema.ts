/**
 * Schema of the network-port table (migration 3): one row per port, keyed by target and port UUID (a UUID names at
 * most one port per target, so host device names derived from it cannot clash).
 *
 * - `def_json`: the allocated `<networkport>` (model NetworkPortDef as JSON);
 * - `device`: the pool device the port uses (direct: a netdev name; hostdev: `DDDD:BB:SS.F`), NULL otherwise;
 * - `exclusive`: 1 when the port holds its device alone (hostdev, passthrough, private + 802.1Qbh). A partial
 *   unique index makes a second exclusive port on the same device impossible, whatever the processes do;
 * - `class_id` / `floor`: the port's tc class and inbound floor on the network bridge (unique class per network);
 * - `plug_json`: what the port has (or is about to have) on the host: written BEFORE the kernel is touched, so
 *   recovery knows what may exist after a crash.
 *
 * Counts (a network's connections, a pool device's connections, the floor sum) are kept by SQLite itself in
 * `network_port_usage` (migration 5): triggers on this table update them in the same statement that inserts,
 * deletes or moves a row, so they always equal what the rows say and reading them costs the same for 10 ports or
 * 10,000; the class ids in use come from the rows (the partial index `ports_class_id` holds only those rows).
 *
 * Migration 4 rebuilds the table WITHOUT ROWID (the primary key is the table's only b-tree) and drops the unused
 * status index; migration 6 drops the per-network index once the counts have their own table (migration 5): a
 * port's insert or delete then writes the row's b-tree and one count row, which is most of the cost of a create +
 * delete pair.
 * @module
 */

/**
 * `allocated`: nothing of the port on this host (allocation only, or a reclaimed port whose device the hypervisor
 * holds); `plugging` → `plugged`: host devices being made / made; `unplugging`: being removed.
 */
export const PORT_STATUSES = ['allocated', 'plugging', 'plugged', 'unplugging'] as const

const COLUMNS = `target, network, uuid, status, def_json, device, exclusive, class_id, floor, plug_json, owner_pid, owner_start,
    created_ms, updated_ms`

export const PORTS_MIGRATION_SQL = `
  CREATE TABLE network_ports (
    target TEXT NOT NULL,
    network TEXT NOT NULL,
    uuid TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN (${PORT_STATUSES.map((s) => `'${s}'`).join(', ')})),
    def_json TEXT NOT NULL,
    device TEXT,
    exclusive INTEGER NOT NULL DEFAULT 0,
    class_id INTEGER,
    floor INTEGER NOT NULL DEFAULT 0,
    plug_json TEXT,
    owner_pid INTEGER,
    owner_start TEXT,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    PRIMARY KEY (target, uuid)
  );
  CREATE INDEX ports_by_network ON network_ports (target, network, device);
  CREATE UNIQUE INDEX ports_exclusive_device ON network_ports (target, network, device) WHERE exclusive = 1;
  CREATE UNIQUE INDEX ports_class_id ON network_ports (target, network, class_id) WHERE class_id IS NOT NULL;
  CREATE INDEX ports_by_status ON network_ports (status);
`

/** Migration 4: the same columns and constraints, WITHOUT ROWID; usage index covering the floor; no status index. */
export const PORTS_WITHOUT_ROWID_MIGRATION_SQL = `
  CREATE TABLE network_ports_v4 (
    target TEXT NOT NULL,
    network TEXT NOT NULL,
    uuid TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN (${PORT_STATUSES.map((s) => `'${s}'`).join(', ')})),
    def_json TEXT NOT NULL,
    device TEXT,
    exclusive INTEGER NOT NULL DEFAULT 0,
    class_id INTEGER,
    floor INTEGER NOT NULL DEFAULT 0,
    plug_json TEXT,
    owner_pid INTEGER,
    owner_start TEXT,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    PRIMARY KEY (target, uuid)
  ) WITHOUT ROWID;
  INSERT INTO network_ports_v4 (${COLUMNS}) SELECT ${COLUMNS} FROM network_ports;
  DROP TABLE network_ports;
  ALTER TABLE network_ports_v4 RENAME TO network_ports;
  CREATE INDEX ports_by_network ON network_ports (target, network, device, floor);
  CREATE UNIQUE INDEX ports_exclusive_device ON network_ports (target, network, device) WHERE exclusive = 1;
  CREATE UNIQUE INDEX ports_class_id ON network_ports (target, network, class_id) WHERE class_id IS NOT NULL;
`

/**
 * Migration 5: per (target, network, pool device) the number of ports and the sum of their floors, kept by
 * triggers (device '' stands for ports without a pool device; rows that drop to 0 ports stay, with 0).
 */
export const PORT_USAGE_MIGRATION_SQL = `
  CREATE TABLE network_port_usage (
    target TEXT NOT NULL,
    network TEXT NOT NULL,
    device TEXT NOT NULL,
    ports INTEGER NOT NULL,
    floor_sum INTEGER NOT NULL,
    PRIMARY KEY (target, network, device)
  ) WITHOUT ROWID;
  INSERT INTO network_port_usage (target, network, device, ports, floor_sum)
    SELECT target, network, COALESCE(device, ''), COUNT(*), SUM(floor) FROM network_ports GROUP BY 1, 2, 3;
  CREATE TRIGGER network_ports_usage_insert AFTER INSERT ON network_ports BEGIN
    INSERT INTO network_port_usage (target, network, device, ports, floor_sum)
      VALUES (NEW.target, NEW.network, COALESCE(NEW.device, ''), 1, NEW.floor)
      ON CONFLICT (target, network, device) DO UPDATE SET ports = ports + 1, floor_sum = floor_sum + excluded.floor_sum;
  END;
  CREATE TRIGGER network_ports_usage_delete AFTER DELETE ON network_ports BEGIN
    UPDATE network_port_usage SET ports = ports - 1, floor_sum = floor_sum - OLD.floor
      WHERE target = OLD.target AND network = OLD.network AND device = COALESCE(OLD.device, '');
  END;
  CREATE TRIGGER network_ports_usage_update AFTER UPDATE OF target, network, device, floor ON network_ports BEGIN
    UPDATE network_port_usage SET ports = ports - 1, floor_sum = floor_sum - OLD.floor
      WHERE target = OLD.target AND network = OLD.network AND device = COALESCE(OLD.device, '');
    INSERT INTO network_port_usage (target, network, device, ports, floor_sum)
      VALUES (NEW.target, NEW.network, COALESCE(NEW.device, ''), 1, NEW.floor)
      ON CONFLICT (target, network, device) DO UPDATE SET ports = ports + 1, floor_sum = floor_sum + excluded.floor_sum;
  END;
`

/**
 * Migration 6: no per-network index. With the counts in `network_port_usage`, it only served listing a network's
 * ports (net-port-list, network destroy), which now reads the target's rows by primary key and skips the other
 * networks'; each insert or delete of a port writes one b-tree page fewer.
 */
export const PORTS_NO_NETWORK_INDEX_MIGRATION_SQL = `
  DROP INDEX ports_by_network;
`
