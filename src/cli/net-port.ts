/**
 * libvirt's network-port verbs (virsh net-port-*) over hostnet's port driver: net-port-create (a `<networkport>`,
 * or with --interface a domain `<interface type='network'>`; --reclaim, --validate as libvirt's flags; --no-plug
 * for allocation only; --preassociate[-rr] for an incoming migration's 802.1Qbg/Qbh ports), net-port-list (with an
 * Association column when ports have 802.1Qbg/Qbh profiles), net-port-dumpxml [--domain-interface] (--json adds
 * the association's live state), net-port-associate, net-port-delete. Every verb needs a target (`--netns NAME`
 * or `--host`).
 * @module
 */
import type { Command } from 'commander'
import { assertNever, ValidationError } from '../errors.js'
import type { PortAssociationView, PortCreateFlags, PortSource, PortView } from '../service/ops.js'
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
  preassociate?: boolean
  preassociateRr?: boolean
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

/** One line for tables: `802.1Qbg associated eth0 (success (0))`, the live state first when known. */
export function associationText(a: PortAssociationView | undefined): string {
  if (a === undefined) return '-'
  const state = a.live !== undefined ? a.live.state : a.state
  const status = a.live !== undefined ? a.live.status : a.status
  return `${a.type} ${state} ${a.root ?? a.dev}${status === undefined ? '' : ` (${status})`}`
}

/** The ports as a table; an Association column when any port has an 802.1Qbg/802.1Qbh association. */
export function portListText(rows: readonly PortView[]): string {
  const assoc = rows.some((p) => p.association !== undefined)
  const body = rows.map((p) => [p.uuid, p.owner.name, p.mac, plugText(p), p.device ?? p.guest?.netns ?? '-', p.status, ...(assoc ? [associationText(p.association)] : [])])
  return table([['UUID', 'Owner', 'MAC', 'Plug', 'Device', 'Status', ...(assoc ? ['Association'] : [])], ...body])
}

function createFlags(flags: PortFlags): PortCreateFlags {
  if (flags.preassociate === true && flags.preassociateRr === true) {
    throw new ValidationError('--preassociate and --preassociate-rr exclude each other', { path: '--preassociate' })
  }
  const out: PortCreateFlags = {}
  if (flags.reclaim === true) out.reclaim = true
  if (flags.plug === false) out.plug = false
  if (flags.preassociateRr === true) out.profileOp = 'preassociate-rr'
  else if (flags.preassociate === true) out.profileOp = 'preassociate'
  return out
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
    .option('--preassociate', '802.1Qbg/802.1Qbh: pre-associate only (incoming migration; net-port-associate completes it)')
    .option('--preassociate-rr', 'the same, with resource reservation')
  cmd.action(async (network: string, file: string, flags: PortFlags) => {
    const target = resolveTarget(flags)
    const source = portSource(await readInput(file), flags)
    const opts = createFlags(flags)
    await withOps(flags, async (ops) => {
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
      if (flags.json !== true) return say(flags, undefined, xml)
      // the live status: the association as lldpad or the driver reports it now
      const { association } = await ops.portGet(target, network, uuid)
      say(flags, { network, uuid, xml, ...(association === undefined ? {} : { association }) }, xml)
    })
  })
  const assoc = program.command('net-port-associate').description('complete the 802.1Qbg/802.1Qbh association of a pre-associated port')
  addTargetOptions(assoc).argument('<network>', 'network name').argument('<uuid>', 'port UUID')
  assoc.action(async (network: string, uuid: string, flags: PortFlags) => {
    const target = resolveTarget(flags)
    await withOps(flags, async (ops) => {
      const p = await ops.portAssociate(target, network, uuid)
      say(flags, p, `Network port ${uuid} associated: ${associationText(p.association)}\n`)
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
