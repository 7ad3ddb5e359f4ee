/**
 * Database schemas (RFC 7047 §3.2) as returned by `get_schema` or read from a `.ovsschema` file, normalised:
 * every column type gets explicit `key`, optional `value`, `min` and `max` (`Infinity` for "unlimited").
 * @module
 */
import { OvsdbProtocolError } from './errors.js'

export type AtomicType = 'integer' | 'real' | 'boolean' | 'string' | 'uuid'

export interface BaseType {
  type: AtomicType
  enum?: readonly unknown[]
  refTable?: string
  refType?: 'strong' | 'weak'
  minInteger?: number
  maxInteger?: number
}

export interface ColumnType {
  key: BaseType
  value?: BaseType
  min: number
  max: number
}

export interface ColumnSchema {
  type: ColumnType
  ephemeral: boolean
  mutable: boolean
}

export interface TableSchema {
  name: string
  columns: Readonly<Record<string, ColumnSchema>>
  isRoot: boolean
  maxRows: number | undefined
  indexes: readonly (readonly string[])[]
}

export interface DatabaseSchema {
  name: string
  version: string
  tables: Readonly<Record<string, TableSchema>>
}

const ATOMIC = new Set(['integer', 'real', 'boolean', 'string', 'uuid'])

function obj(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new OvsdbProtocolError(`schema: ${what} is not an object`)
  return v as Record<string, unknown>
}

function parseBase(v: unknown, what: string): BaseType {
  if (typeof v === 'string') {
    if (!ATOMIC.has(v)) throw new OvsdbProtocolError(`schema: ${what} has unknown type '${v}'`)
    return { type: v as AtomicType }
  }
  const o = obj(v, what)
  const t = o['type']
  if (typeof t !== 'string' || !ATOMIC.has(t)) throw new OvsdbProtocolError(`schema: ${what} has unknown type '${String(t)}'`)
  const base: BaseType = { type: t as AtomicType }
  const e = o['enum']
  if (e !== undefined) base.enum = Array.isArray(e) && e[0] === 'set' && Array.isArray(e[1]) ? (e[1] as unknown[]) : [e]
  if (typeof o['refTable'] === 'string') base.refTable = o['refTable']
  if (o['refType'] === 'weak' || o['refType'] === 'strong') base.refType = o['refType']
  if (typeof o['minInteger'] === 'number') base.minInteger = o['minInteger']
  if (typeof o['maxInteger'] === 'number') base.maxInteger = o['maxInteger']
  return base
}

export function parseColumnType(v: unknown, what: string): ColumnType {
  if (typeof v === 'string') return { key: parseBase(v, what), min: 1, max: 1 }
  const o = obj(v, what)
  const t: ColumnType = { key: parseBase(o['key'], `${what} key`), min: 1, max: 1 }
  if (o['value'] !== undefined) t.value = parseBase(o['value'], `${what} value`)
  if (typeof o['min'] === 'number') t.min = o['min']
  if (o['max'] === 'unlimited') t.max = Infinity
  else if (typeof o['max'] === 'number') t.max = o['max']
  return t
}

function parseTable(name: string, v: unknown): TableSchema {
  const o = obj(v, `table '${name}'`)
  const cols = obj(o['columns'], `table '${name}' columns`)
  const columns: Record<string, ColumnSchema> = {}
  for (const [c, cv] of Object.entries(cols)) {
    const co = obj(cv, `column '${name}.${c}'`)
    columns[c] = { type: parseColumnType(co['type'], `column '${name}.${c}'`), ephemeral: co['ephemeral'] === true, mutable: co['mutable'] !== false }
  }
  const idx = Array.isArray(o['indexes']) ? (o['indexes'] as unknown[]).filter(Array.isArray).map((a) => (a as unknown[]).map(String)) : []
  return { name, columns, isRoot: o['isRoot'] === true, maxRows: typeof o['maxRows'] === 'number' ? o['maxRows'] : undefined, indexes: idx }
}

export function parseSchema(v: unknown): DatabaseSchema {
  const o = obj(v, 'database schema')
  if (typeof o['name'] !== 'string') throw new OvsdbProtocolError('schema: missing name')
  const tables: Record<string, TableSchema> = {}
  for (const [t, tv] of Object.entries(obj(o['tables'], 'tables'))) tables[t] = parseTable(t, tv)
  return { name: o['name'], version: typeof o['version'] === 'string' ? o['version'] : '', tables }
}

export type ColumnShape = 'scalar' | 'optional' | 'set' | 'map'

/** How a column's value is written on the wire. */
export function columnShape(t: ColumnType): ColumnShape {
  if (t.value !== undefined) return 'map'
  if (t.min === 1 && t.max === 1) return 'scalar'
  if (t.max === 1) return 'optional'
  return 'set'
}

/** Whether the table has a unique index on `name` alone (Bridge, Port, Interface, ...). */
export function hasNameIndex(t: TableSchema): boolean {
  return t.indexes.some((i) => i.length === 1 && i[0] === 'name')
}
