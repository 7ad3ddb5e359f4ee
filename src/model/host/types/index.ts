/**
 * The interface types hostnet knows, one descriptor each (./descriptor.ts explains what a descriptor holds), and
 * lookups derived from them once. Listing a descriptor here is the only step besides writing its file.
 * @module
 */
import type { IfaceType } from '../iface.js'
import { bond } from './bond.js'
import { isGroup, type ControllerSpec, type Field, type IfaceTypeDescriptor, type SectionSpec } from './descriptor.js'
import { dummy } from './dummy.js'
import { hsr } from './hsr.js'
import { infiniband } from './infiniband.js'
import { ipvlan } from './ipvlan.js'
import { ipsec } from './ipsec.js'
import { macsec } from './macsec.js'
import { ethernet } from './ethernet.js'
import { linuxBridge } from './linux-bridge.js'
import { loopback } from './loopback.js'
import { macVlan } from './mac-vlan.js'
import { macVtap } from './mac-vtap.js'
import { ovsBridge } from './ovs-bridge.js'
import { ovsInterface } from './ovs-interface.js'
import { tap } from './tap.js'
import { unknown } from './unknown.js'
import { veth } from './veth.js'
import { vlan } from './vlan.js'
import { vrf } from './vrf.js'
import { vxlan } from './vxlan.js'

/**
 * Every type. Order shows in a few places: controllers' port lists are looked for in bridge, bond, vrf order,
 * `bridge:` of an entry without a type is a Linux bridge's, and two sections of one entry are named in this order.
 */
export const IFACE_TYPE_DESCRIPTORS: { readonly [T in IfaceType]: IfaceTypeDescriptor<T> } = {
  ethernet,
  'linux-bridge': linuxBridge,
  bond,
  vlan,
  veth,
  'mac-vlan': macVlan,
  'mac-vtap': macVtap,
  ipvlan,
  vxlan,
  dummy,
  vrf,
  tap,
  loopback,
  'ovs-bridge': ovsBridge,
  'ovs-interface': ovsInterface,
  hsr,
  macsec,
  infiniband,
  ipsec,
  unknown,
}

const ALL: readonly IfaceTypeDescriptor<IfaceType>[] = Object.values(IFACE_TYPE_DESCRIPTORS)

export const IFACE_TYPES: readonly IfaceType[] = ALL.map((d) => d.type)

/** The descriptor of `type`. */
export function typeDescriptor(type: IfaceType): IfaceTypeDescriptor<IfaceType> {
  return IFACE_TYPE_DESCRIPTORS[type]
}

const BY_NAME: ReadonlyMap<string, IfaceType> = new Map(ALL.flatMap((d) => [[d.type, d.type] as const, ...(d.aliases ?? []).map((a) => [a, d.type] as const)]))

/** The type a `type:` spelling names (canonical name or alias), or undefined. */
export function typeNamed(name: string): IfaceType | undefined {
  return BY_NAME.get(name)
}

const BY_KIND: ReadonlyMap<string, IfaceType> = new Map(ALL.flatMap((d) => (d.kernelKind === undefined ? [] : [[d.kernelKind, d.type] as const])))

/** The type of a kernel link kind (`info_kind`), or undefined for kinds hostnet does not model. */
export function typeOfKernelKind(kind: string): IfaceType | undefined {
  return BY_KIND.get(kind)
}

/** Types hostnet can create and delete (the rest are read-only or managed elsewhere). */
export const CREATABLE_TYPES: ReadonlySet<IfaceType> = new Set(ALL.filter((d) => d.creatable).map((d) => d.type))

/** Types that can have ports. */
export const CONTROLLER_TYPES: ReadonlySet<IfaceType> = new Set(ALL.filter((d) => d.controller !== undefined).map((d) => d.type))

/** Kernel controllers (ports attached with `master`), the ones plan/kernel attaches ports to. */
export const KERNEL_CONTROLLER_TYPES: ReadonlySet<IfaceType> = new Set(ALL.filter((d) => d.controller?.kernel === true).map((d) => d.type))

/** Types deleted by the kernel together with their base interface. */
export const CHILD_TYPES: ReadonlySet<IfaceType> = new Set(ALL.filter((d) => d.baseField !== undefined).map((d) => d.type))

/** Children whose MTU the kernel bounds by, and lowers with, their base's. */
export const BOUNDED_MTU_TYPES: ReadonlySet<IfaceType> = new Set(ALL.filter((d) => d.mtu?.boundedByBase === true).map((d) => d.type))

/** The section of each `Iface` property (mac-vlan and mac-vtap share one: the first owner, mac-vlan, is listed). */
export const SECTIONS: readonly SectionSpec[] = firstOwners((s) => s.prop)

/** Section key → its section (the first owner: `bridge:` of an entry without a type is a Linux bridge's). */
export const SECTION_BY_KEY: ReadonlyMap<string, SectionSpec> = new Map(firstOwners((s) => s.key).map((s) => [s.key, s] as const))

function firstOwners(keyOf: (s: SectionSpec) => string): SectionSpec[] {
  const seen = new Map<string, SectionSpec>()
  for (const d of ALL) if (d.section !== undefined && !seen.has(keyOf(d.section))) seen.set(keyOf(d.section), d.section)
  return [...seen.values()]
}

/** Port-side options of controllers (a Linux bridge's `bridge-port`): the `Iface` property, document key and fields. */
export const PORT_OPTION_SPECS: readonly NonNullable<ControllerSpec['portOptions']>[] = ALL.flatMap((d) => (d.controller?.portOptions === undefined ? [] : [d.controller.portOptions]))

/** Descriptors of kernel controllers whose section lists ports, in registry order (bridge, bond, vrf). */
export const PORT_LISTING_CONTROLLERS: readonly IfaceTypeDescriptor<IfaceType>[] = ALL.filter((d) => d.controller?.kernel === true && d.controller.portsField !== undefined)

const PATHS = new Map<SectionSpec, Map<string, string>>()

/** The document path of a section field, slash-separated from the section key (e.g. `vlan/base-iface`). Memoized. */
export function fieldPath(section: SectionSpec, key: string): string {
  let paths = PATHS.get(section)
  if (paths === undefined) PATHS.set(section, (paths = new Map()))
  let p = paths.get(key)
  if (p === undefined) paths.set(key, (p = findPath(section, key)))
  return p
}

function findPath(section: SectionSpec, key: string): string {
  const walk = (fields: readonly Field[], prefix: string): string | undefined => {
    for (const f of fields) {
      if (!isGroup(f)) {
        if (f.key === key) return `${prefix}/${f.yaml}`
        continue
      }
      const inner = walk(f.fields, `${prefix}/${f.yaml}`)
      if (inner !== undefined) return inner
    }
    return undefined
  }
  return walk(section.fields, section.key) ?? `${section.key}/${key}`
}

/** The kernel's defaults of a record's leaf fields (`kernelDefault`), e.g. a new bridge's options. */
export function kernelDefaults(fields: readonly Field[]): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {}
  for (const f of fields) {
    if (isGroup(f)) {
      if (f.key === undefined) Object.assign(out, kernelDefaults(f.fields))
    } else if (f.kernelDefault !== undefined) out[f.key] = f.kernelDefault
  }
  return out
}
