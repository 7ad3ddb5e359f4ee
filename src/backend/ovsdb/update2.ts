/**
 * `monitor_cond` notifications (`update2`, OVS extension of RFC 7047, see ovsdb-server(7)) turned into the
 * `update` form the cache applies. A row update2 is one of `initial` / `insert` (full row), `delete`, or
 * `modify` with only the changed columns, each a diff against the old value:
 *   - scalar column (exactly one value): the new value;
 *   - set column: the symmetric difference (an element present in the old set is removed, absent is added);
 *   - map column: per key: absent in the old map → added; present with the same value → removed; present
 *     with another value → replaced.
 * Applying a diff needs the old row (from the cache) and the column types (from the schema).
 * @module
 */
import { mapEntries, setElements, type OvsdbAtom, type OvsdbRow, type OvsdbValue } from './atoms.js'
import { OvsdbProtocolError } from './errors.js'
import type { RowUpdate, TableUpdates } from './monitor-cache.js'
import { columnShape, type DatabaseSchema } from './schema.js'

export interface RowUpdate2 {
  initial?: OvsdbRow
  insert?: OvsdbRow
  delete?: null
  modify?: OvsdbRow
}
export type TableUpdates2 = Readonly<Record<string, Readonly<Record<string, RowUpdate2>>>>

/** Stable key for an atom (uuids and named uuids are arrays). */
function atomKey(a: OvsdbAtom): string {
  return typeof a === 'object' ? `${a[0]}:${a[1]}` : `${typeof a}:${String(a)}`
}

export function applySetDiff(old: OvsdbValue | undefined, diff: OvsdbValue): OvsdbValue {
  const out = new Map<string, OvsdbAtom>()
  for (const a of setElements(old)) out.set(atomKey(a), a)
  for (const a of setElements(diff)) {
    const k = atomKey(a)
    if (out.has(k)) out.delete(k)
    else out.set(k, a)
  }
  return ['set', [...out.values()]]
}

export function applyMapDiff(old: OvsdbValue | undefined, diff: OvsdbValue): OvsdbValue {
  const out = new Map<string, readonly [OvsdbAtom, OvsdbAtom]>()
  for (const p of mapEntries(old)) out.set(atomKey(p[0]), p)
  for (const [k, v] of mapEntries(diff)) {
    const key = atomKey(k)
    const prev = out.get(key)
    if (prev === undefined) out.set(key, [k, v])
    else if (atomKey(prev[1]) === atomKey(v)) out.delete(key)
    else out.set(key, [k, v])
  }
  return ['map', [...out.values()]]
}

function applyRowDiff(schema: DatabaseSchema, table: string, old: OvsdbRow, diff: OvsdbRow): OvsdbRow {
  const columns = schema.tables[table]?.columns
  if (!columns) throw new OvsdbProtocolError(`update2 for table '${table}' not in the schema`)
  const row: Record<string, OvsdbValue> = { ...old }
  for (const [col, d] of Object.entries(diff)) {
    const c = columns[col]
    if (!c && !col.startsWith('_')) throw new OvsdbProtocolError(`update2 for unknown column '${table}.${col}'`)
    // _uuid and _version (sent when all columns are monitored) are scalars not listed in the schema.
    const shape = c ? columnShape(c.type) : 'scalar'
    row[col] = shape === 'scalar' ? d : shape === 'map' ? applyMapDiff(old[col], d) : applySetDiff(old[col], d)
  }
  return row
}

/**
 * Convert update2 notifications into cache updates. `oldRow` reads the current cached row; a `modify` of a row
 * the cache does not have is a protocol error (the server only modifies rows it sent before).
 */
export function update2ToUpdates(
  schema: DatabaseSchema,
  updates: TableUpdates2,
  oldRow: (table: string, uuid: string) => OvsdbRow | undefined,
): TableUpdates {
  const out: Record<string, Record<string, RowUpdate>> = {}
  for (const [table, rows] of Object.entries(updates)) {
    const t: Record<string, RowUpdate> = (out[table] = {})
    for (const [uuid, u] of Object.entries(rows)) {
      const full = u.initial ?? u.insert
      if (full !== undefined) t[uuid] = { new: full }
      else if (u.modify !== undefined) {
        const old = oldRow(table, uuid)
        if (old === undefined) throw new OvsdbProtocolError(`update2 modifies unknown row ${uuid} of table '${table}'`)
        t[uuid] = { old, new: applyRowDiff(schema, table, old, u.modify) }
      } else if ('delete' in u) t[uuid] = { old: oldRow(table, uuid) ?? {} }
    }
  }
  return out
}
