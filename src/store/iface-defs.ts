/**
 * Interface definitions for the libvirt-style verbs: `iface-define` stores an interface XML document by target
 * and name; `iface-start` remembers which links it created so that `iface-destroy` can remove exactly those.
 * @module
 */
import type Database from 'better-sqlite3'
import { HostnetError } from '../errors.js'

export interface IfaceDefinition {
  target: string
  name: string
  xml: string
  /** Links the last `iface-start` created (removed again by `iface-destroy`). */
  createdLinks: string[]
  createdMs: number
  updatedMs: number
}

interface Row {
  target: string
  name: string
  xml: string
  created_links_json: string
  created_ms: number
  updated_ms: number
}

function fromRow(r: Row): IfaceDefinition {
  let links: unknown
  try {
    links = JSON.parse(r.created_links_json)
  } catch (e) {
    throw new HostnetError('bug', `interface definition '${r.name}': unreadable created links`, { cause: e })
  }
  return {
    target: r.target,
    name: r.name,
    xml: r.xml,
    createdLinks: Array.isArray(links) ? links.map(String) : [],
    createdMs: r.created_ms,
    updatedMs: r.updated_ms,
  }
}

export class IfaceDefinitions {
  constructor(
    private readonly db: Database.Database,
    private readonly nowMs: () => number,
  ) {}

  /** Define or redefine (keeps the created-links record of an earlier start). */
  put(target: string, name: string, xml: string): void {
    const now = this.nowMs()
    this.db
      .prepare(
        `INSERT INTO iface_definitions (target, name, xml, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (target, name) DO UPDATE SET xml = excluded.xml, updated_ms = excluded.updated_ms`,
      )
      .run(target, name, xml, now, now)
  }

  get(target: string, name: string): IfaceDefinition | undefined {
    const row = this.db.prepare('SELECT * FROM iface_definitions WHERE target = ? AND name = ?').get(target, name) as Row | undefined
    return row === undefined ? undefined : fromRow(row)
  }

  list(target: string): IfaceDefinition[] {
    const rows = this.db.prepare('SELECT * FROM iface_definitions WHERE target = ? ORDER BY name').all(target) as Row[]
    return rows.map(fromRow)
  }

  setCreatedLinks(target: string, name: string, links: readonly string[]): void {
    const info = this.db
      .prepare('UPDATE iface_definitions SET created_links_json = ?, updated_ms = ? WHERE target = ? AND name = ?')
      .run(JSON.stringify(links), this.nowMs(), target, name)
    if (info.changes !== 1) throw new HostnetError('not-found', `interface '${name}' is not defined`)
  }

  /** False if there was no such definition. */
  delete(target: string, name: string): boolean {
    return this.db.prepare('DELETE FROM iface_definitions WHERE target = ? AND name = ?').run(target, name).changes === 1
  }
}
