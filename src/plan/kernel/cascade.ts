/**
 * What deletions and MTU decreases drag along, as the kernel would do it:
 * - deleting a link deletes its children (VLAN, MAC-VLAN/VTAP, VXLAN: types with a base) and its veth peer, and
 *   releases its ports;
 * - recreating a link recreates its children and re-attaches its ports;
 * - lowering a base's MTU lowers its children's whose type is bounded by it; a bond's MTU is its ports'.
 * The planner records these so that ops, verification and the rollback snapshot know about them. A child named
 * in the document that would be dragged away while wanted up/down is an error.
 * @module
 */
import type { Iface } from '../../model/host/iface.js'
import { baseOf, peerOf } from '../../model/host/relations.js'
import { BOUNDED_MTU_TYPES, CREATABLE_TYPES, typeDescriptor } from '../../model/host/types/index.js'
import type { KernelCaps } from '../caps.js'
import type { CurrentView } from './current.js'
import { checkCreatable, effectiveMtu, impliedModify, isDeleted, isImplied } from './merged.js'
import type { Merged } from './merged.js'
import { ifacePath, invalid, unsupported } from '../problems.js'
import { overlayTarget } from './target.js'

function impliedDelete(cur: Iface, path: string): Merged {
  return { name: cur.name, index: -1, path, current: cur, desired: { name: cur.name, type: cur.type, state: 'absent' }, target: undefined, action: 'delete' }
}

function impliedRecreate(cur: Iface, path: string): Merged {
  const target = overlayTarget(cur, { name: cur.name, type: cur.type })
  return { name: cur.name, index: -1, path, current: cur, desired: { ...target }, target, action: 'recreate' }
}

/** Why `m` (a parent being deleted or recreated) drags `name` along, for messages. */
function because(parent: Merged, relation: string): string {
  return `its ${relation} '${parent.name}' is being ${parent.action === 'delete' ? 'removed' : 'recreated'}`
}

function blame(m: Merged): string {
  return m.index >= 0 ? ifacePath(m.index, m.desired.state === undefined ? 'type' : 'state') : m.path
}

/**
 * `name` goes along with `parent` (as its child or veth peer). Returns true when it is newly deleted or recreated.
 * `keep`: the relation survives a recreate of the parent (a child stays on its recreated base).
 */
function dragAlong(merged: Map<string, Merged>, cur: CurrentView, parent: Merged, name: string, relation: string, keep: boolean, caps: KernelCaps): boolean {
  const c = cur.ifaces.get(name)
  if (c === undefined) return false
  const m = merged.get(name)
  const recreate = parent.action === 'recreate' && keep
  if (m === undefined) {
    if (!CREATABLE_TYPES.has(c.type)) {
      unsupported(parent.path, parent.name, `changing it would also remove '${name}' (${c.info?.linkKind ?? c.type}), which hostnet cannot create again`)
    }
    const implied = recreate ? impliedRecreate(c, parent.path) : impliedDelete(c, parent.path)
    if (recreate) checkCreatable(implied, caps)
    merged.set(name, implied)
    return true
  }
  if (m.action !== 'modify') return false
  if (recreate) {
    m.action = 'recreate'
    checkCreatable(m, caps)
    return true
  }
  if (!isImplied(m) || m.desired.controller !== undefined) {
    invalid(blame(m), name, `cannot be ${m.target?.state ?? 'kept'}: ${because(parent, relation)}`, m.desired.state)
  }
  merged.set(name, impliedDelete(c, parent.path))
  return true
}

/** Ports of a deleted controller are released; ports of a recreated one are attached again. */
function releasePorts(merged: Map<string, Merged>, cur: CurrentView, parent: Merged): void {
  for (const p of cur.ports.get(parent.name) ?? []) {
    const m = merged.get(p)
    if (m === undefined) {
      const change = { controller: parent.action === 'recreate' ? parent.name : null }
      merged.set(p, impliedModify(cur.ifaces.get(p)!, parent.path, change))
      continue
    }
    if (m.target === undefined || m.target.controller !== parent.name) continue
    if (parent.action === 'recreate') {
      m.target = { ...m.target } // released by the delete, attached again: not "nothing to do"
      continue
    }
    if (m.desired.controller === parent.name) invalid(m.path, p, `cannot be a port of '${parent.name}': ${because(parent, 'controller')}`, parent.name)
    m.desired = { ...m.desired, controller: null }
    const t: Iface = { ...m.target, controller: null }
    delete t.bridgePort
    m.target = t
  }
}

export function cascadeDeletes(merged: Map<string, Merged>, cur: CurrentView, caps: KernelCaps): void {
  const queue = [...merged.values()].filter((m) => isDeleted(m)).map((m) => m.name)
  while (queue.length > 0) {
    const parent = merged.get(queue.pop()!)!
    for (const ch of cur.children.get(parent.name) ?? []) {
      if (dragAlong(merged, cur, parent, ch, 'base interface', true, caps)) queue.push(ch)
    }
    const peer = parent.current === undefined ? undefined : peerOf(parent.current)
    if (peer !== undefined && peer !== (parent.target === undefined ? undefined : peerOf(parent.target)) && dragAlong(merged, cur, parent, peer, 'veth peer', false, caps)) queue.push(peer)
    releasePorts(merged, cur, parent)
  }
}

function lowerMtu(merged: Map<string, Merged>, cur: CurrentView, name: string, mtu: number, path: string): boolean {
  const m = merged.get(name)
  if (m === undefined) {
    const c = cur.ifaces.get(name)!
    if (c.mtu === undefined || c.mtu <= mtu) return false
    merged.set(name, impliedModify(c, path, { mtu }))
    return true
  }
  if (m.target?.mtu === undefined || m.target.mtu <= mtu) return false
  // an explicitly desired MTU above the base's is an error (validate-target); a carried one follows the kernel
  if (!isImplied(m) && m.desired.mtu !== undefined) return false
  m.target = { ...m.target, mtu }
  if (isImplied(m)) m.desired = { ...m.desired, mtu }
  return true
}

function setsPortMtu(i: Iface | undefined): boolean {
  return i !== undefined && typeDescriptor(i.type).controller?.setsPortMtu === true
}

/** A bond's MTU is its ports' (the kernel sets it on enslave and on every bond MTU change). */
function followBonds(merged: Map<string, Merged>, cur: CurrentView): void {
  for (const m of [...merged.values()]) {
    const bondMtu = setsPortMtu(m.target) ? m.target!.mtu : undefined
    if (bondMtu === undefined) continue
    for (const p of cur.ports.get(m.name) ?? []) {
      const c = cur.ifaces.get(p)!
      if (!merged.has(p) && c.mtu !== bondMtu) merged.set(p, impliedModify(c, m.path, { mtu: bondMtu }))
    }
  }
  for (const m of merged.values()) {
    const ctrl = m.target?.controller ? (merged.get(m.target.controller)?.target ?? cur.ifaces.get(m.target.controller)) : undefined
    if (m.target === undefined || !setsPortMtu(ctrl) || m.desired.mtu !== undefined) continue
    const mtu = effectiveMtu(merged, cur.ifaces, ctrl!.name)
    if (mtu !== undefined) m.target = { ...m.target, mtu }
  }
}

/** Bond ports follow the bond; then children of links whose MTU drops get it lowered too (the kernel does so). */
export function propagateMtu(merged: Map<string, Merged>, cur: CurrentView): void {
  followBonds(merged, cur)
  const queue = [...merged.keys()]
  while (queue.length > 0) {
    const name = queue.pop()!
    const m = merged.get(name)
    const mtu = m?.target === undefined ? undefined : effectiveMtu(merged, cur.ifaces, name)
    if (m === undefined || mtu === undefined) continue
    for (const ch of cur.children.get(name) ?? []) {
      const c = cur.ifaces.get(ch)!
      if (!BOUNDED_MTU_TYPES.has(c.type) || baseOf(merged.get(ch)?.target ?? c) !== name) continue
      if (lowerMtu(merged, cur, ch, mtu, m.path)) queue.push(ch)
    }
  }
}
