/**
 * What the Kimchi-compatible facade keeps (migration 10), per target:
 * - templates: Kimchi's template resource, one JSON document per name;
 * - host bridges: the Linux bridges hostnet made for a bridged network over a NIC or bond, written BEFORE the
 *   bridge is made (own only what you made): the NIC, the VLAN, the NIC's addresses and routes as they were (to
 *   give them back when the network is deleted) and the network. A row whose bridge never appeared is deleted by
 *   the facade's own clean-up; nothing is ever deleted by a name pattern.
 * Every change is recorded in the change record in the same transaction.
 * @module
 */
import type Database from 'better-sqlite3'
import { HostnetError } from '../errors.js'
import type { Actor } from './change-kinds.js'
import type { ChangeLog } from './changes.js'
import { atomically, prepared } from './sql.js'

export const KIMCHI_MIGRATION_SQL = `
  CREATE TABLE kimchi_templates (
    target TEXT NOT NULL,
    name TEXT NOT NULL,
    json TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    PRIMARY KEY (target, name)
  );
  CREATE TABLE kimchi_host_bridges (
    target TEXT NOT NULL,
    bridge TEXT NOT NULL,
    network TEXT NOT NULL,
    nic TEXT NOT NULL,
    vlan_id INTEGER,
    saved_json TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    PRIMARY KEY (target, bridge)
  );
`

/** Largest template document stored (Kimchi's are a few hundred bytes). */
export const TEMPLATE_MAX_JSON_BYTES = 64 * 1024

export interface StoredTemplate {
  name: string
  doc: Record<string, unknown>
  createdMs: number
  updatedMs: number
}

export interface HostBridgeRecord {
  target: string
  bridge: string
  network: string
  nic: string
  vlanId: number | undefined
  /** The NIC's configuration before the bridge took it (addresses, routes). */
  saved: unknown
  createdMs: number
}

interface TemplateRow {
  name: string
  json: string
  created_ms: number
  updated_ms: number
}

interface BridgeRow {
  target: string
  bridge: string
  network: string
  nic: string
  vlan_id: number | null
  saved_json: string
  created_ms: number
}

function toJson(doc: unknown, what: string): string {
  const s = JSON.stringify(doc)
  if (Buffer.byteLength(s) > TEMPLATE_MAX_JSON_BYTES) throw new HostnetError('invalid-argument', `${what} is larger than ${TEMPLATE_MAX_JSON_BYTES} bytes`)
  return s
}

export class KimchiStore {
  constructor(
    private readonly db: Database.Database,
    private readonly nowMs: () => number,
    private readonly changes: ChangeLog,
  ) {}

  atomically<T>(fn: () => T): T {
    return atomically(this.db, fn)
  }

  listTemplates(target: string): StoredTemplate[] {
    const rows = prepared(this.db, 'SELECT name, json, created_ms, updated_ms FROM kimchi_templates WHERE target = ? ORDER BY name').all(target) as TemplateRow[]
    return rows.map(templateOf)
  }

  getTemplate(target: string, name: string): StoredTemplate | undefined {
    const r = prepared(this.db, 'SELECT name, json, created_ms, updated_ms FROM kimchi_templates WHERE target = ? AND name = ?').get(target, name) as TemplateRow | undefined
    return r === undefined ? undefined : templateOf(r)
  }

  /** Insert; false when the name is taken. */
  insertTemplate(target: string, name: string, doc: Record<string, unknown>, actor: Actor): boolean {
    const json = toJson(doc, `template '${name}'`)
    return atomically(this.db, () => {
      const now = this.nowMs()
      const r = prepared(this.db, 'INSERT OR IGNORE INTO kimchi_templates (target, name, json, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?)').run(target, name, json, now, now)
      if (r.changes === 0) return false
      this.changes.append({ target, kind: 'template.created', object: name, actor })
      return true
    })
  }

  /** Replace (a rename moves the row); false when `from` is gone or `doc.name` is taken by another. */
  replaceTemplate(target: string, from: string, to: string, doc: Record<string, unknown>, actor: Actor): boolean {
    const json = toJson(doc, `template '${to}'`)
    return atomically(this.db, () => {
      const old = this.getTemplate(target, from)
      if (old === undefined) return false
      if (to !== from && this.getTemplate(target, to) !== undefined) return false
      prepared(this.db, 'DELETE FROM kimchi_templates WHERE target = ? AND name = ?').run(target, from)
      prepared(this.db, 'INSERT INTO kimchi_templates (target, name, json, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?)').run(target, to, json, old.createdMs, this.nowMs())
      this.changes.append({ target, kind: 'template.updated', object: to, actor, ...(to === from ? {} : { detail: { renamedFrom: from } }) })
      return true
    })
  }

  deleteTemplate(target: string, name: string, actor: Actor): boolean {
    return atomically(this.db, () => {
      const r = prepared(this.db, 'DELETE FROM kimchi_templates WHERE target = ? AND name = ?').run(target, name)
      if (r.changes === 0) return false
      this.changes.append({ target, kind: 'template.deleted', object: name, actor })
      return true
    })
  }

  /** Record a bridge about to be made (before anything is touched). */
  recordHostBridge(rec: Omit<HostBridgeRecord, 'createdMs'>): void {
    prepared(this.db, 'INSERT INTO kimchi_host_bridges (target, bridge, network, nic, vlan_id, saved_json, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      rec.target,
      rec.bridge,
      rec.network,
      rec.nic,
      rec.vlanId ?? null,
      JSON.stringify(rec.saved),
      this.nowMs(),
    )
  }

  hostBridge(target: string, bridge: string): HostBridgeRecord | undefined {
    const r = prepared(this.db, 'SELECT * FROM kimchi_host_bridges WHERE target = ? AND bridge = ?').get(target, bridge) as BridgeRow | undefined
    return r === undefined ? undefined : bridgeOf(r)
  }

  hostBridges(target: string): HostBridgeRecord[] {
    return (prepared(this.db, 'SELECT * FROM kimchi_host_bridges WHERE target = ? ORDER BY bridge').all(target) as BridgeRow[]).map(bridgeOf)
  }

  forgetHostBridge(target: string, bridge: string): void {
    prepared(this.db, 'DELETE FROM kimchi_host_bridges WHERE target = ? AND bridge = ?').run(target, bridge)
  }

  /** The record follows its network when the network is renamed. */
  renameHostBridgeNetwork(target: string, bridge: string, network: string): void {
    prepared(this.db, 'UPDATE kimchi_host_bridges SET network = ? WHERE target = ? AND bridge = ?').run(network, target, bridge)
  }
}

function templateOf(r: TemplateRow): StoredTemplate {
  return { name: r.name, doc: JSON.parse(r.json) as Record<string, unknown>, createdMs: r.created_ms, updatedMs: r.updated_ms }
}

function bridgeOf(r: BridgeRow): HostBridgeRecord {
  return { target: r.target, bridge: r.bridge, network: r.network, nic: r.nic, vlanId: r.vlan_id ?? undefined, saved: JSON.parse(r.saved_json) as unknown, createdMs: r.created_ms }
}
