/**
 * Checks of each document entry against the current interface of the same name, before any merging: type
 * changes, what cannot be created or removed, what hostnet's DHCP client cannot do, sections that do not
 * belong to the type, and the fields a new interface of each type needs.
 * @module
 */
import type { Iface, IfaceType, IpConfig } from '../../model/host/iface.js'
import { isGroup, type LeafField, type SectionSpec } from '../../model/host/types/descriptor.js'
import { CREATABLE_TYPES, IFACE_TYPE_DESCRIPTORS, SECTIONS, typeDescriptor } from '../../model/host/types/index.js'
import type { KernelCaps } from '../caps.js'
import type { DesiredEntry } from './normalize.js'
import { ifacePath, invalid, unsupported } from '../problems.js'

function checkIp(c: IpConfig | undefined, family: 'ipv4' | 'ipv6', index: number, name: string): void {
  if (c === undefined) return
  if (family === 'ipv6' && c.enabled !== false && (c.dhcp === true || c.autoconf === true) && c.dhcp !== c.autoconf) {
    // dhcpcd follows the router advertisements' flags: DHCPv6 and SLAAC come together
    const key = c.dhcp === true ? 'autoconf' : 'dhcp'
    unsupported(ifacePath(index, `${family}/${key}`), name, `${family}.dhcp and ${family}.autoconf must both be true or both false (the DHCP client handles router advertisements and DHCPv6 together)`)
  }
  const table = c.autoRouteTableId
  if (c.dhcp === true && table !== undefined && table !== 0 && table !== 254) {
    unsupported(ifacePath(index, `${family}/auto-route-table-id`), name, `${family}.auto-route-table-id ${table}: the DHCP client (dhcpcd) installs routes into the main table only`)
  }
  if (c.enabled === false && (c.addresses?.length ?? 0) > 0) invalid(ifacePath(index, `${family}/address`), name, `${family} is disabled but lists addresses`)
}

/** Iface property → its section (named by its first owner's key), for the kernel types' sections. */
const SECTION_OF_PROP: ReadonlyMap<string, SectionSpec> = new Map(SECTIONS.filter((s) => s.custom !== true).map((s) => [s.prop, s] as const))

/** A section given that the type does not have. Walks the entry's own few keys (this runs for every entry). */
function checkSections(i: Iface, type: IfaceType, index: number): void {
  const own = typeDescriptor(type).section?.prop
  for (const k in i) {
    const s = k === own ? undefined : SECTION_OF_PROP.get(k)
    if (s === undefined || (i as unknown as Record<string, unknown>)[k] === undefined) continue
    invalid(ifacePath(index, s.key), i.name, `section '${s.key}' does not apply to an interface of type ${type}`)
  }
}

/** Type → the fields of its section a new link needs, in table order. */
const REQUIRED: ReadonlyMap<IfaceType, readonly LeafField[]> = new Map(
  Object.values(IFACE_TYPE_DESCRIPTORS).map((d) => [d.type, (d.section?.fields ?? []).filter((f): f is LeafField => !isGroup(f) && f.requiredToCreate === true)] as const),
)

/** The first field a new interface of its type cannot do without (its document path), or undefined. */
function missingForCreate(i: Iface): string | undefined {
  const s = typeDescriptor(i.type).section
  if (s === undefined) return undefined
  const rec = (i as unknown as Record<string, Record<string, unknown> | undefined>)[s.prop]
  for (const f of REQUIRED.get(i.type)!) if (rec?.[f.key] === undefined) return `${s.key}/${f.yaml}`
  return undefined
}

function checkCreate(i: Iface, index: number, caps: KernelCaps): void {
  if (i.type === 'unknown') invalid(ifacePath(index, 'type'), i.name, 'does not exist; give its type to create it')
  const notDone = typeDescriptor(i.type).unsupported
  if (notDone !== undefined) unsupported(ifacePath(index, 'type'), i.name, `does not exist, and interfaces of type ${i.type} are not supported by hostnet: ${notDone.why}`)
  if (!CREATABLE_TYPES.has(i.type)) invalid(ifacePath(index, 'type'), i.name, `does not exist, and interfaces of type ${i.type} cannot be created`, i.type)
  if (caps.creatableKinds !== undefined && !caps.creatableKinds.has(i.type)) {
    unsupported(ifacePath(index, 'type'), i.name, `cannot be created: this kernel does not support interfaces of type ${i.type}`)
  }
  const missing = missingForCreate(i)
  if (missing !== undefined) invalid(ifacePath(index, missing), i.name, `${missing.replace('/', '.')} is required to create a ${i.type}`)
}

/** The type an entry resolves to: its own, or the current interface's when the document says 'unknown'. */
export function resolvedType(i: Iface, current: Iface | undefined): IfaceType {
  return i.type === 'unknown' && current !== undefined ? current.type : i.type
}

export function validateEntry(e: DesiredEntry, current: Iface | undefined, caps: KernelCaps): void {
  const { iface: i, index } = e
  if (current !== undefined && i.type !== 'unknown' && i.type !== current.type) {
    invalid(ifacePath(index, 'type'), i.name, `is a ${current.type}; changing its type to ${i.type} is not supported (remove it first)`, i.type)
  }
  if (i.state === 'absent') {
    if (current !== undefined && !CREATABLE_TYPES.has(current.type)) {
      invalid(ifacePath(index, 'state'), i.name, `is a ${current.type} and cannot be removed (set state: down instead)`, i.state)
    }
    return
  }
  checkSections(i, resolvedType(i, current), index)
  checkIp(i.ipv4, 'ipv4', index, i.name)
  checkIp(i.ipv6, 'ipv6', index, i.name)
  if (current === undefined) checkCreate(i, index, caps)
  if (caps.bridgeVlanFiltering === false && i.bridge?.options?.vlanFiltering === true) {
    unsupported(ifacePath(index, 'bridge/options/vlan-filtering'), i.name, 'bridge VLAN filtering is not supported by this kernel')
  }
}
