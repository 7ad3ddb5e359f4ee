/**
 * A desired document split for the OVS planner and the kernel planner:
 * - ovs-bridge entries and ovs-interface entries (types of entries without one resolved from the current state:
 *   a kernel device first, then an OVS bridge);
 * - which bridge each interface should be a port of (`claims`: from bridge port lists, bond member lists and
 *   `controller` fields naming an OVS bridge) and which interfaces must stop being OVS ports (`releases`:
 *   desired absent, given a kernel controller or none, or listed by a Linux bridge/bond/vrf);
 * - the kernel document: everything but ovs-bridges and patch ports, without OVS fields, OVS membership turned
 *   into "no kernel controller", new internal ports wanted up unless said otherwise.
 * @module
 */
import type { Iface, IfaceType } from '../../model/host/iface.js'
import { peerOf } from '../../model/host/relations.js'
import { KERNEL_CONTROLLER_TYPES } from '../../model/host/types/index.js'
import type { DesiredState } from '../../model/host/state.js'
import type { OvsBridgePort } from '../../model/host/ovs.js'
import { ifacePath, invalid, unsupported } from '../problems.js'
import { isPatch, type OvsView } from './state.js'

export interface OvsEntry {
  index: number
  iface: Iface
}

export interface OvsClaim {
  bridge: string
  /** The port the interface is (a member of). */
  port: string
  path: string
  /** The bridge's port-list entry, when the claim comes from one. */
  entry?: OvsBridgePort
}

export interface OvsDesired {
  bridges: Map<string, OvsEntry>
  ovsIfaces: Map<string, OvsEntry>
  kernelEntries: Map<string, OvsEntry>
  /** Interface name → the bridge and port it should be part of. */
  claims: Map<string, OvsClaim>
  /** Interface name → why it must not be an OVS port (a JSON pointer). */
  releases: Map<string, string>
  /** Bridges whose port list was given (it replaces the current list). */
  listed: Set<string>
  kernelDoc: DesiredState
}

const KERNEL_CONTROLLERS = KERNEL_CONTROLLER_TYPES

function resolveType(i: Iface, v: OvsView): IfaceType {
  if (i.type !== 'unknown') return i.type
  if (v.ovsIfaces.has(i.name)) return 'ovs-interface'
  if (!v.kernel.has(i.name) && v.bridges.has(i.name)) return 'ovs-bridge'
  return 'unknown'
}

function collect(desired: DesiredState, v: OvsView): Pick<OvsDesired, 'bridges' | 'ovsIfaces' | 'kernelEntries'> {
  const out = { bridges: new Map<string, OvsEntry>(), ovsIfaces: new Map<string, OvsEntry>(), kernelEntries: new Map<string, OvsEntry>() }
  desired.interfaces.forEach((raw, index) => {
    const iface: Iface = { ...raw, type: resolveType(raw, v) }
    const map = iface.type === 'ovs-bridge' ? out.bridges : iface.type === 'ovs-interface' ? out.ovsIfaces : out.kernelEntries
    const other = iface.type === 'ovs-bridge' ? undefined : (out.kernelEntries.get(iface.name) ?? out.ovsIfaces.get(iface.name))
    const seen = map.get(iface.name) ?? other
    if (seen !== undefined) invalid(ifacePath(index, 'name'), iface.name, `listed twice (also at ${ifacePath(seen.index)})`, iface.name)
    map.set(iface.name, { index, iface })
  })
  return out
}

function checkBridgeEntry({ index, iface: b }: OvsEntry): void {
  if (b.state === 'absent') return
  if (b.state === 'down') unsupported(ifacePath(index, 'state'), b.name, 'an OVS bridge cannot be down (remove it with state: absent)')
  const refuse = (field: string, why: string): never => invalid(ifacePath(index, field), b.name, why)
  if (b.mtu !== undefined) refuse('mtu', 'an OVS bridge has no MTU: set it on its internal ovs-interface')
  if (b.mac !== undefined) refuse('mac-address', 'an OVS bridge has no MAC address: set it on its internal ovs-interface')
  if (b.ipv4 !== undefined || b.ipv6 !== undefined) {
    refuse(b.ipv4 !== undefined ? 'ipv4' : 'ipv6', 'an OVS bridge has no IP configuration: put addresses on an internal ovs-interface')
  }
  if (b.controller !== undefined) refuse('controller', 'an OVS bridge cannot be a port')
  if (b.bridgePort !== undefined) refuse('bridge-port', 'an OVS bridge has no bridge-port options')
}

function checkOvsIfaceEntry({ index, iface: i }: OvsEntry, v: OvsView): void {
  if (i.state === 'absent') return
  const refuse = (field: string, why: string): never => invalid(ifacePath(index, field), i.name, why)
  if (i.bridgePort !== undefined) refuse('bridge-port', 'an ovs-interface has no Linux bridge-port options')
  if (i.controller === null) refuse('controller', 'an ovs-interface exists only as a port of an OVS bridge (remove it with state: absent)')
  const patch = i.ovsInterface?.patch !== undefined || (i.ovsInterface === undefined && isPatchNow(v, i.name))
  if (!patch) return
  if (i.mtu !== undefined) refuse('mtu', 'an OVS patch port has no MTU')
  if (i.mac !== undefined) refuse('mac-address', 'an OVS patch port has no MAC address')
  for (const f of ['ipv4', 'ipv6'] as const) {
    if ((i[f]?.addresses?.length ?? 0) > 0 || i[f]?.enabled === true) refuse(f, 'an OVS patch port has no IP configuration')
  }
  if (i.state === 'down') refuse('state', 'an OVS patch port cannot be down')
  if (i.ovsInterface?.patch?.peer === i.name) refuse('patch/peer', 'a patch port cannot be its own peer')
}

function isPatchNow(v: OvsView, name: string): boolean {
  const c = v.ovsIfaces.get(name)
  return c !== undefined && isPatch(c)
}

/** Names the OVS bridges the document wants (present) and that stay. */
function liveBridges(v: OvsView, d: Pick<OvsDesired, 'bridges' | 'kernelEntries'>): Set<string> {
  const out = new Set<string>()
  for (const name of v.bridges.keys()) if (d.bridges.get(name)?.iface.state !== 'absent') out.add(name)
  for (const [name, e] of d.bridges) if (e.iface.state !== 'absent') out.add(name)
  for (const [name, e] of d.kernelEntries) {
    if (KERNEL_CONTROLLERS.has(e.iface.type) || KERNEL_CONTROLLERS.has(v.kernel.get(name)?.type ?? 'unknown')) out.delete(name)
  }
  return out
}

function claim(claims: Map<string, OvsClaim>, name: string, c: OvsClaim): void {
  const other = claims.get(name)
  if (other !== undefined && (other.bridge !== c.bridge || other.port !== c.port)) {
    invalid(c.path, name, `port claimed twice: by '${other.bridge}' (${other.path}) and by '${c.bridge}' (${c.path})`, name)
  }
  if (other === undefined || c.entry !== undefined) claims.set(name, c)
}

function listClaims(d: Pick<OvsDesired, 'bridges'>, v: OvsView, claims: Map<string, OvsClaim>, listed: Set<string>): void {
  for (const [bridge, { index, iface }] of d.bridges) {
    const ports = iface.state === 'absent' ? undefined : iface.ovsBridge?.ports
    if (ports === undefined) continue
    listed.add(bridge)
    ports.forEach((p, k) => {
      const path = ifacePath(index, `bridge/port/${k}`)
      if (p.bond === undefined) return claim(claims, p.name, { bridge, port: p.name, path, entry: p })
      if (p.bond.ports !== undefined && p.bond.ports.length < 2) {
        invalid(`${path}/link-aggregation/port`, bridge, `OVS bond '${p.name}' needs at least two ports`)
      }
      // a bond entry without its member list keeps the current members
      const members = p.bond.ports ?? (v.ports.get(p.name)?.bond !== undefined ? v.ports.get(p.name)!.members : undefined)
      if (members === undefined) invalid(`${path}/link-aggregation`, bridge, `OVS bond '${p.name}' needs its port list`)
      const at = p.bond.ports === undefined ? `${path}/link-aggregation` : `${path}/link-aggregation/port`
      const given = p.bond.ports !== undefined
      members.forEach((m, j) => claim(claims, m, { bridge, port: p.name, path: given ? `${at}/${j}` : at, entry: p }))
    })
  }
}

/** The port `iface` belongs to now, if it is on `bridge`. */
function currentPort(v: OvsView, iface: string, bridge: string): string | undefined {
  const port = v.ifacePort.get(iface)
  return port !== undefined && v.ports.get(port)?.bridge === bridge ? port : undefined
}

/** A new bridge without ports gets an internal port of its own name (its local port), as nmstate does. */
function localPorts(d: Pick<OvsDesired, 'bridges'>, v: OvsView, claims: Map<string, OvsClaim>, listed: Set<string>): void {
  for (const [bridge, { index, iface }] of d.bridges) {
    const ports = iface.ovsBridge?.ports
    const hasPorts = ports !== undefined && ports.length > 0
    if (iface.state === 'absent' || v.bridges.has(bridge) || hasPorts || v.kernel.has(bridge)) continue
    listed.add(bridge)
    claim(claims, bridge, { bridge, port: bridge, path: ifacePath(index, 'bridge/port'), entry: { name: bridge } })
  }
}

interface ClaimSets {
  claims: Map<string, OvsClaim>
  listed: Set<string>
  releases: Map<string, string>
}

function controllerClaims(v: OvsView, entries: Iterable<OvsEntry>, live: Set<string>, { claims, listed, releases }: ClaimSets): void {
  for (const { index, iface } of entries) {
    const c = iface.controller
    if (c === undefined || iface.state === 'absent') continue
    const path = ifacePath(index, 'controller')
    if (c === null || !live.has(c)) {
      if (iface.type === 'ovs-interface') {
        invalid(path, iface.name, `controller '${c}' is not an OVS bridge: an ovs-interface can only be a port of an OVS bridge`, c)
      }
      releases.set(iface.name, path)
      continue
    }
    const have = claims.get(iface.name)
    if (have === undefined && listed.has(c)) invalid(path, iface.name, `names controller '${c}' but the port list of '${c}' leaves it out`, c)
    claim(claims, iface.name, { bridge: c, port: have?.port ?? currentPort(v, iface.name, c) ?? iface.name, path })
  }
}

function kernelReleases(d: Pick<OvsDesired, 'kernelEntries' | 'ovsIfaces'>, v: OvsView, releases: Map<string, string>): void {
  for (const { index, iface } of [...d.kernelEntries.values(), ...d.ovsIfaces.values()]) {
    const path = ifacePath(index)
    if (iface.state === 'absent') {
      releases.set(iface.name, ifacePath(index, 'state'))
      const cur = v.kernel.get(iface.name)
      const peer = cur === undefined ? undefined : peerOf(cur)
      if (peer !== undefined) releases.set(peer, ifacePath(index, 'state'))
      continue
    }
    const listed = [...(iface.bridge?.ports?.map((x) => x.name) ?? []), ...(iface.bond?.ports ?? []), ...(iface.vrf?.ports ?? [])]
    for (const p of listed) releases.set(p, path)
  }
}

function checkConflicts({ claims, releases }: Omit<ClaimSets, 'listed'>, d: Pick<OvsDesired, 'ovsIfaces' | 'kernelEntries'>): void {
  for (const [name, c] of claims) {
    const r = releases.get(name)
    if (r === undefined) continue
    const absent = (d.ovsIfaces.get(name) ?? d.kernelEntries.get(name))?.iface.state === 'absent'
    const why = absent
      ? `is listed as a port of OVS bridge '${c.bridge}' but is desired absent`
      : `port claimed by two controllers: OVS bridge '${c.bridge}' (${c.path}) and ${r}`
    invalid(c.path, name, why, name)
  }
}

function kernelEntry(e: OvsEntry, v: OvsView, d: Pick<OvsDesired, 'claims'>): Iface | undefined {
  const i = e.iface
  if (i.type === 'ovs-interface') {
    if (i.state === 'absent' || i.ovsInterface?.patch !== undefined || isPatchNow(v, i.name)) return undefined
    const k: Iface = { name: i.name, type: 'ovs-interface' }
    const state = i.state ?? (v.ovsIfaces.has(i.name) ? undefined : 'up')
    if (state !== undefined) k.state = state
    if (i.ipv4 !== undefined) k.ipv4 = i.ipv4
    if (i.ipv6 !== undefined) k.ipv6 = i.ipv6
    return k
  }
  const k: Iface = { ...i }
  delete k.ovsDb
  if (d.claims.has(i.name) && k.state !== 'absent') k.controller = null
  return k
}

/** Internal ports a bridge list implies (no entry of their own, no such device): created up, as nmstate does. */
function impliedInternal(d: Pick<OvsDesired, 'claims' | 'ovsIfaces' | 'kernelEntries'>, v: OvsView): Iface[] {
  const out: Iface[] = []
  for (const [name, c] of d.claims) {
    if (c.entry?.bond !== undefined || d.ovsIfaces.has(name) || d.kernelEntries.has(name)) continue
    if (v.kernel.has(name) || v.ovsIfaces.has(name) || v.ports.has(name)) continue
    out.push({ name, type: 'ovs-interface', state: 'up' })
  }
  return out
}

export function splitDesired(desired: DesiredState, v: OvsView): OvsDesired {
  const entries = collect(desired, v)
  for (const e of entries.bridges.values()) checkBridgeEntry(e)
  for (const e of entries.ovsIfaces.values()) checkOvsIfaceEntry(e, v)
  const claims = new Map<string, OvsClaim>()
  const releases = new Map<string, string>()
  const listed = new Set<string>()
  listClaims(entries, v, claims, listed)
  localPorts(entries, v, claims, listed)
  const live = liveBridges(v, entries)
  controllerClaims(v, [...entries.kernelEntries.values(), ...entries.ovsIfaces.values()], live, { claims, listed, releases })
  kernelReleases(entries, v, releases)
  checkConflicts({ claims, releases }, entries)
  const d = { ...entries, claims, releases, listed }
  const kernel: Iface[] = []
  for (const e of [...entries.kernelEntries.values(), ...entries.ovsIfaces.values()].sort((a, b) => a.index - b.index)) {
    const k = kernelEntry(e, v, d)
    if (k !== undefined) kernel.push(k)
  }
  kernel.push(...impliedInternal(d, v))
  const kernelDoc: DesiredState = { interfaces: kernel }
  if (desired.routes !== undefined) kernelDoc.routes = desired.routes
  if (desired.routeRules !== undefined) kernelDoc.routeRules = desired.routeRules
  return { ...d, kernelDoc }
}
