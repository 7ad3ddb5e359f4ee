/**
 * What a document's entries mean against the current state, in nmstate's terms, before either planner room sees
 * them:
 * - `type: ethernet` names any existing NIC, a veth included (nmstate models a veth as an ethernet with a peer; its
 *   own CI runs the examples on veth pairs): the entry takes the veth's type.
 * - `state: down` on a virtual interface (one hostnet creates: bridge, bond, VLAN, veth pair, ...) removes it, as
 *   nmstate does; on a missing one there is nothing to do (unless another entry creates it as its veth peer). A
 *   veth whose peer is in another namespace is a NIC here (nmstate reports it as an ethernet): down only sets it
 *   down, and it is never removed.
 *   A veth end whose peer the document keeps is only set down (removing one end removes both).
 * Hostnet's own documents (`downKeepsLinks`: rollbacks, iface-destroy) keep down as "set down".
 * Entries are rewritten only when a rule applies; the document is otherwise passed on as it is.
 * @module
 */
import { CREATABLE_TYPES } from '../model/host/types/index.js'
import type { Iface } from '../model/host/iface.js'
import type { DesiredState, HostState } from '../model/host/state.js'
import { listedPortNames, namedPeer, peerOf } from '../model/host/relations.js'
import { ifacePath, invalid } from './problems.js'

/** A veth whose peer is not in this namespace: a NIC as far as documents go (nmstate reports it as an ethernet). */
export function isNicVeth(i: Iface): boolean {
  return i.type === 'veth' && peerOf(i) === undefined
}

/** An interface `state: down` removes: one hostnet creates and deletes, other than a NIC-like veth. */
function isVirtual(i: Iface): boolean {
  return CREATABLE_TYPES.has(i.type) && !isNicVeth(i)
}

/** Whether `state: down` on the named interface only sets it down (never removes it). */
type KeepsDown = (name: string) => boolean

function resolveEntry(i: Iface, index: number, current: ReadonlyMap<string, Iface>, keepsDown: KeepsDown): Iface {
  const out = i.copyMacFrom === undefined ? i : copiedMac(i, index, current)
  return resolveState(out, index, current.get(i.name), keepsDown)
}

/** `copy-mac-from`: the MAC the named interface has now. */
function copiedMac(i: Iface, index: number, current: ReadonlyMap<string, Iface>): Iface {
  const { copyMacFrom: from, ...rest } = i
  const mac = from === undefined ? undefined : current.get(from)?.mac
  if (mac === undefined) invalid(ifacePath(index, 'copy-mac-from'), i.name, `copy-mac-from '${from}': no such interface with a MAC address`, from)
  return { ...rest, mac }
}

function resolveState(i: Iface, index: number, current: Iface | undefined, keepsDown: KeepsDown): Iface {
  let out = i
  if (i.type === 'ethernet' && current?.type === 'veth') {
    if (i.state === 'absent' && isNicVeth(current)) {
      invalid(ifacePath(index, 'state'), i.name, 'is a NIC (a veth whose peer is in another namespace) and cannot be removed (set state: down instead)', i.state)
    }
    out = { ...out, type: 'veth' }
  }
  // a veth end that another entry wants (as its peer) is only set down, or created down with it
  if (out.state !== 'down' || keepsDown(out.name)) return out
  const gone = current === undefined ? out.type === 'unknown' || CREATABLE_TYPES.has(out.type) : isVirtual(current) && (out.type === 'unknown' || out.type === current.type)
  return gone ? { name: out.name, type: out.type, state: 'absent' } : out
}

/** The document with nmstate's meaning of `type: ethernet` and `state: down` applied against `current`. */
export function resolveDesired(current: HostState, desired: DesiredState): DesiredState {
  let byName: Map<string, Iface> | undefined
  let peers: Set<string> | undefined
  let changed: Iface[] | undefined
  desired.interfaces.forEach((i, index) => {
    if (i.type !== 'ethernet' && i.copyMacFrom === undefined && i.state !== 'down') return
    if (i.type === 'ovs-bridge' || i.type === 'ovs-interface') return
    byName ??= kernelIfaces(current)
    peers ??= keptPeers(desired, byName)
    const keep = peers
    const r = resolveEntry(i, index, byName, (n) => desired.downKeepsLinks === true || keep.has(n))
    if (r === i) return
    changed ??= [...desired.interfaces]
    changed[index] = r
  })
  return changed === undefined ? desired : { ...desired, interfaces: changed }
}

/**
 * Veth ends the document keeps as the peer of an interface that stays: of an entry that is not removed (its own
 * `veth.peer`, or the current pair's) or of a port a controller's list names.
 */
function keptPeers(desired: DesiredState, current: ReadonlyMap<string, Iface>): Set<string> {
  const out = new Set<string>()
  const keep = (name: string, peer?: string): void => {
    const c = current.get(name)
    const p = peer ?? (c === undefined ? undefined : peerOf(c))
    if (p !== undefined) out.add(p)
  }
  for (const d of desired.interfaces) {
    if (d.state === 'absent' || d.state === 'down') continue
    keep(d.name, namedPeer(d))
    for (const port of listedPortNames(d) ?? []) keep(port)
    for (const port of d.ovsBridge?.ports ?? []) for (const n of [port.name, ...(port.bond?.ports ?? [])]) keep(n)
  }
  return out
}

/** Kernel interfaces by name (OVS bridges, which share names with their internal ports, left out). */
function kernelIfaces(state: HostState): Map<string, Iface> {
  const m = new Map<string, Iface>()
  for (const i of state.interfaces) if (i.type !== 'ovs-bridge') m.set(i.name, i)
  return m
}
