/**
 * The full target of one interface: the desired fields over the current ones (partial editing), or the desired
 * fields plus creation defaults for a new interface; and which changes the kernel cannot make in place.
 * @module
 */
import type { Iface, IpConfig } from '../../model/host/iface.js'
import { baseOf } from '../../model/host/relations.js'
import { isGroup, type SectionSpec } from '../../model/host/types/descriptor.js'
import { IFACE_TYPE_DESCRIPTORS, SECTIONS, typeDescriptor } from '../../model/host/types/index.js'

type Rec = Record<string, unknown>

function targetIp(cur: IpConfig | undefined, want: IpConfig | undefined): IpConfig {
  if (want?.enabled === false) return { addresses: [] }
  return { addresses: want?.addresses ?? cur?.addresses ?? [] }
}

function rec(i: Iface, prop: string): Rec | undefined {
  return (i as unknown as Rec)[prop] as Rec | undefined
}

/** Whether a section is flat: no nested record and no option map, so overlaying is one spread. */
function isFlat(spec: SectionSpec): boolean {
  return spec.fields.every((f) => !isGroup(f) && f.value.kind !== 'kernel-options' && f.value.kind !== 'ports')
}

const FLAT: ReadonlySet<SectionSpec> = new Set(Object.values(IFACE_TYPE_DESCRIPTORS).flatMap((d) => (d.section !== undefined && isFlat(d.section) ? [d.section] : [])))

/**
 * `want`'s fields over `cur`'s in one section: values field by field, nested records (a bridge's options) and
 * option maps (a bond's) merged key by key; port lists are not carried (the planner keeps membership on the ports).
 */
function overlaySection(spec: SectionSpec, c: Rec | undefined, w: Rec | undefined): Rec {
  if (FLAT.has(spec)) return { ...c, ...w }
  const out: Rec = {}
  for (const f of spec.fields) {
    if (isGroup(f)) {
      if (f.key !== undefined) out[f.key] = { ...(c?.[f.key] as Rec | undefined), ...(w?.[f.key] as Rec | undefined) }
      continue
    }
    const kind = f.value.kind
    if (kind === 'ports' || kind === 'ifnames') continue
    const cv = c?.[f.key]
    const wv = w?.[f.key]
    if (kind === 'kernel-options') {
      if (cv !== undefined || wv !== undefined) out[f.key] = { ...(cv as Rec | undefined), ...(wv as Rec | undefined) }
    } else if ((wv ?? cv) !== undefined) out[f.key] = wv ?? cv
  }
  return out
}

/** The section of `cur`'s type with `want`'s fields over it (entries carry no other section: validate-entry). */
function overlaySections(cur: Iface, want: Iface): Partial<Iface> {
  const spec = typeDescriptor(cur.type).section
  if (spec === undefined || spec.custom === true) return {}
  const c = rec(cur, spec.prop)
  const w = rec(want, spec.prop)
  return c === undefined && w === undefined ? {} : ({ [spec.prop]: overlaySection(spec, c, w) } as Partial<Iface>)
}

function withOptional<K extends 'mtu' | 'mac'>(o: Iface, key: K, v: Iface[K]): void {
  if (v !== undefined) o[key] = v
}

/** Target of an existing interface: `want` over `cur`. `cur` must be normalized (see current.ts). */
export function overlayTarget(cur: Iface, want: Iface): Iface {
  const controller = want.controller !== undefined ? want.controller : (cur.controller ?? null)
  const t: Iface = {
    name: cur.name,
    type: cur.type,
    state: want.state ?? cur.state ?? 'down',
    controller,
    ipv4: targetIp(cur.ipv4, want.ipv4),
    ipv6: targetIp(cur.ipv6, want.ipv6),
    ...overlaySections(cur, want),
  }
  withOptional(t, 'mtu', want.mtu ?? cur.mtu)
  withOptional(t, 'mac', want.mac ?? cur.mac)
  const samePort = controller !== null && controller === (cur.controller ?? null)
  const bridgePort = samePort ? { ...cur.bridgePort, ...want.bridgePort } : want.bridgePort
  if (bridgePort !== undefined && controller !== null) t.bridgePort = bridgePort
  return t
}

/** Target of a new interface: what `want` says, state up unless said otherwise, new-bridge defaults. */
export function createTarget(want: Iface): Iface {
  const t: Iface = {
    name: want.name,
    type: want.type,
    state: want.state === 'down' ? 'down' : 'up',
    controller: want.controller ?? null,
    ipv4: targetIp(undefined, want.ipv4),
    ipv6: targetIp(undefined, want.ipv6),
    ...overlaySections({ name: want.name, type: want.type }, want),
  }
  const d = typeDescriptor(t.type)
  if (d.createDefaults !== undefined && d.section !== undefined) {
    ;(t as unknown as Rec)[d.section.prop] = (d.createDefaults as (s: unknown) => object)(rec(want, d.section.prop))
  }
  withOptional(t, 'mtu', want.mtu)
  withOptional(t, 'mac', want.mac)
  if (want.bridgePort !== undefined && t.controller !== null) t.bridgePort = want.bridgePort
  return t
}

/** A field the kernel cannot change on a live link, with its kernel default (so that "unset" and "the default" compare equal). */
interface Immutable {
  key: string
  kernelDefault: unknown
}

/** Section property → its immutable fields. */
const IMMUTABLE: ReadonlyMap<string, readonly Immutable[]> = new Map(
  SECTIONS.map((s) => [s.prop, s.fields.flatMap((f): Immutable[] => (!isGroup(f) && f.immutable === true ? [{ key: f.key, kernelDefault: f.kernelDefault }] : []))] as const),
)

/**
 * The first field `want` changes that the kernel cannot change in place (e.g. `vlan.id`), or undefined.
 * Only fields `want` gives are considered: everything else keeps its current value.
 */
export function immutableChange(cur: Iface, want: Iface): string | undefined {
  const spec = typeDescriptor(cur.type).section
  const w = spec === undefined ? undefined : rec(want, spec.prop)
  if (spec === undefined || w === undefined) return undefined
  const c = rec(cur, spec.prop) ?? {}
  for (const f of IMMUTABLE.get(spec.prop)!) {
    if (w[f.key] === undefined) continue
    if ((c[f.key] ?? f.kernelDefault) !== (w[f.key] ?? f.kernelDefault)) return `${spec.prop}.${f.key}`
  }
  return undefined
}

/**
 * Target of an interface deleted and created again: `want` over `cur`, keeping the MAC (the same interface, as
 * far as guests and DHCP reservations see it); the MTU is kept only when the base interface stays the same.
 */
export function recreateTarget(cur: Iface, want: Iface): Iface {
  const t = overlayTarget({ ...cur, controller: cur.controller ?? null }, want)
  if (want.mtu === undefined && baseOf(t) !== baseOf(cur)) delete t.mtu
  return t
}
