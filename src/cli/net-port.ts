/**
 * libvirt's network-port verbs (virsh net-port-*) over hostnet's port driver: net-port-create (a `<networkport>`,
 * or with --interface a domain `<interface type='network'>`; --reclaim, --validate as libvirt's flags; --no-plug
 * for allocation only), net-port-list, net-port-dumpxml [--domain-interface], net-port-delete. Every verb needs
 * a target (`--netns NAME` or `--host`).
 * @module
 */
import type { Command } from 'commander'
import { randomUUID } from 'node:crypto'
import { assertNever, ValidationError } from '../errors.js'
import type { PortCreateRequest, PortInfo } from '../driver/port/index.js'
import { checkDeviceName, parsePortInput, portFromInterfaceXml } from '../driver/port/index.js'
import { tryParseUuid, type Uuid } from '../model/values/uuid.js'
import { addTargetOptions, readInput, resolveTarget, type TargetFlags } from './common.js'
import { printJson, table } from './output.js'
import { withRuntime } from './runtime.js'

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

function plugText(p: PortInfo): string {
  const plug = p.port.plug
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

export function portListText(rows: readonly PortInfo[]): string {
  const body = rows.map((p) => [p.uuid, p.port.owner.name, p.port.mac, plugText(p), p.device ?? p.guest?.netns ?? '-', p.status])
  return table([['UUID', 'Owner', 'MAC', 'Plug', 'Device', 'Status'], ...body])
}

function portJson(p: PortInfo): Record<string, unknown> {
  return { uuid: p.uuid, network: p.network, target: p.target, status: p.status, owner: p.port.owner, mac: p.port.mac, plug: p.port.plug, device: p.device, guest: p.guest, hostdev: p.hostdev }
}

function ownerUuid(flags: PortFlags): Uuid {
  if (flags.domainUuid === undefined) return randomUUID() as Uuid
  const u = tryParseUuid(flags.domainUuid)
  if (u === undefined) throw new ValidationError(`invalid domain UUID '${flags.domainUuid}'`, { path: '--domain-uuid', value: flags.domainUuid })
  return u
}

function request(xml: string, flags: PortFlags): PortCreateRequest {
  const base: PortCreateRequest =
    flags.interface === true
      ? portFromInterfaceXml(xml, { name: flags.domain ?? 'hostnet', uuid: ownerUuid(flags) }, () => randomUUID() as Uuid)
      : { port: parsePortInput(xml, flags.validate === true ? { validate: true } : {}) }
  return flags.ifname === undefined ? base : { ...base, ifname: checkDeviceName(flags.ifname, '--ifname') }
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
    const req = request(await readInput(file), flags)
    await withRuntime(flags, async (rt) => {
      const opts = { ...(flags.reclaim === true ? { reclaim: true } : {}), ...(flags.plug === false ? { plug: false } : {}) }
      const p = await rt.networks().ports.create(target, network, req, opts)
      const where = p.device !== undefined ? ` (device ${p.device})` : p.hostdev !== undefined ? ` (PCI ${p.hostdev})` : ''
      say(flags, portJson(p), `Network port ${p.uuid} created from ${file}${where}\n`)
    })
  })
}

function registerInspect(program: Command): void {
  const list = program.command('net-port-list').description('list the ports of an active network')
  addTargetOptions(list).argument('<network>', 'network name')
  list.action(async (network: string, flags: PortFlags) => {
    const target = resolveTarget(flags)
    await withRuntime(flags, async (rt) => {
      const rows = rt.networks().ports.list(target, network)
      say(flags, rows.map(portJson), portListText(rows))
    })
  })
  const dump = program.command('net-port-dumpxml').description('the <networkport> XML of a port (--domain-interface: the domain status <interface>)')
  addTargetOptions(dump).argument('<network>', 'network name').argument('<uuid>', 'port UUID')
  dump.option('--domain-interface', 'the <interface> with <actual> as libvirt keeps it in the domain status')
  dump.action(async (network: string, uuid: string, flags: PortFlags) => {
    const target = resolveTarget(flags)
    await withRuntime(flags, async (rt) => {
      const xml = rt.networks().ports.dumpXml(target, network, uuid, flags.domainInterface === true ? { domainInterface: true } : {})
      say(flags, { network, uuid, xml }, xml)
    })
  })
}

function registerDelete(program: Command): void {
  const cmd = program.command('net-port-delete').description('delete a network port (its devices are unplugged)')
  addTargetOptions(cmd).argument('<network>', 'network name').argument('<uuid>', 'port UUID')
  cmd.action(async (network: string, uuid: string, flags: PortFlags) => {
    const target = resolveTarget(flags)
    await withRuntime(flags, async (rt) => {
      await rt.networks().ports.delete(target, network, uuid)
      say(flags, { network, uuid, deleted: true }, `Network port ${uuid} deleted\n`)
    })
  })
}

export function registerNetPortCommands(program: Command): void {
  registerCreate(program)
  registerInspect(program)
  registerDelete(program)
}
