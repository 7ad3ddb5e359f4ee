/**
 * libvirt's interface verbs (virsh iface-*) over hostnet: definitions (interface XML) are kept in the store per
 * target; `iface-start` applies one through the transaction engine, `iface-destroy` takes it down again
 * (removing the links its start created), `iface-dumpxml` describes the live interface in the same XML.
 * @module
 */
import type { Command } from 'commander'
import { checkIfaceXml, defineIface, destroyIface, dumpIfaceXml, listIfaces, startIface, undefineIface } from '../service/ifaces.js'
import { addTargetOptions, readInput, resolveTarget, type TargetFlags } from './common.js'
import { printJson, table } from './output.js'
import { withRuntime } from './runtime.js'

export { destroyDesired, ifaceList, type IfaceListEntry } from '../service/ifaces.js'

interface ListFlags extends TargetFlags {
  all?: boolean
  inactive?: boolean
}

function registerInspect(program: Command): void {
  const list = program.command('iface-list').description('list interfaces (active ones; --all adds inactive and defined-only ones)')
  addTargetOptions(list)
    .option('--all', 'list inactive interfaces too')
    .option('--inactive', 'list only inactive interfaces')
    .action(async (flags: ListFlags) => {
      const target = resolveTarget(flags)
      await withRuntime(flags, async (rt) => {
        const shown = await listIfaces(rt, target, { ...(flags.all === true ? { all: true } : {}), ...(flags.inactive === true ? { inactive: true } : {}) })
        if (flags.json === true) printJson(shown)
        else process.stdout.write(table([['Name', 'State', 'MAC Address'], ...shown.map((e) => [e.name, e.state, e.mac])]))
      }, { networks: false })
    })

  const dump = program.command('iface-dumpxml').description('interface XML of the live interface (--inactive: the stored definition)')
  addTargetOptions(dump)
    .argument('<name>', 'interface name')
    .option('--inactive', 'print the stored definition instead of the live state')
    .action(async (name: string, flags: ListFlags) => {
      const target = resolveTarget(flags)
      await withRuntime(flags, async (rt) => {
        const xml = await dumpIfaceXml(rt, target, name, flags.inactive === true ? { inactive: true } : {})
        if (flags.json === true) printJson({ name, xml })
        else process.stdout.write(xml)
      }, { networks: false })
    })
}

function registerDefine(program: Command): void {
  const define = program.command('iface-define').description('define (or redefine) an interface from libvirt interface XML')
  addTargetOptions(define)
    .argument('<file>', 'interface XML file, or - for standard input')
    .action(async (file: string, flags: TargetFlags) => {
      const target = resolveTarget(flags)
      const xml = await readInput(file)
      checkIfaceXml(xml) // refuse now what could never be started
      await withRuntime(flags, async (rt) => {
        const def = defineIface(rt, target, xml)
        if (flags.json === true) printJson({ name: def.name, defined: true })
        else process.stdout.write(`Interface ${def.name} defined from ${file}\n`)
      }, { networks: false })
    })
}

function registerStart(program: Command): void {
  const start = program.command('iface-start').description('start a defined interface: apply it as one verified transaction')
  addTargetOptions(start)
    .argument('<name>', 'interface name')
    .action(async (name: string, flags: TargetFlags) => {
      const target = resolveTarget(flags)
      await withRuntime(flags, async (rt) => {
        const started = await startIface(rt, target, name)
        if (flags.json === true) printJson(started)
        else process.stdout.write(`Interface ${name} started\n`)
      }, { networks: false })
    })
}

function registerDestroy(program: Command): void {
  const destroy = program.command('iface-destroy').description('stop an interface: take it down, removing the links its start created')
  addTargetOptions(destroy)
    .argument('<name>', 'interface name')
    .action(async (name: string, flags: TargetFlags) => {
      const target = resolveTarget(flags)
      await withRuntime(flags, async (rt) => {
        const destroyed = await destroyIface(rt, target, name)
        if (flags.json === true) printJson(destroyed)
        else process.stdout.write(`Interface ${name} destroyed\n`)
      }, { networks: false })
    })
}

function registerUndefine(program: Command): void {
  const undefine = program.command('iface-undefine').description('remove the stored definition (a running interface keeps running)')
  addTargetOptions(undefine)
    .argument('<name>', 'interface name')
    .action(async (name: string, flags: TargetFlags) => {
      const target = resolveTarget(flags)
      await withRuntime(flags, async (rt) => {
        undefineIface(rt, target, name)
        if (flags.json === true) printJson({ name, defined: false })
        else process.stdout.write(`Interface ${name} undefined\n`)
      }, { networks: false })
    })
}

export function registerIfaceCommands(program: Command): void {
  registerInspect(program)
  registerDefine(program)
  registerStart(program)
  registerDestroy(program)
  registerUndefine(program)
}
