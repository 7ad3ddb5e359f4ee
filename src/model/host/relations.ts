/**
 * Relations between interfaces, read through the type descriptors: a child (VLAN, MAC-VLAN/VTAP, VXLAN) sits on a
 * base interface, a port belongs to a controller (and a controller's section may list its ports), a veth has a
 * peer. Shared by the planner, the simulator, the backends and the codec.
 * @module
 */
import type { Iface, IfaceType } from './iface.js'
import { fieldPath, IFACE_TYPE_DESCRIPTORS, PORT_LISTING_CONTROLLERS, SECTIONS, typeDescriptor } from './types/index.js'
import type { BridgePort } from './types/linux-bridge.js'

type Rec = Record<string, unknown>

/** The section record of `i` for its type (undefined when the type has none or it is not given). */
export function sectionOf(i: Iface, type: IfaceType = i.type): Rec | undefined {
  const s = typeDescriptor(type).section
  return s === undefined ? undefined : ((i as unknown as Rec)[s.prop] as Rec | undefined)
}

/** The base (lower) interface of a child, if any. For kernel kinds hostnet does not model, the reported link. */
export function baseOf(i: Iface): string | undefined {
  const d = typeDescriptor(i.type)
  if (d.baseField !== undefined) return sectionOf(i)?.[d.baseField] as string | undefined
  return d.reportedLinkIsBase === true ? i.info?.link : undefined
}

/** A copy of `i` with its base interface replaced (for types that have one). */
export function withBase(i: Iface, base: string): Iface {
  const d = typeDescriptor(i.type)
  if (d.baseField === undefined || d.section === undefined) return i
  return { ...i, [d.section.prop]: { ...sectionOf(i), [d.baseField]: base } }
}

/** The peer created and deleted with `i` (a veth's other end). */
export function peerOf(i: Iface): string | undefined {
  const f = typeDescriptor(i.type).peerField
  return f === undefined ? undefined : (sectionOf(i)?.[f] as string | undefined)
}

/** The document path of the base-interface field of a type (`vlan/base-iface`), for error paths; `type` otherwise. */
export function baseField(type: IfaceType): string {
  const d = typeDescriptor(type)
  return d.baseField === undefined || d.section === undefined ? 'type' : fieldPath(d.section, d.baseField)
}

function portNames(list: unknown): string[] {
  return (list as Array<string | BridgePort>).map((p) => (typeof p === 'string' ? p : p.name))
}

/**
 * The ports list a controller section gives (replace semantics), or undefined when none is given. Read from
 * whichever section is there, so that an entry leaving its type to the current state works too.
 */
export function listedPortNames(i: Iface): string[] | undefined {
  for (const d of PORT_LISTING_CONTROLLERS) {
    const list = ((i as unknown as Rec)[d.section!.prop] as Rec | undefined)?.[d.controller!.portsField!]
    if (list !== undefined) return portNames(list)
  }
  return undefined
}

/** The document path of an entry's ports list (`bridge/port`), or `controller` when it lists none. */
export function portsField(i: Iface): string {
  for (const d of PORT_LISTING_CONTROLLERS) {
    const s = d.section!
    if (((i as unknown as Rec)[s.prop] as Rec | undefined)?.[d.controller!.portsField!] !== undefined) return fieldPath(s, d.controller!.portsField!)
  }
  return 'controller'
}

/** A copy of `i` without controller-side port lists (the planner keeps membership on the port side only). */
export function withoutPortLists(i: Iface): Iface {
  let out: Iface | undefined
  for (const d of PORT_LISTING_CONTROLLERS) {
    const prop = d.section!.prop
    const field = d.controller!.portsField!
    const s = (i as unknown as Rec)[prop] as Rec | undefined
    if (s?.[field] === undefined) continue
    const { [field]: _ports, ...rest } = s
    out ??= { ...i }
    ;(out as unknown as Rec)[prop] = rest
  }
  return out ?? { ...i }
}

/** Kernel controller type → how its section lists ports: the section property, the field, and whether items are `{name}`. */
const PORT_LISTS: ReadonlyMap<IfaceType, { prop: string; field: string; items: boolean }> = new Map(
  PORT_LISTING_CONTROLLERS.map((d) => {
    const field = d.controller!.portsField!
    const spec = d.section!.fields.find((f) => f.key === field)
    return [d.type, { prop: d.section!.prop, field, items: spec !== undefined && 'value' in spec && spec.value.kind === 'ports' }] as const
  }),
)

/**
 * List `ports` in `i`'s section (in place), as a query reports a controller: a bridge's as `{name}` items, a
 * bond's and a VRF's as names. Nothing for types that list no ports.
 */
export function setPortList(i: Iface, ports: readonly string[]): void {
  const l = PORT_LISTS.get(i.type)
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
