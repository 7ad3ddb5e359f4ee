/**
 * libvirt's network-port verbs (virsh net-port-*) over hostnet's port driver: net-port-create (a `<networkport>`,
 * or with --interface a domain `<interface type='network'>`; --reclaim, --validate as libvirt's flags; --no-plug
 * for allocation only), net-port-list, net-port-dumpxml [--domain-interface], net-port-delete. Every verb needs
 * a target (`--netns NAME` or `--host`).
 * @module
 */
import type { Command } from 'commander'
import { assertNever } from '../errors.js'
import type { PortSource, PortView } from '../service/ops.js'
import { addTargetOptions, readInput, resolveTarget, type TargetFlags } from './common.js'
import { printJson, table } from './output.js'
import { withOps } from './ops.js'

interface PortFlags extends TargetFlags {
  reclaim?: boolean
  validate?: boolean
  plug?: boolean
  interface?: boolean
  domain?: string
  domainUuid?: string
  ifname?: string
  domainInterface?: boolean
}

function say(flags: PortFlags, json: unknown, text: string): void {
  if (flags.json === true) printJson(json)
  else process.stdout.write(text)
}

function plugText(p: PortView): string {
  const plug = p.plug
  if (plug === undefined) return '-'
  switch (plug.type) {
    case 'network':
    case 'bridge':
      return `${plug.type} ${plug.bridge}`
    case 'direct':
      return `direct ${plug.dev} ${plug.mode}`
    case 'hostdev-pci':
      return `hostdev ${p.hostdev ?? ''}`.trim()
    default:
      return assertNever(plug, 'plug')
  }
}

export function portListText(rows: readonly PortView[]): string {
  const body = rows.map((p) => [p.uuid, p.owner.name, p.mac, plugText(p), p.device ?? p.guest?.netns ?? '-', p.status])
  return table([['UUID', 'Owner', 'MAC', 'Plug', 'Device', 'Status'], ...body])
}

/** The port's source as the flags describe it (parsed by whoever creates the port: here, or the remote hostnet). */
function portSource(xml: string, flags: PortFlags): PortSource {
  const src: PortSource = { xml, kind: flags.interface === true ? 'interface' : 'networkport' }
  if (flags.validate === true) src.validate = true
  if (flags.domain !== undefined) src.domain = flags.domain
  if (flags.domainUuid !== undefined) src.domainUuid = flags.domainUuid
  if (flags.ifname !== undefined) src.ifname = flags.ifname
  return src
}

function registerCreate(program: Command): void {
  const cmd = program.command('net-port-create').description('create a network port from <networkport> XML (or --interface: a domain <interface>) and plug it')
  addTargetOptions(cmd)
    .argument('<network>', 'network name')
    .argument('<file>', 'XML file, or - for standard input')
    .option('--reclaim', "re-register a running guest's port (the XML has a <plug>; nothing is plugged)")
    .option('--validate', 'validate the XML against the networkport schema first')
    .option('--no-plug', 'allocate only: make no device on this host (the hypervisor plugs)')
    .option('--interface', "the file is a domain <interface type='network'> (libvirt's virDomainNetDefToNetworkPort)")
    .option('--domain <name>', 'with --interface: the owner domain name (default hostnet)')
    .option('--domain-uuid <uuid>', 'with --interface: the owner domain UUID (default: random)')
    .option('--ifname <name>', 'host device name (default: hnp + 12 hex digits of the port UUID)')
  cmd.action(async (network: string, file: string, flags: PortFlags) => {
    const target = resolveTarget(flags)
    const source = portSource(await readInput(file), flags)
    await withOps(flags, async (ops) => {
      const opts = { ...(flags.reclaim === true ? { reclaim: true } : {}), ...(flags.plug === false ? { plug: false } : {}) }
      const p = await ops.portCreate(target, network, source, opts)
      const where = p.device !== undefined ? ` (device ${p.device})` : p.hostdev !== undefined ? ` (PCI ${p.hostdev})` : ''
      say(flags, p, `Network port ${p.uuid} created from ${file}${where}\n`)
    })
  })
}

function registerInspect(program: Command): void {
  const list = program.command('net-port-list').description('list the ports of an active network')
  addTargetOptions(list).argument('<network>', 'network name')
  list.action(async (network: string, flags: PortFlags) => {
    const target = resolveTarget(flags)
    await withOps(flags, async (ops) => {
      const rows = await ops.portList(target, network)
      say(flags, rows, portListText(rows))
    })
  })
  const dump = program.command('net-port-dumpxml').description('the <networkport> XML of a port (--domain-interface: the domain status <interface>)')
  addTargetOptions(dump).argument('<network>', 'network name').argument('<uuid>', 'port UUID')
  dump.option('--domain-interface', 'the <interface> with <actual> as libvirt keeps it in the domain status')
  dump.action(async (network: string, uuid: string, flags: PortFlags) => {
    const target = resolveTarget(flags)
    await withOps(flags, async (ops) => {
      const xml = await ops.portDumpXml(target, network, uuid, flags.domainInterface === true ? { domainInterface: true } : {})
      say(flags, { network, uuid, xml }, xml)
    })
  })
}

function registerDelete(program: Command): void {
  const cmd = program.command('net-port-delete').description('delete a network port (its devices are unplugged)')
  addTargetOptions(cmd).argument('<network>', 'network name').argument('<uuid>', 'port UUID')
  cmd.action(async (network: string, uuid: string, flags: PortFlags) => {
    const target = resolveTarget(flags)
    await withOps(flags, async (ops) => {
      await ops.portDelete(target, network, uuid)
      say(flags, { network, uuid, deleted: true }, `Network port ${uuid} deleted\n`)
    })
  })
}

export function registerNetPortCommands(program: Command): void {
  registerCreate(program)
  registerInspect(program)
  registerDelete(program)
}
