/**
 * Relations between interfaces, read through the type descriptors: a child (VLAN, MAC-VLAN/VTAP, VXLAN) sits on a
 * base interface, a port belongs to a controller (and a controller's section may list its ports), a veth has a
 * peer. Shared by the planner, the simulator, the backends and the codec.
 * @module
 */
import type { Iface, IfaceType } from './iface.js'
import { fieldPath, IFACE_TYPE_DESCRIPTORS, PORT_LISTING_CONTROLLERS, SECTIONS, typeDescriptor } from './types/index.js'
import type { SectionSpec } from './types/descriptor.js'
import type { BridgePort } from './types/linux-bridge.js'

type Rec = Record<string, unknown>

/** The section record of `i` for its type (undefined when the type has none or it is not given). */
export function sectionOf(i: Iface, type: IfaceType = i.type): Rec | undefined {
  const s = typeDescriptor(type).section
  return s === undefined ? undefined : ((i as unknown as Rec)[s.prop] as Rec | undefined)
}

/** A field of a type's section naming another interface: the section property and the field. */
interface Ref {
  prop: string
  field: string
}

function refsBy(field: (d: { baseField?: string; peerField?: string }) => string | undefined): ReadonlyMap<IfaceType, Ref> {
  return new Map(
    Object.values(IFACE_TYPE_DESCRIPTORS).flatMap((d) => {
      const f = field(d)
      return f === undefined || d.section === undefined ? [] : [[d.type, { prop: d.section.prop, field: f }] as const]
    }),
  )
}

/** Type → where its base is named; type → where its peer is named (precomputed: asked for every interface). */
const BASE_REFS = refsBy((d) => d.baseField)
const PEER_REFS = refsBy((d) => d.peerField)
const LINK_IS_BASE: ReadonlySet<IfaceType> = new Set(Object.values(IFACE_TYPE_DESCRIPTORS).filter((d) => d.reportedLinkIsBase === true).map((d) => d.type))

function readRef(i: Iface, r: Ref | undefined): string | undefined {
  return r === undefined ? undefined : (((i as unknown as Rec)[r.prop] as Rec | undefined)?.[r.field] as string | undefined)
}

/** The base (lower) interface of a child, if any. For kernel kinds hostnet does not model, the reported link. */
export function baseOf(i: Iface): string | undefined {
  return LINK_IS_BASE.has(i.type) ? i.info?.link : readRef(i, BASE_REFS.get(i.type))
}

/** The peer created and deleted with `i` (a veth's other end). */
export function peerOf(i: Iface): string | undefined {
  return readRef(i, PEER_REFS.get(i.type))
}

/** The peer `i` names in a peer section (a veth's), whatever its type says (a document may leave it to the current state). */
export function namedPeer(i: Iface): string | undefined {
  for (const p of PEER_SECTIONS) {
    const v = ((i as unknown as Rec)[p.prop] as Rec | undefined)?.[p.field]
    if (typeof v === 'string') return v
  }
  return undefined
}

/** `i` (of a type with a peer) naming `peer` as its peer. */
export function withPeer(i: Iface, peer: string): Iface {
  const d = typeDescriptor(i.type)
  if (d.peerField === undefined || d.section === undefined) return i
  return { ...i, [d.section.prop]: { ...sectionOf(i), [d.peerField]: peer } }
}

/** The document path of a type's peer field (`veth/peer`), or `type` when it has none. */
export function peerPath(type: IfaceType): string {
  const d = typeDescriptor(type)
  return d.peerField === undefined || d.section === undefined ? 'type' : fieldPath(d.section, d.peerField)
}

/** The document path of the base-interface field of a type (`vlan/base-iface`), for error paths; `type` otherwise. */
export function baseField(type: IfaceType): string {
  const d = typeDescriptor(type)
  return d.baseField === undefined || d.section === undefined ? 'type' : fieldPath(d.section, d.baseField)
}

/** How a kernel controller's section lists ports: the section, its property and field, whether items are `{name}`. */
interface PortList {
  section: SectionSpec
  prop: string
  field: string
  items: boolean
}

const PORT_LISTS: readonly PortList[] = PORT_LISTING_CONTROLLERS.map((d) => {
  const field = d.controller!.portsField!
  const spec = d.section!.fields.find((f) => f.key === field)
  return { section: d.section!, prop: d.section!.prop, field, items: spec !== undefined && 'value' in spec && spec.value.kind === 'ports' }
})

const NO_LISTS: readonly PortList[] = []

/**
 * Type → the port lists an interface of the type can hold: its own, none, or (type left to the current state)
 * any; the codec refuses other types' sections. Precomputed: this is asked for every interface of every plan.
 */
const LISTS_OF: ReadonlyMap<IfaceType, readonly PortList[]> = new Map(
  Object.values(IFACE_TYPE_DESCRIPTORS).map((d) => [d.type, d.type === 'unknown' ? PORT_LISTS : PORT_LISTS.filter((l) => l.section === d.section)] as const),
)

/** The ports list a controller section of `i` gives (items are names or `{name, options}`), with where it is. */
export function portListOf(i: Iface): { list: ReadonlyArray<string | BridgePort>; at: PortList } | undefined {
  for (const l of LISTS_OF.get(i.type) ?? NO_LISTS) {
    const list = ((i as unknown as Rec)[l.prop] as Rec | undefined)?.[l.field]
    if (list !== undefined) return { list: list as ReadonlyArray<string | BridgePort>, at: l }
  }
  return undefined
}

/** The port options a controller section lists for `port` (a bridge's `port: [{name, ...options}]`). */
export function listedPortOptions(i: Iface, port: string): object | undefined {
  const item = portListOf(i)?.list.find((p) => typeof p !== 'string' && p.name === port)
  return typeof item === 'object' ? item.options : undefined
}

/** The ports list a controller section gives (replace semantics), or undefined when none is given. */
export function listedPortNames(i: Iface): string[] | undefined {
  return portListOf(i)?.list.map((p) => (typeof p === 'string' ? p : p.name))
}

/** The document path of an entry's ports list (`bridge/port`), or `controller` when it lists none. */
export function portsField(i: Iface): string {
  const l = portListOf(i)?.at
  return l === undefined ? 'controller' : fieldPath(l.section, l.field)
}

/**
 * A copy of `i` without controller-side port lists (the planner keeps membership on the port side only). This
 * runs for every interface of every plan.
 */
export function withoutPortLists(i: Iface): Iface {
  let out: Iface | undefined
  for (const l of LISTS_OF.get(i.type) ?? NO_LISTS) {
    const s = (i as unknown as Rec)[l.prop] as Rec | undefined
    if (s?.[l.field] === undefined) continue
    const { [l.field]: _ports, ...rest } = s
    out ??= { ...i }
    ;(out as unknown as Rec)[l.prop] = rest
  }
  return out ?? { ...i }
}

/**
 * List `ports` in `i`'s section (in place), as a query reports a controller: a bridge's as `{name}` items, a
 * bond's and a VRF's as names. Nothing for types that list no ports.
 */
export function setPortList(i: Iface, ports: readonly string[]): void {
  const l = i.type === 'unknown' ? undefined : LISTS_OF.get(i.type)?.[0]
  if (l === undefined) return
  const r = i as unknown as Rec
  r[l.prop] = { ...(r[l.prop] as Rec | undefined), [l.field]: l.items ? ports.map((name) => ({ name })) : [...ports] }
}

/** The interfaces `i` names in its sections regardless of its type: bases and peers (a document's references). */
export function referencedNames(i: Iface): string[] {
  const out: string[] = []
  for (const s of SECTIONS) {
    const rec = (i as unknown as Rec)[s.prop] as Rec | undefined
    if (rec === undefined) continue
    for (const f of REF_FIELDS.get(s.prop) ?? []) {
      const v = rec[f]
      if (typeof v === 'string' && v !== '') out.push(v)
    }
  }
  return out
}

/** Sections naming a peer: the section property and the field. */
const PEER_SECTIONS: readonly { prop: string; field: string }[] = Object.values(IFACE_TYPE_DESCRIPTORS).flatMap((d) =>
  d.peerField === undefined || d.section === undefined ? [] : [{ prop: d.section.prop, field: d.peerField }],
)

/** Section property → its fields naming another interface (base or peer). */
const REF_FIELDS: ReadonlyMap<string, readonly string[]> = (() => {
  const m = new Map<string, string[]>()
  for (const d of Object.values(IFACE_TYPE_DESCRIPTORS)) {
    if (d.section === undefined) continue
    const refs = m.get(d.section.prop) ?? []
    for (const f of [d.baseField, d.peerField]) if (f !== undefined && !refs.includes(f)) refs.push(f)
    if (refs.length > 0) m.set(d.section.prop, refs)
  }
  return m
})()
