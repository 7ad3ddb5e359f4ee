/**
 * Merge a normalized desired document with the current state into one Merged record per touched interface:
 * document entries first, then what they imply: peers of new veths, ports claimed by a controller's list or
 * dropped from it, and (cascade.ts) what deletions and MTU changes drag along.
 * @module
 */
import type { Iface, IpAddress } from '../../model/host/iface.js'
import { namedPeer, peerOf, peerPath, withPeer } from '../../model/host/relations.js'
import type { KernelCaps } from '../caps.js'
import { cascadeDeletes, propagateMtu } from './cascade.js'
import type { CurrentView } from './current.js'
import { checkCreatable, impliedModify } from './merged.js'
import type { Merged } from './merged.js'
import type { DesiredEntry, NormalizedDesired } from './normalize.js'
import { ifacePath } from '../problems.js'
import { createTarget, immutableChange, overlayTarget, recreateTarget } from './target.js'
import { resolvedType, validateEntry } from './validate-entry.js'
import { ifaceMismatches } from './verify.js'

/** Loopback's own addresses, as the kernel gives them to `lo` when it comes up. */
const LOOPBACK_OWN: Readonly<Record<'ipv4' | 'ipv6', IpAddress>> = {
  ipv4: { ip: '127.0.0.1', prefixLength: 8 },
  ipv6: { ip: '::1', prefixLength: 128 },
}

/**
 * Loopback keeps its own addresses (127.0.0.1/8, ::1/128) whatever list a document gives it, as nmstate does: an
 * address list for a loopback is taken with them. Removing them cuts the host's local traffic, and the kernel
 * adds them back whenever lo comes up, so restoring them failed ("Address already assigned").
 */
function withLoopbackOwn(want: Iface): Iface {
  if (want.type !== 'loopback') return want
  let out = want
  for (const family of ['ipv4', 'ipv6'] as const) {
    const ip = out[family]
    const own = LOOPBACK_OWN[family]
    if (ip?.addresses === undefined || ip.enabled === false) continue
    if (ip.addresses.some((a) => a.ip === own.ip && a.prefixLength === own.prefixLength)) continue
    out = { ...out, [family]: { ...ip, addresses: [own, ...ip.addresses] } }
  }
  return out
}

function fromEntry(e: DesiredEntry, current: Iface | undefined, caps: KernelCaps): Merged {
  validateEntry(e, current, caps)
  const want: Iface = withLoopbackOwn({ ...e.iface, type: resolvedType(e.iface, current) })
  // one object literal per outcome (no spreads): this runs for every entry of a document
  const path = ifacePath(e.index)
  const make = (target: Iface | undefined, action: Merged['action']): Merged => ({ name: want.name, index: e.index, path, current, desired: want, target, action })
  if (want.state === 'absent') return make(undefined, current === undefined ? 'absent' : 'delete')
  if (current === undefined) return make(createTarget(want), 'create')
  // already as asked: the target is the current interface itself, which tells diff there is nothing to do
  // (anything implied later replaces the target object)
  if (ifaceMismatches(want, current).length === 0) return make(current, 'modify')
  const change = immutableChange(current, want)
  if (change === undefined) return make(overlayTarget(current, want), 'modify')
  const m = make(recreateTarget(current, want), 'recreate')
  checkCreatable(m, caps)
  return m
}

/** A veth (a type with a peer) listed without its peer, whose peer is another document entry naming it: fill the peer in. */
function fillPeers(norm: NormalizedDesired): void {
  const peerOfName = new Map<string, string>()
  for (const { iface } of norm.entries.values()) {
    const peer = namedPeer(iface)
    if (peer !== undefined && iface.state !== 'absent') peerOfName.set(peer, iface.name)
  }
  for (const e of norm.entries.values()) {
    const owner = peerOfName.get(e.iface.name)
    if (owner !== undefined && e.iface.state !== 'absent' && peerOf(e.iface) === undefined) e.iface = withPeer(e.iface, owner)
  }
}

/** The far end of a new veth (a type with a peer) that the document does not name: created with it, up. */
function addPeers(merged: Map<string, Merged>, cur: CurrentView): void {
  for (const m of [...merged.values()]) {
    const peer = m.target !== undefined && (m.action === 'create' || m.action === 'recreate') ? peerOf(m.target) : undefined
    if (peer === undefined || merged.has(peer) || cur.ifaces.has(peer)) continue
    const desired: Iface = withPeer({ name: peer, type: m.target!.type, state: 'up' }, m.name)
    merged.set(peer, { name: peer, index: -1, path: ifacePath(m.index, peerPath(desired.type)), current: undefined, desired, target: createTarget(desired), action: 'create' })
  }
}

function setController(m: Merged, controller: string | null, options: Iface['bridgePort']): void {
  m.desired = { ...m.desired, controller }
  if (options !== undefined) m.desired.bridgePort = options
  if (m.target === undefined) return
  const t: Iface = { ...m.target, controller }
  delete t.bridgePort
  const bridgePort = controller === (m.current?.controller ?? null) ? { ...m.current?.bridgePort, ...options } : options
  if (controller !== null && bridgePort !== undefined) t.bridgePort = bridgePort
  m.target = t
}

/** Ports a controller's list claims, for interfaces the document does not name itself. */
function addClaimedPorts(merged: Map<string, Merged>, cur: CurrentView, norm: NormalizedDesired): void {
  for (const [port, claim] of norm.claims) {
    if (norm.entries.has(port)) continue
    const m = merged.get(port)
    if (m !== undefined) {
      setController(m, claim.controller, claim.options)
      continue
    }
    const c = cur.ifaces.get(port)
    // a port that neither exists nor is in the document is reported by validate-target with the claim's path
    const change: Partial<Iface> = { controller: claim.controller }
    if (claim.options !== undefined) change.bridgePort = claim.options
    if (c !== undefined) merged.set(port, impliedModify(c, claim.path, change))
    else merged.set(port, { name: port, index: -1, path: claim.path, current: undefined, desired: { name: port, type: 'unknown', ...change }, target: undefined, action: 'absent' })
  }
}

/** Current ports a controller's replacing list leaves out (and nobody else claims) are detached. */
function addListDetaches(merged: Map<string, Merged>, cur: CurrentView, norm: NormalizedDesired): void {
  for (const [ctrl, { names, path }] of norm.listed) {
    for (const p of cur.ports.get(ctrl) ?? []) {
      if (names.has(p) || norm.claims.has(p)) continue
      const m = merged.get(p)
      if (m === undefined) merged.set(p, impliedModify(cur.ifaces.get(p)!, path, { controller: null }))
      else if (m.target !== undefined) setController(m, null, undefined)
    }
  }
}

export function mergeStates(cur: CurrentView, norm: NormalizedDesired, caps: KernelCaps): Map<string, Merged> {
  fillPeers(norm)
  const merged = new Map<string, Merged>()
  for (const e of norm.entries.values()) merged.set(e.iface.name, fromEntry(e, cur.ifaces.get(e.iface.name), caps))
  addPeers(merged, cur)
  addClaimedPorts(merged, cur, norm)
  addListDetaches(merged, cur, norm)
  cascadeDeletes(merged, cur, caps)
  propagateMtu(merged, cur)
  return merged
}
