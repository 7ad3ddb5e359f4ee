/**
 * OVSDB's JSON notation for values (RFC 7047 §5.1): atoms (string, integer, real, boolean, `["uuid", u]`,
 * `["named-uuid", n]`), sets (`["set", [atom...]]`, or a bare atom for a one-element set) and maps
 * (`["map", [[k, v]...]]`). Builders produce the wire form; readers turn wire values into plain JS values.
 * @module
 */
import { OvsdbProtocolError } from './protocol-error.js'
import type { Uuid } from '../../model/values/uuid.js'

export type UuidAtom = readonly ['uuid', string]
export type NamedUuidAtom = readonly ['named-uuid', string]
export type OvsdbAtom = string | number | boolean | UuidAtom | NamedUuidAtom
export type OvsdbSet = readonly ['set', readonly OvsdbAtom[]]
export type OvsdbMap = readonly ['map', ReadonlyArray<readonly [OvsdbAtom, OvsdbAtom]>]
export type OvsdbValue = OvsdbAtom | OvsdbSet | OvsdbMap
/** A row as it travels on the wire: column name → value. */
export type OvsdbRow = Readonly<Record<string, OvsdbValue>>

export function uuidAtom(u: string): UuidAtom {
  return ['uuid', u]
}

export function namedUuid(name: string): NamedUuidAtom {
  return ['named-uuid', name]
}

export function ovsSet(atoms: Iterable<OvsdbAtom>): OvsdbSet {
  return ['set', [...atoms]]
}

/** An optional value (a set of 0 or 1 elements, e.g. Port.tag). */
export function ovsOptional(v: OvsdbAtom | undefined): OvsdbAtom | OvsdbSet {
  return v === undefined ? ['set', []] : v
}

/** A map from a plain object (string keys) or a Map. */
export function ovsMap(entries: Readonly<Record<string, OvsdbAtom>> | ReadonlyMap<OvsdbAtom, OvsdbAtom>): OvsdbMap {
  const pairs: Array<readonly [OvsdbAtom, OvsdbAtom]> = []
  if (entries instanceof Map) for (const [k, v] of entries) pairs.push([k, v])
  else for (const k of Object.keys(entries)) pairs.push([k, (entries as Record<string, OvsdbAtom>)[k]!])
  return ['map', pairs]
}

export function isUuidAtom(v: unknown): v is UuidAtom {
  return Array.isArray(v) && v.length === 2 && v[0] === 'uuid' && typeof v[1] === 'string'
}

function isTagged(v: unknown, tag: string): v is readonly [string, unknown[]] {
  return Array.isArray(v) && v.length === 2 && v[0] === tag && Array.isArray(v[1])
}

/** Elements of a set column (a bare atom is a one-element set). */
export function setElements(v: OvsdbValue | undefined): OvsdbAtom[] {
  if (v === undefined) return []
  if (isTagged(v, 'set')) return [...(v[1] as OvsdbAtom[])]
  if (isTagged(v, 'map')) throw new OvsdbProtocolError('expected a set, got a map', { value: v })
  return [v as OvsdbAtom]
}

/** The element of a 0-or-1 set column, or undefined. */
export function optionalElement(v: OvsdbValue | undefined): OvsdbAtom | undefined {
  const els = setElements(v)
  if (els.length > 1) throw new OvsdbProtocolError('expected at most one element', { value: v })
  return els[0]
}

export function mapEntries(v: OvsdbValue | undefined): Array<readonly [OvsdbAtom, OvsdbAtom]> {
  if (v === undefined) return []
  if (!isTagged(v, 'map')) throw new OvsdbProtocolError('expected a map', { value: v })
  return v[1] as Array<readonly [OvsdbAtom, OvsdbAtom]>
}

/** A string→string map column (other_config, external_ids, options, status) as a plain object. */
export function stringMap(v: OvsdbValue | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, val] of mapEntries(v)) out[String(k)] = atomToString(val)
  return out
}

/** A string→integer map column (statistics) as a plain object. */
export function numberMap(v: OvsdbValue | undefined): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [k, val] of mapEntries(v)) out[String(k)] = Number(val)
  return out
}

export function atomToString(a: OvsdbAtom): string {
  return typeof a === 'object' ? a[1] : String(a)
}

export function uuidOf(a: OvsdbAtom | OvsdbValue | undefined): Uuid {
  if (!isUuidAtom(a)) throw new OvsdbProtocolError('expected a uuid', { value: a })
  return a[1] as Uuid
}

export function uuidSet(v: OvsdbValue | undefined): Uuid[] {
  return setElements(v).map(uuidOf)
}

export function optionalUuid(v: OvsdbValue | undefined): Uuid | undefined {
  const a = optionalElement(v)
  return a === undefined ? undefined : uuidOf(a)
}

export function optionalString(v: OvsdbValue | undefined): string | undefined {
  const a = optionalElement(v)
  return a === undefined ? undefined : atomToString(a)
}

export function optionalNumber(v: OvsdbValue | undefined): number | undefined {
  const a = optionalElement(v)
  if (a === undefined) return undefined
  if (typeof a !== 'number') throw new OvsdbProtocolError('expected a number', { value: v })
  return a
}

export function numberSet(v: OvsdbValue | undefined): number[] {
  return setElements(v).map((a) => {
    if (typeof a !== 'number') throw new OvsdbProtocolError('expected a number', { value: a })
    return a
  })
}

export function stringSet(v: OvsdbValue | undefined): string[] {
  return setElements(v).map(atomToString)
}

export function requiredString(v: OvsdbValue | undefined, column: string): string {
  if (typeof v !== 'string') throw new OvsdbProtocolError(`column '${column}' is not a string`, { value: v })
  return v
}

export function requiredNumber(v: OvsdbValue | undefined, column: string): number {
  if (typeof v !== 'number') throw new OvsdbProtocolError(`column '${column}' is not a number`, { value: v })
  return v
}

export function requiredBoolean(v: OvsdbValue | undefined, column: string): boolean {
  if (typeof v !== 'boolean') throw new OvsdbProtocolError(`column '${column}' is not a boolean`, { value: v })
  return v
}
