/**
 * Kernel verification: compare a re-queried state with the expected (normalized desired) state, checking only what the
 * expected state asks for. Field names in mismatches are the YAML ones (`mtu`, `vlan.id`,
 * `bridge.options.stp.forward-delay`, `ipv4.address`). Link-local IPv6 addresses are ignored.
 * @module
 */
import type { Iface, IfaceType, IpConfig } from '../../model/host/iface.js'
import type { Route } from '../../model/host/route.js'
import type { DesiredState, HostState } from '../../model/host/state.js'
import { isLinkLocalIpv6, parseIpAddr } from '../../model/values/ip.js'
import { viewCurrent } from './current.js'
import type { CurrentView } from './current.js'
import { addrKey, listedPortNames } from './graph.js'
import { describeRoute, routeMatches } from './routes.js'
import type { Mismatch } from '../planner.js'

const SECTION_YAML: Partial<Record<IfaceType, string>> = {
  'linux-bridge': 'bridge',
  bond: 'link-aggregation',
  vlan: 'vlan',
  veth: 'veth',
  'mac-vlan': 'mac-vlan',
  'mac-vtap': 'mac-vtap',
  vxlan: 'vxlan',
  vrf: 'vrf',
  tap: 'tap',
}

/** Model names whose YAML name is not simply their kebab-case form. */
const YAML_NAMES: Readonly<Record<string, string>> = {
  stp: 'options.stp.enabled',
  forwardDelaySec: 'options.stp.forward-delay',
  helloTimeSec: 'options.stp.hello-time',
  maxAgeSec: 'options.stp.max-age',
  priority: 'options.stp.priority',
  macAgeingTimeSec: 'options.mac-ageing-time',
  multicastSnooping: 'options.multicast-snooping',
  vlanFiltering: 'options.vlan-filtering',
  groupFwdMask: 'options.group-fwd-mask',
  hairpin: 'stp-hairpin-mode',
  tableId: 'route-table-id',
}

function yamlName(key: string): string {
  return YAML_NAMES[key] ?? key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
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

function compareBondOptions(out: Out, name: string, want: Record<string, string | number> | undefined, have: Record<string, string | number> | undefined): void {
  for (const [k, w] of Object.entries(want ?? {})) {
    const h = have?.[k]
    // sysfs prints some options as "name value" (e.g. "layer2 0"); a query may omit options it does not read
    if (h === undefined || String(h) === String(w) || String(h).split(' ')[0] === String(w)) continue
    out.push({ iface: name, field: `link-aggregation.options.${k}`, expected: w, observed: h })
  }
}

function compareRemotes(out: Out, name: string, want: readonly string[] | undefined, have: readonly string[] | undefined): void {
  if (want === undefined) return
  const expected = [...want].sort()
  const observed = [...(have ?? [])].sort()
  if (expected.join(',') !== observed.join(',')) out.push({ iface: name, field: 'vxlan.remotes', expected, observed })
}

function compareSection(out: Out, e: Iface, o: Iface, view: CurrentView | undefined): void {
  const key = SECTION_YAML[e.type === 'unknown' ? o.type : e.type]
  if (key === undefined) return
  const p = `${key}.`
  compareFields(out, e.name, p, e.bridge?.options, o.bridge?.options)
  compareFields(out, e.name, p, e.bond, o.bond)
  compareBondOptions(out, e.name, e.bond?.options, o.bond?.options)
  compareFields(out, e.name, p, e.vlan, o.vlan)
  compareFields(out, e.name, p, e.veth, o.veth)
  compareFields(out, e.name, p, e.macvlan, o.macvlan)
  compareFields(out, e.name, p, e.vxlan, o.vxlan)
  compareRemotes(out, e.name, e.vxlan?.remotes, o.vxlan?.remotes)
  compareFields(out, e.name, p, e.vrf, o.vrf)
  compareFields(out, e.name, p, e.tap, o.tap)
  const listed = listedPortNames(e)
  if (listed !== undefined && view !== undefined) {
    const observed = [...(view.ports.get(e.name) ?? [])].sort()
    const expected = [...listed].sort()
    if (expected.join(',') !== observed.join(',')) out.push({ iface: e.name, field: `${p}port`, expected, observed })
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
  compareFields(out, e.name, 'bridge-port.', e.bridgePort, o.bridgePort)
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

/** Differences between what `expected` asks and what `current` shows (kernel links and routes); empty when verified. */
export function verifyKernel(expected: DesiredState, current: HostState): Mismatch[] {
  const view = viewCurrent(current)
  const out: Mismatch[] = []
  for (const e of expected.interfaces) verifyIface(out, e, view)
  verifyRoutes(out, expected.routes?.config ?? [], current.routes)
  return out
}
