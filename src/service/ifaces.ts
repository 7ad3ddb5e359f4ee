/**
 * libvirt's interface verbs over hostnet (virsh iface-*): definitions (interface XML) are kept in the store per
 * target; start applies one through the transaction engine, destroy takes it down again (removing the links its
 * start created), dumpxml describes the live interface in the same XML.
 * @module
 */
import { HostnetError } from '../errors.js'
import type { Target } from '../model/target.js'
import { formatInterfaceXml, parseInterfaceXml, type InterfaceDef } from '../codec/libvirt-xml/interface.js'
import { ifaceXmlToDesired } from '../model/host/from-iface-xml.js'
import { hostIfaceToXmlDef } from '../model/host/to-iface-xml.js'
import type { Iface } from '../model/host/iface.js'
import type { DesiredState, HostState } from '../model/host/state.js'
import type { HostOp } from '../plan/ops.js'
import { interfaceNames } from '../model/iface-xml/interface-def.js'
import { actorOr, type ActorOptions } from '../store/index.js'
import { targetKey } from '../txn/index.js'
import { runApply } from './host.js'
import type { Runtime } from './runtime.js'

export interface IfaceListEntry {
  name: string
  state: 'active' | 'inactive'
  mac: string
  defined: boolean
}

/** virsh iface-list: live interfaces (not loopback) and stored definitions; active = present and up. */
export function ifaceList(state: HostState, definedNames: readonly string[]): IfaceListEntry[] {
  const defined = new Set(definedNames)
  const out: IfaceListEntry[] = state.interfaces
    .filter((i) => i.type !== 'loopback')
    .map((i) => ({ name: i.name, state: i.state === 'up' ? 'active' : 'inactive', mac: i.mac ?? '', defined: defined.has(i.name) }))
  const live = new Set(out.map((e) => e.name))
  for (const n of definedNames) if (!live.has(n)) out.push({ name: n, state: 'inactive', mac: '', defined: true })
  return out.sort((a, b) => a.name.localeCompare(b.name))
}

/** What `iface-destroy` asks for: links the start created go away, the rest of the document goes down. */
export function destroyDesired(def: InterfaceDef, createdLinks: readonly string[], current: HostState): DesiredState {
  const created = new Set(createdLinks)
  const live = new Map(current.interfaces.map((i) => [i.name, i] as const))
  const interfaces: Iface[] = []
  for (const name of interfaceNames(def)) {
    const i = live.get(name)
    if (i === undefined) continue
    if (created.has(name)) interfaces.push({ name, type: i.type, state: 'absent' })
    else if (name === def.name) interfaces.push({ name, type: i.type, state: 'down' })
  }
  // interfaces the start did not create are only set down, never removed
  return { interfaces, downKeepsLinks: true }
}

function storedDef(rt: Runtime, target: Target, name: string): { def: InterfaceDef; createdLinks: string[] } {
  const d = rt.store.ifaceDefs.get(targetKey(target), name)
  if (d === undefined) throw new HostnetError('not-found', `Interface not found: no interface with matching name '${name}' is defined`)
  return { def: parseInterfaceXml(d.xml), createdLinks: d.createdLinks }
}

export interface IfaceStarted {
  name: string
  transactionId: number
  ops: HostOp[]
  created: string[]
}

/** iface-list: `all` adds inactive and defined-only interfaces, `inactive` shows only those. */
export async function listIfaces(rt: Runtime, target: Target, opts: { all?: boolean; inactive?: boolean } = {}): Promise<IfaceListEntry[]> {
  const defs = rt.store.ifaceDefs.list(targetKey(target)).map((d) => d.name)
  const all = ifaceList(await rt.backend.query(target), defs)
  return all.filter((e) => (opts.inactive === true ? e.state === 'inactive' : opts.all === true || e.state === 'active'))
}

/** iface-dumpxml: the live interface as interface XML, or with `inactive` the stored definition. */
export async function dumpIfaceXml(rt: Runtime, target: Target, name: string, opts: { inactive?: boolean } = {}): Promise<string> {
  const def = opts.inactive === true ? storedDef(rt, target, name).def : hostIfaceToXmlDef(await rt.backend.query(target), name)
  return formatInterfaceXml(def)
}

/** iface-define: parse, refuse what could never be started, store (or replace). `actor`: who asks (change record). */
export function defineIface(rt: Runtime, target: Target, xml: string, who: ActorOptions = {}): { name: string } {
  const def = parseInterfaceXml(xml)
  ifaceXmlToDesired(def) // refuse now what could never be started
  rt.store.ifaceDefs.put(targetKey(target), def.name, formatInterfaceXml(def), who.actor)
  return { name: def.name }
}

/** Refuse a definition before anything is touched: parse and convert only. */
export function checkIfaceXml(xml: string): { name: string } {
  const def = parseInterfaceXml(xml)
  ifaceXmlToDesired(def)
  return { name: def.name }
}

/** iface-start: apply the stored definition as one verified transaction; remember the links it created. */
export async function startIface(rt: Runtime, target: Target, name: string, who: ActorOptions = {}): Promise<IfaceStarted> {
  const actor = actorOr(who.actor, rt.store.actor)
  const { def, createdLinks } = storedDef(rt, target, name)
  const current = await rt.backend.query(target)
  const existing = new Set(current.interfaces.map((i) => i.name))
  const result = await runApply(rt, target, ifaceXmlToDesired(def, { current }), { actor })
  // libvirt's <start mode='none'|'hotplug'>: started now, not at boot (onboot, or none given: saved like any apply)
  if ((def.startMode === 'none' || def.startMode === 'hotplug') && result.transactionId !== 0) rt.store.saved.markFolded(targetKey(target), result.transactionId)
  const created = interfaceNames(def).filter((n) => !existing.has(n))
  rt.store.ifaceDefs.setCreatedLinks(targetKey(target), name, [...new Set([...createdLinks, ...created])], {
    kind: 'iface.started',
    actor,
    detail: { transaction: result.transactionId, created },
  })
  return { name, transactionId: result.transactionId, ops: result.ops, created }
}

/** iface-destroy: take the interface down, removing the links its start created. */
export async function destroyIface(
  rt: Runtime,
  target: Target,
  name: string,
  who: ActorOptions = {},
): Promise<{ name: string; transactionId: number; ops: HostOp[] }> {
  const actor = actorOr(who.actor, rt.store.actor)
  const { def, createdLinks } = storedDef(rt, target, name)
  const desired = destroyDesired(def, createdLinks, await rt.backend.query(target))
  const result = await runApply(rt, target, desired, { actor })
  rt.store.ifaceDefs.setCreatedLinks(targetKey(target), name, [], {
    kind: 'iface.stopped',
    actor,
    detail: { transaction: result.transactionId, removed: createdLinks },
  })
  return { name, transactionId: result.transactionId, ops: result.ops }
}

/** iface-undefine: remove the stored definition (a running interface keeps running). */
export function undefineIface(rt: Runtime, target: Target, name: string, who: ActorOptions = {}): void {
  if (!rt.store.ifaceDefs.delete(targetKey(target), name, who.actor)) {
    throw new HostnetError('not-found', `Interface not found: no interface with matching name '${name}' is defined`)
  }
}

