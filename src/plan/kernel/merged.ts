/**
 * The planner's per-interface record: current, desired (asked or implied), target, and what happens to it.
 * @module
 */
import type { Iface } from '../../model/host/iface.js'
import { baseOf } from '../../model/host/relations.js'
import { KERNEL_DEFAULT_MTU } from '../../model/host/types/descriptor.js'
import { CREATABLE_TYPES, typeDescriptor } from '../../model/host/types/index.js'
import type { KernelCaps } from '../caps.js'
import { unsupported } from '../problems.js'
import { overlayTarget } from './target.js'

/**
 * - absent: does not exist and is not wanted;
 * - create: new link;
 * - modify: exists and stays (changed in place, or not at all);
 * - delete: removed;
 * - recreate: deleted and created again (a field the kernel cannot change in place, or its base is recreated).
 */
export type Action = 'absent' | 'create' | 'modify' | 'delete' | 'recreate'

export interface Merged {
  name: string
  /** Document index, or -1 for an interface touched only by implication. */
  index: number
  /** JSON pointer to blame: the document entry, or the field that implied this one. */
  path: string
  current: Iface | undefined
  /** What is asked of it: the document entry (normalized), or the implied change. Verification checks this. */
  desired: Iface
  /** The complete wanted state; undefined when absent. */
  target: Iface | undefined
  action: Action
}

export function isImplied(m: Merged): boolean {
  return m.index < 0
}

/** Whether the link goes away in the delete phase. */
export function isDeleted(m: Merged | undefined): boolean {
  return m !== undefined && (m.action === 'delete' || m.action === 'recreate')
}

/** Whether a new link is made in the create phase. */
export function isCreated(m: Merged | undefined): boolean {
  return m !== undefined && (m.action === 'create' || m.action === 'recreate')
}

/** The interface `name` will be after the plan: the merged target, else the untouched current one. */
export function targetOf(merged: ReadonlyMap<string, Merged>, current: ReadonlyMap<string, Iface>, name: string): Iface | undefined {
  const m = merged.get(name)
  return m === undefined ? current.get(name) : m.target
}
/** Refuse to (re)create a link of a type hostnet or this kernel cannot create. */
export function checkCreatable(m: Merged, caps: KernelCaps): void {
  const type = m.target?.type ?? m.desired.type
  if (!CREATABLE_TYPES.has(type)) unsupported(m.path, m.name, `would have to be created again, and interfaces of type ${type} cannot be created`)
  if (caps.creatableKinds !== undefined && !caps.creatableKinds.has(type)) {
    unsupported(m.path, m.name, `would have to be created again, and this kernel does not support interfaces of type ${type}`)
  }
}

/** Implied entry for an existing interface not named in the document, with `change` asked of it. */
export function impliedModify(cur: Iface, path: string, change: Partial<Iface>): Merged {
  const desired: Iface = { name: cur.name, type: cur.type, ...change }
  return { name: cur.name, index: -1, path, current: cur, desired, target: overlayTarget(cur, desired), action: 'modify' }
}


/**
 * The MTU `name` will have after the plan: its target's, or for a new link without one what the kernel gives it
 * on creation (its type's `mtu.onCreate` from its base's: the base's for VLANs and MAC-VLAN/VTAPs, the base's
 * minus the overhead for VXLANs; 1500 else). Undefined when unknown (an existing link the query reported no MTU for).
 */
export function effectiveMtu(merged: ReadonlyMap<string, Merged>, current: ReadonlyMap<string, Iface>, name: string, depth = 0): number | undefined {
  const t = targetOf(merged, current, name)
  if (t === undefined || t.mtu !== undefined) return t?.mtu
  if (!isCreated(merged.get(name)) || depth > 32) return undefined
  const base = baseOf(t)
  const lower = base === undefined ? undefined : effectiveMtu(merged, current, base, depth + 1)
  const onCreate = typeDescriptor(t.type).mtu?.onCreate
  return onCreate === undefined ? KERNEL_DEFAULT_MTU : onCreate(lower)
}
