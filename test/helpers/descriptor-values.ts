/**
 * Values for the fields of a type section generated from its descriptor alone (tests that prove a descriptor
 * drives every layer): candidates of every leaf kind, the kernel's default never first, and the record and
 * document forms of a section.
 */
import { isGroup, type Field, type IfaceTypeDescriptor, type LeafField, type SectionSpec } from '../../src/model/host/types/descriptor.js'
import { IFACE_TYPE_DESCRIPTORS, fieldPath } from '../../src/model/host/types/index.js'
import type { Iface, IfaceType } from '../../src/model/host/iface.js'

export type Rec = Record<string, unknown>

/** A leaf with the record keys that lead to it (keyed groups). */
export interface Leaf {
  field: LeafField
  recordPath: string[]
}

export function leaves(fields: readonly Field[], recordPath: string[] = []): Leaf[] {
  return fields.flatMap((f): Leaf[] => {
    if (!isGroup(f)) return [{ field: f, recordPath: [...recordPath, f.key] }]
    return leaves(f.fields, f.key === undefined ? recordPath : [...recordPath, f.key])
  })
}

/** Names the candidates of interface-name fields use: the base, another base, and the peer of `name`. */
export interface Names {
  name: string
  base: string
  otherBase: string
}

/**
 * Values of a field its own check accepts, the kernel's default last (so that the first two differ from it
 * where the field allows); undefined for port lists (planned by attaching ports, not from the section alone).
 */
export function candidates(d: IfaceTypeDescriptor, f: LeafField, n: Names): unknown[] | undefined {
  const v = f.value
  const check = f.check as ((x: unknown, field: string) => string | undefined) | undefined
  const ok = (x: unknown): boolean => check?.(x, f.yaml) === undefined
  const defaultLast = (xs: unknown[]): unknown[] => [...xs.filter((x) => x !== f.kernelDefault), ...xs.filter((x) => x === f.kernelDefault)]
  switch (v.kind) {
    case 'bool': return defaultLast([true, false])
    case 'int': return defaultLast(Array.from({ length: 64 }, (_, i) => v.min + i).filter((x) => x <= v.max && ok(x)))
    case 'enum': return defaultLast(v.values.filter(ok))
    case 'ifname':
      if (f.key === d.baseField) return [n.base, n.otherBase]
      if (f.key === d.peerField) return [`${n.name}p`, `${n.name}q`]
      return ['y0', 'y1']
    case 'ip': return v.cast === 'unicast' ? ['192.0.2.1', '192.0.2.2'] : ['239.1.1.1', '239.1.1.2']
    case 'ips': return [['192.0.2.7', '192.0.2.8'], ['192.0.2.8', '192.0.2.9']]
    case 'kernel-options': return [{ [v.names[0]!]: 1 }, { [v.names[0]!]: 2 }]
    case 'ports':
    case 'ifnames': return undefined
  }
}

export function setAt(rec: Rec, path: readonly string[], value: unknown): void {
  let r = rec
  for (const k of path.slice(0, -1)) r = (r[k] ??= {}) as Rec
  r[path.at(-1)!] = value
}

export function getAt(rec: Rec | undefined, path: readonly string[]): unknown {
  let r: unknown = rec
  for (const k of path) r = (r as Rec | undefined)?.[k]
  return r
}

/** A section record as a document mapping, keyed as the descriptor's table spells it. */
export function docOf(section: SectionSpec, all: readonly Leaf[], rec: Rec): Rec {
  const out: Rec = {}
  for (const l of all) {
    const v = getAt(rec, l.recordPath)
    if (v !== undefined) setAt(out, fieldPath(section, l.field.key).split('/').slice(1), v)
  }
  return out
}

/** The types hostnet creates whose section is read from its field table (every one a new descriptor adds). */
export const TABLE_TYPES: readonly IfaceTypeDescriptor<IfaceType>[] = Object.values(IFACE_TYPE_DESCRIPTORS).filter(
  (d): d is IfaceTypeDescriptor<IfaceType> => d.creatable && d.section !== undefined && d.section.custom !== true,
)

/** The section record of an interface. */
export function sectionOf(i: Iface | undefined, s: SectionSpec): Rec | undefined {
  return (i as unknown as Rec | undefined)?.[s.prop] as Rec | undefined
}
