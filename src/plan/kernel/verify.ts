/**
 * Kernel verification: compare a re-queried state with the expected (normalized desired) state, checking only what the
 * expected state asks for. Field names in mismatches are the YAML ones (`mtu`, `vlan.id`,
 * `bridge.options.stp.forward-delay`, `ipv4.address`). Link-local IPv6 addresses are ignored.
 * @module
 */
import { describeRule, ruleMatches, type RouteRule } from '../../model/host/route-rule.js'
import type { Iface, IpConfig } from '../../model/host/iface.js'
import type { Route } from '../../model/host/route.js'
import type { DesiredState, HostState } from '../../model/host/state.js'
import { isLinkLocalIpv6, parseIpAddr } from '../../model/values/ip.js'
import { viewCurrent } from './current.js'
import type { CurrentView } from './current.js'
import { addrKey } from './graph.js'
import { listedPortNames, portsField } from '../../model/host/relations.js'
import { isGroup, type Field, type SectionSpec } from '../../model/host/types/descriptor.js'
import { IFACE_TYPE_DESCRIPTORS, PORT_OPTION_SPECS, typeDescriptor } from '../../model/host/types/index.js'
import { describeRoute, routeMatches } from './routes.js'
import type { Mismatch } from '../planner.js'

function yamlName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
}

type Out = Mismatch[]

function compareFields(out: Out, iface: string, prefix: string, want: object | undefined, have: object | undefined): void {
  if (want === undefined) return
  // for-in rather than Object.entries: this runs for every field of every interface of a plan (no allocations)
  for (const k in want) {
    const w = (want as Record<string, unknown>)[k]
    if (w === undefined || k === 'ports' || typeof w === 'object') continue
    const h = (have as Record<string, unknown> | undefined)?.[k]
    if (h !== w) out.push({ iface, field: `${prefix}${yamlName(k)}`, expected: w, observed: h })
  }
}

function compareAddresses(out: Out, name: string, family: 'ipv4' | 'ipv6', want: IpConfig | undefined, have: IpConfig | undefined): void {
  if (want === undefined) return
  const list = want.enabled === false ? [] : want.addresses
  if (list === undefined) return
  const observed = (have?.addresses ?? []).filter((a) => !a.ip.includes(':') || !isLinkLocalIpv6(parseIpAddr(a.ip))).map(addrKey).sort()
  const expected = list.map(addrKey).sort()
  if (expected.join(',') !== observed.join(',')) out.push({ iface: name, field: `${family}.address`, expected, observed })
}

/**
 * A family's DHCP client: asked for (`dhcp: true`) → one runs with the settings given, and an IPv4 one holds a
 * lease (this is what verification waits for); `dhcp: false` or `enabled: false` → none runs.
 */
function compareDhcp(out: Out, name: string, family: 'ipv4' | 'ipv6', want: IpConfig | undefined, have: IpConfig | undefined): void {
  if (want === undefined) return
  const running = have?.dhcp === true
  if (want.enabled === false || want.dhcp === false) {
    if (running) out.push({ iface: name, field: `${family}.dhcp`, expected: false, observed: true })
    return
  }
  if (want.dhcp !== true) return
  if (!running) {
    out.push({ iface: name, field: `${family}.dhcp`, expected: true, observed: false })
    return
  }
  for (const [k, field] of [['autoDns', 'auto-dns'], ['autoGateway', 'auto-gateway'], ['autoRoutes', 'auto-routes']] as const) {
    if (want[k] !== undefined && want[k] !== have?.[k]) out.push({ iface: name, field: `${family}.${field}`, expected: want[k], observed: have?.[k] })
  }
  if (family === 'ipv4' && have?.lease === undefined) out.push({ iface: name, field: `${family}.lease`, expected: 'a DHCP lease', observed: 'none yet' })
}

/** Kernel option maps (a bond's): sysfs prints some options as "name value" (e.g. "layer2 0"); a query may omit some. */
function compareKernelOptions(out: Out, name: string, prefix: string, want: Record<string, string | number> | undefined, have: Record<string, string | number> | undefined): void {
  for (const [k, w] of Object.entries(want ?? {})) {
    const h = have?.[k]
    if (h === undefined || String(h) === String(w) || String(h).split(' ')[0] === String(w)) continue
    out.push({ iface: name, field: `${prefix}${k}`, expected: w, observed: h })
  }
}

type Rec = Record<string, unknown>

/** An address set (a VXLAN's remotes): compared as sets. */
function compareSet(out: Out, iface: string, field: string, want: readonly string[], have: readonly string[] | undefined): void {
  const expected = [...want].sort()
  const observed = [...(have ?? [])].sort()
  if (expected.join(',') !== observed.join(',')) out.push({ iface, field, expected, observed })
}

/**
 * Compare the fields of a record that `want` gives (values, nested records, option maps, address sets; port lists
 * are compared elsewhere). Field names are the document's, dotted under `prefix`. Walks the descriptor's table: no
 * allocation unless something differs (or an address set is asked for).
 */
function compareRecord(out: Out, iface: string, prefix: string, fields: readonly Field[], want: Rec | undefined, have: Rec | undefined): void {
  if (want === undefined) return
  for (const f of fields) {
    if (isGroup(f)) {
      if (f.key === undefined) compareRecord(out, iface, `${prefix}${f.yaml}.`, f.fields, want, have)
      else compareRecord(out, iface, `${prefix}${f.yaml}.`, f.fields, want[f.key] as Rec | undefined, have?.[f.key] as Rec | undefined)
      continue
    }
    const w = want[f.key]
    if (w === undefined) continue
    const kind = f.value.kind
    if (kind === 'kernel-options') {
      compareKernelOptions(out, iface, `${prefix}${f.yaml}.`, w as Record<string, string | number>, have?.[f.key] as Record<string, string | number> | undefined)
      continue
    }
    if (kind === 'ports' || kind === 'ifnames') continue
    if (kind === 'ips') {
      compareSet(out, iface, `${prefix}${f.yaml}`, w as readonly string[], have?.[f.key] as readonly string[] | undefined)
      continue
    }
    const h = have?.[f.key]
    if (h !== w) out.push({ iface, field: `${prefix}${f.yaml}`, expected: w, observed: h })
  }
}

/** Each type's section → the prefix of its field names (`vlan.`). */
const PREFIX: ReadonlyMap<SectionSpec, string> = new Map(Object.values(IFACE_TYPE_DESCRIPTORS).flatMap((d) => (d.section === undefined ? [] : [[d.section, `${d.section.key}.`] as const])))

/** Port-side options (a bridge port's), with the prefix of their field names. */
const PORT_OPTIONS = PORT_OPTION_SPECS.map((p) => ({ ...p, prefix: `${p.key}.` }))

function compareSection(out: Out, e: Iface, o: Iface, view: CurrentView | undefined): void {
  const s = typeDescriptor(e.type === 'unknown' ? o.type : e.type).section
  if (s === undefined || s.custom === true) return
  compareRecord(out, e.name, PREFIX.get(s)!, s.fields, (e as unknown as Rec)[s.prop] as Rec | undefined, (o as unknown as Rec)[s.prop] as Rec | undefined)
  const listed = listedPortNames(e)
  if (listed !== undefined && view !== undefined) {
    const observed = [...(view.ports.get(e.name) ?? [])].sort()
    const expected = [...listed].sort()
    if (expected.join(',') !== observed.join(',')) out.push({ iface: e.name, field: portsField(e).replace('/', '.'), expected, observed })
  }
}

/** Mismatches between an expected interface and an existing one (view gives observed port lists). */
export function ifaceMismatches(e: Iface, o: Iface, view?: CurrentView): Mismatch[] {
  const out: Out = []
  if (e.state === 'absent') return [{ iface: e.name, field: 'state', expected: 'absent', observed: o.state ?? 'present' }]
  if (e.type !== 'unknown' && e.type !== o.type) out.push({ iface: e.name, field: 'type', expected: e.type, observed: o.type })
  compareFields(out, e.name, '', { state: e.state, mtu: e.mtu }, o)
  if (e.mac !== undefined && e.mac !== o.mac?.toLowerCase()) out.push({ iface: e.name, field: 'mac-address', expected: e.mac, observed: o.mac })
  if (e.controller !== undefined && (e.controller ?? null) !== (o.controller ?? null)) {
    out.push({ iface: e.name, field: 'controller', expected: e.controller, observed: o.controller ?? null })
  }
  compareAddresses(out, e.name, 'ipv4', e.ipv4, o.ipv4)
  compareAddresses(out, e.name, 'ipv6', e.ipv6, o.ipv6)
  compareDhcp(out, e.name, 'ipv4', e.ipv4, o.ipv4)
  compareDhcp(out, e.name, 'ipv6', e.ipv6, o.ipv6)
  for (const p of PORT_OPTIONS) compareRecord(out, e.name, p.prefix, p.fields, (e as unknown as Rec)[p.prop] as Rec | undefined, (o as unknown as Rec)[p.prop] as Rec | undefined)
  compareSection(out, e, o, view)
  return out
}

function verifyIface(out: Out, e: Iface, view: CurrentView): void {
  const o = view.ifaces.get(e.name)
  if (o === undefined) {
    if (e.state !== 'absent') out.push({ iface: e.name, field: 'state', expected: e.state ?? 'present', observed: 'absent' })
    return
  }
  out.push(...ifaceMismatches(e, o, view))
}

function verifyRoutes(out: Out, want: readonly Route[], have: readonly Route[]): void {
  const present = want.filter((r) => r.state !== 'absent')
  for (const r of present) {
    if (!have.some((h) => routeMatches(r, h))) out.push({ iface: r.nextHopInterface ?? '', field: 'routes', expected: describeRoute(r), observed: 'missing' })
  }
  for (const s of want.filter((r) => r.state === 'absent')) {
    for (const h of have) {
      if (!routeMatches(s, h) || present.some((r) => routeMatches(r, h))) continue
      out.push({ iface: h.nextHopInterface ?? '', field: 'routes', expected: 'absent', observed: describeRoute(h) })
    }
  }
}

function verifyRules(out: Out, want: readonly RouteRule[], have: readonly RouteRule[]): void {
  const present = want.filter((r) => r.state !== 'absent')
  for (const r of present) {
    if (!have.some((h) => ruleMatches(r, h))) out.push({ iface: '', field: 'route-rules', expected: describeRule(r), observed: 'missing' })
  }
  for (const s of want.filter((r) => r.state === 'absent')) {
    for (const h of have) {
      if (!ruleMatches(s, h) || present.some((r) => ruleMatches(r, h))) continue
      out.push({ iface: '', field: 'route-rules', expected: 'absent', observed: describeRule(h) })
    }
  }
}

/** Differences between what `expected` asks and what `current` shows (kernel links and routes); empty when verified. */
export function verifyKernel(expected: DesiredState, current: HostState): Mismatch[] {
  const view = viewCurrent(current)
  const out: Mismatch[] = []
  for (const e of expected.interfaces) verifyIface(out, e, view)
  verifyRoutes(out, expected.routes?.config ?? [], current.routes)
  verifyRules(out, expected.routeRules?.config ?? [], current.routeRules ?? [])
  return out
}
