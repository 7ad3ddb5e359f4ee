/**
 * libvirt's interface verbs (virsh iface-*) over hostnet: definitions (interface XML) are kept in the store per
 * target; `iface-start` applies one through the transaction engine, `iface-destroy` takes it down again
 * (removing the links its start created), `iface-dumpxml` describes the live interface in the same XML.
 * @module
 */
import type { Command } from 'commander'
import { HostnetError } from '../errors.js'
import type { Target } from '../model/target.js'
import { formatInterfaceXml, parseInterfaceXml, type InterfaceDef } from '../codec/libvirt-xml/interface.js'
import { ifaceXmlToDesired } from '../model/host/from-iface-xml.js'
import { hostIfaceToXmlDef } from '../model/host/to-iface-xml.js'
import type { Iface } from '../model/host/iface.js'
import type { DesiredState, HostState } from '../model/host/state.js'
import { interfaceNames } from '../model/iface-xml/interface-def.js'
import { targetKey } from '../txn/index.js'
import { runApply } from './apply.js'
import { addTargetOptions, readInput, resolveTarget, type TargetFlags } from './common.js'
import { printJson, table } from './output.js'
import { withRuntime, type Runtime } from './runtime.js'

interface ListFlags extends TargetFlags {
  all?: boolean
  inactive?: boolean
}

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
  return { interfaces }
}

function storedDef(rt: Runtime, target: Target, name: string): { def: InterfaceDef; createdLinks: string[] } {
  const d = rt.store.ifaceDefs.get(targetKey(target), name)
  if (d === undefined) throw new HostnetError('not-found', `Interface not found: no interface with matching name '${name}' is defined`)
  return { def: parseInterfaceXml(d.xml), createdLinks: d.createdLinks }
}

function registerInspect(program: Command): void {
  const list = program.command('iface-list').description('list interfaces (active ones; --all adds inactive and defined-only ones)')
  addTargetOptions(list)
    .option('--all', 'list inactive interfaces too')
    .option('--inactive', 'list only inactive interfaces')
    .action(async (flags: ListFlags) => {
      const target = resolveTarget(flags)
      await withRuntime(flags, async (rt) => {
        const defs = rt.store.ifaceDefs.list(targetKey(target)).map((d) => d.name)
        const all = ifaceList(await rt.backend.query(target), defs)
        const shown = all.filter((e) => (flags.inactive ? e.state === 'inactive' : flags.all === true || e.state === 'active'))
        if (flags.json === true) printJson(shown)
        else process.stdout.write(table([['Name', 'State', 'MAC Address'], ...shown.map((e) => [e.name, e.state, e.mac])]))
      })
    })

  const dump = program.command('iface-dumpxml').description('interface XML of the live interface (--inactive: the stored definition)')
  addTargetOptions(dump)
    .argument('<name>', 'interface name')
    .option('--inactive', 'print the stored definition instead of the live state')
    .action(async (name: string, flags: ListFlags) => {
      const target = resolveTarget(flags)
      await withRuntime(flags, async (rt) => {
        const def = flags.inactive === true ? storedDef(rt, target, name).def : hostIfaceToXmlDef(await rt.backend.query(target), name)
        const xml = formatInterfaceXml(def)
        if (flags.json === true) printJson({ name, xml })
        else process.stdout.write(xml)
      })
    })
}

function registerDefine(program: Command): void {
  const define = program.command('iface-define').description('define (or redefine) an interface from libvirt interface XML')
  addTargetOptions(define)
    .argument('<file>', 'interface XML file, or - for standard input')
    .action(async (file: string, flags: TargetFlags) => {
      const target = resolveTarget(flags)
      const def = parseInterfaceXml(await readInput(file))
      ifaceXmlToDesired(def) // refuse now what could never be started
      await withRuntime(flags, async (rt) => {
        rt.store.ifaceDefs.put(targetKey(target), def.name, formatInterfaceXml(def))
        if (flags.json === true) printJson({ name: def.name, defined: true })
        else process.stdout.write(`Interface ${def.name} defined from ${file}\n`)
      })
    })
}

function registerStart(program: Command): void {
  const start = program.command('iface-start').description('start a defined interface: apply it as one verified transaction')
  addTargetOptions(start)
    .argument('<name>', 'interface name')
    .action(async (name: string, flags: TargetFlags) => {
      const target = resolveTarget(flags)
      await withRuntime(flags, async (rt) => {
        const { def, createdLinks } = storedDef(rt, target, name)
        const current = await rt.backend.query(target)
        const existing = new Set(current.interfaces.map((i) => i.name))
        const result = await runApply(rt, target, ifaceXmlToDesired(def, { current }))
        const created = interfaceNames(def).filter((n) => !existing.has(n))
        rt.store.ifaceDefs.setCreatedLinks(targetKey(target), name, [...new Set([...createdLinks, ...created])])
        if (flags.json === true) printJson({ name, transactionId: result.transactionId, ops: result.ops, created })
        else process.stdout.write(`Interface ${name} started\n`)
      })
    })
}

function registerDestroy(program: Command): void {
  const destroy = program.command('iface-destroy').description('stop an interface: take it down, removing the links its start created')
  addTargetOptions(destroy)
    .argument('<name>', 'interface name')
    .action(async (name: string, flags: TargetFlags) => {
      const target = resolveTarget(flags)
      await withRuntime(flags, async (rt) => {
        const { def, createdLinks } = storedDef(rt, target, name)
        const desired = destroyDesired(def, createdLinks, await rt.backend.query(target))
        const result = await runApply(rt, target, desired)
        rt.store.ifaceDefs.setCreatedLinks(targetKey(target), name, [])
        if (flags.json === true) printJson({ name, transactionId: result.transactionId, ops: result.ops })
        else process.stdout.write(`Interface ${name} destroyed\n`)
      })
    })
}

function registerUndefine(program: Command): void {
  const undefine = program.command('iface-undefine').description('remove the stored definition (a running interface keeps running)')
  addTargetOptions(undefine)
    .argument('<name>', 'interface name')
    .action(async (name: string, flags: TargetFlags) => {
      const target = resolveTarget(flags)
      await withRuntime(flags, async (rt) => {
        if (!rt.store.ifaceDefs.delete(targetKey(target), name)) {
          throw new HostnetError('not-found', `Interface not found: no interface with matching name '${name}' is defined`)
        }
        if (flags.json === true) printJson({ name, defined: false })
        else process.stdout.write(`Interface ${name} undefined\n`)
      })
    })
}

export function registerIfaceCommands(program: Command): void {
  registerInspect(program)
  registerDefine(program)
  registerStart(program)
  registerDestroy(program)
  registerUndefine(program)
}
