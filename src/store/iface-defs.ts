/**
 * Interface definitions for the libvirt-style verbs: `iface-define` stores an interface XML document by target
 * and name; `iface-start` remembers which links it created so that `iface-destroy` can remove exactly those.
 * Each verb's change record (iface.defined, .undefined, .started, .stopped) is written in the same transaction.
 * @module
 */
import type Database from 'better-sqlite3'
import { HostnetError } from '../errors.js'
import { checkActor, type Actor } from './change-kinds.js'
import { ChangeLog } from './changes.js'
import { atomically, prepared } from './sql.js'

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

/** What iface-start / iface-destroy record with the links they leave. */
export interface IfaceRunChange {
  kind: 'iface.started' | 'iface.stopped'
  actor: Actor
  detail?: Record<string, unknown>
}

export class IfaceDefinitions {
  constructor(
    private readonly db: Database.Database,
    private readonly nowMs: () => number,
    private readonly changes: ChangeLog,
    /** Who changes definitions when a call does not say (the composition root's actor). */
    private readonly defaultActor: Actor,
  ) {}

  /** Define or redefine (keeps the created-links record of an earlier start). */
  put(target: string, name: string, xml: string, actor: Actor = this.defaultActor): void {
    checkActor(actor)
    const now = this.nowMs()
    atomically(this.db, () => {
      const redefined = prepared(this.db, 'SELECT 1 FROM iface_definitions WHERE target = ? AND name = ?').get(target, name) !== undefined
      prepared(
        this.db,
        `INSERT INTO iface_definitions (target, name, xml, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (target, name) DO UPDATE SET xml = excluded.xml, updated_ms = excluded.updated_ms`,
      ).run(target, name, xml, now, now)
      this.changes.append({ target, kind: 'iface.defined', object: name, actor, ...(redefined ? { detail: { redefined: true } } : {}) })
    })
  }

  get(target: string, name: string): IfaceDefinition | undefined {
    const row = prepared(this.db, 'SELECT * FROM iface_definitions WHERE target = ? AND name = ?').get(target, name) as Row | undefined
    return row === undefined ? undefined : fromRow(row)
  }

  list(target: string): IfaceDefinition[] {
    const rows = prepared(this.db, 'SELECT * FROM iface_definitions WHERE target = ? ORDER BY name').all(target) as Row[]
    return rows.map(fromRow)
  }

  /** Remember the links a start created; with `change`, record the start or stop in the same transaction. */
  setCreatedLinks(target: string, name: string, links: readonly string[], change?: IfaceRunChange): void {
    atomically(this.db, () => {
      const info = prepared(this.db, 'UPDATE iface_definitions SET created_links_json = ?, updated_ms = ? WHERE target = ? AND name = ?').run(
        JSON.stringify(links),
        this.nowMs(),
        target,
        name,
      )
      if (info.changes !== 1) throw new HostnetError('not-found', `interface '${name}' is not defined`)
      if (change !== undefined) this.changes.append({ target, object: name, ...change })
    })
  }

  /** False if there was no such definition. */
  delete(target: string, name: string, actor: Actor = this.defaultActor): boolean {
    checkActor(actor)
    return atomically(this.db, () => {
      const gone = prepared(this.db, 'DELETE FROM iface_definitions WHERE target = ? AND name = ?').run(target, name).changes === 1
      if (gone) this.changes.append({ target, kind: 'iface.undefined', object: name, actor })
      return gone
    })
  }
}
