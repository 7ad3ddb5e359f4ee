/**
 * `net-update NETWORK COMMAND SECTION XML` (virsh's net-update: XML is the element itself, or a file holding it)
 * and `debug net-update NETWORK.xml COMMAND SECTION UPDATE.xml`, which prints the network XML an update would
 * give without touching anything (exit 2 with libvirt's reason when libvirt refuses it).
 * @module
 */
import type { Command } from 'commander'
import { HostnetError } from '../errors.js'
import { formatNetworkXml, parseNetworkXml } from '../codec/libvirt-xml/network/index.js'
import { updateNetworkDef } from '../codec/libvirt-xml/network/update.js'
import { parseParentIndex, parseUpdateCommand, parseUpdateSection, type NetworkUpdateRequest } from '../model/network/update.js'
import type { NetworkUpdateResult } from '../service/ops.js'
import { addTargetOptions, readInput, resolveTarget, type TargetFlags } from './common.js'
import { withOps } from './ops.js'
import { printJson } from './output.js'

interface UpdateFlags extends TargetFlags {
  parentIndex?: string
  live?: boolean
  config?: boolean
  current?: boolean
  inactive?: boolean
}

/** virsh's rule: an argument starting with '<' is the XML itself, anything else names a file ('-': standard input). */
async function elementText(arg: string): Promise<string> {
  return arg.trimStart().startsWith('<') ? arg : readInput(arg)
}

async function requestOf(command: string, section: string, xmlArg: string, flags: UpdateFlags): Promise<NetworkUpdateRequest> {
  return {
    command: parseUpdateCommand(command),
    section: parseUpdateSection(section),
    parentIndex: flags.parentIndex === undefined ? -1 : parseParentIndex(flags.parentIndex),
    xml: await elementText(xmlArg),
  }
}

/** virsh's message for what was updated. */
export function updatedText(r: NetworkUpdateResult): string {
  const what = r.live && r.config ? 'persistent config and live state' : r.live ? 'live state' : 'persistent config'
  return `Updated network ${r.name} ${what}\n`
}

/** `debug net-update`: the network XML after the update (pure; libvirt's refusals become invalid input, exit 2). */
export function debugNetUpdate(networkXml: string, req: NetworkUpdateRequest, opts: { inactive?: boolean } = {}): string {
  const def = parseNetworkXml(networkXml)
  try {
    return formatNetworkXml(updateNetworkDef(def, req, opts), opts)
  } catch (e) {
    if (e instanceof HostnetError && e.kind !== 'invalid-argument') {
      throw new HostnetError('invalid-argument', e.message, { details: { ...e.details, refusedAs: e.kind } })
    }
    throw e
  }
}

export function registerNetUpdateCommand(program: Command): void {
  const cmd = program
    .command('net-update')
    .description("change one section of a network's live and/or persistent definition (libvirt's net-update)")
  addTargetOptions(cmd)
    .argument('<network>', 'network name')
    .argument('<command>', 'add (= add-last), add-first, add-last, modify, delete')
    .argument('<section>', 'ip-dhcp-host, ip-dhcp-range, forward-interface, portgroup, dns-host, dns-txt, dns-srv (bridge, domain, ip, forward, forward-pf: refused as by libvirt)')
    .argument('<xml>', 'the element (text starting with <), or a file holding it, or - for standard input')
    .option('--parent-index <n>', 'the <ip> (by position) a DHCP host or range belongs to (default: the one with DHCP)')
    .option('--live', 'change the running network')
    .option('--config', 'change the persistent definition')
    .option('--current', 'the running network when active, else the persistent definition (the default)')
    .action(async (name: string, command: string, section: string, xmlArg: string, flags: UpdateFlags) => {
      const target = resolveTarget(flags)
      const req = await requestOf(command, section, xmlArg, flags)
      const scope = { ...(flags.live === true ? { live: true } : {}), ...(flags.config === true ? { config: true } : {}), ...(flags.current === true ? { current: true } : {}) }
      await withOps(flags, async (ops) => {
        const r = await ops.netUpdate(target, name, { ...req, ...scope })
        if (flags.json === true) printJson(r)
        else process.stdout.write(updatedText(r))
      })
    })
}

export function registerDebugNetUpdate(debug: Command): void {
  debug
    .command('net-update')
    .description('print the network XML a net-update would give (touches nothing; exit 2 with the reason when libvirt refuses it)')
    .argument('<network-file>', 'network XML file, or - for standard input')
    .argument('<command>', 'add (= add-last), add-first, add-last, modify, delete')
    .argument('<section>', 'ip-dhcp-host, ip-dhcp-range, forward-interface, portgroup, dns-host, dns-txt, dns-srv')
    .argument('<update>', 'the element (text starting with <), or a file holding it')
    .option('--parent-index <n>', 'the <ip> (by position) a DHCP host or range belongs to (default: the one with DHCP)')
    .option('--inactive', 'format as the persistent definition (as --config stores it)')
    .action(async (file: string, command: string, section: string, update: string, flags: UpdateFlags) => {
      const req = await requestOf(command, section, update, flags)
      process.stdout.write(debugNetUpdate(await readInput(file), req, flags.inactive === true ? { inactive: true } : {}))
    })
}
