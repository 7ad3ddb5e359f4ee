/**
 * `hostnet debug …`: tools that show what hostnet would hand to a southbound system, without touching the host.
 * `debug dnsmasq-conf FILE.xml` prints the dnsmasq configuration libvirt would write for a network definition;
 * `debug net-update NETWORK.xml COMMAND SECTION UPDATE.xml` the network XML an update would give (./net-update.ts).
 * @module
 */
import type { Command } from 'commander'
import { ValidationError } from '../errors.js'
import { parseNetworkXml } from '../codec/libvirt-xml/network/index.js'
import type { NetworkDef } from '../model/network/network-def.js'
import { DEFAULT_DNSMASQ_VERSION, renderDnsmasqFiles } from '../backend/dnsmasq/index.js'
import type { DnsmasqFiles } from '../backend/dnsmasq/index.js'
import { readInput } from './common.js'
import { printJson } from './output.js'
import { registerDebugNetUpdate } from './net-update.js'

/** libvirt's dnsmasq state directory (system instance), which its conformance cases assume. */
export const LIBVIRT_DNSMASQ_DIR = '/var/lib/libvirt/dnsmasq'

export interface DnsmasqConfFlags {
  configDir?: string
  dnsmasqVersion?: string
  bridge?: string
  pidFile?: string
  hostsfile?: boolean
  json?: boolean
}

function bridgeOf(def: NetworkDef, flag: string | undefined): string {
  const name = flag ?? def.bridge?.name
  if (name === undefined || name.includes('%d')) {
    const template = name === undefined ? '' : ` (only the template '${name}')`
    throw new ValidationError(
      `network '${def.name}' has no bridge device name${template}: give --bridge NAME`,
      { path: '--bridge', ...(name === undefined ? {} : { value: name }) },
    )
  }
  return name
}

/** Render a network document's dnsmasq files as the command prints them. */
export function dnsmasqConfFor(xml: string, flags: DnsmasqConfFlags): DnsmasqFiles {
  const def = parseNetworkXml(xml)
  return renderDnsmasqFiles(def, {
    configDir: flags.configDir ?? LIBVIRT_DNSMASQ_DIR,
    bridgeName: bridgeOf(def, flags.bridge),
    dnsmasqVersion: flags.dnsmasqVersion ?? DEFAULT_DNSMASQ_VERSION,
    ...(flags.pidFile === undefined ? {} : { pidFile: flags.pidFile }),
  })
}

export function registerDebugCommands(program: Command): void {
  const debug = program.command('debug').description('show what hostnet would hand to southbound systems (touches nothing)')
  debug
    .command('dnsmasq-conf')
    .description('print the dnsmasq configuration libvirt would write for a network (with --hostsfile: its DHCP hosts file)')
    .argument('<file>', 'network XML file, or - for standard input')
    .option('--config-dir <dir>', 'directory of the hosts files named in the configuration', LIBVIRT_DNSMASQ_DIR)
    .option('--dnsmasq-version <version>', 'dnsmasq version to write the configuration for (at least 2.67)', DEFAULT_DNSMASQ_VERSION)
    .option('--bridge <name>', "bridge device (default: the network's <bridge name>)")
    .option('--pid-file <path>', 'add pid-file=PATH, as libvirt does when it starts dnsmasq')
    .option('--hostsfile', 'print the --dhcp-hostsfile text instead (nothing when libvirt writes none)')
    .option('--json', 'print {conf, hostsfile, addnhosts, hostsfilePath, addnhostsPath} as JSON')
    .action(async (file: string, flags: DnsmasqConfFlags) => {
      const files = dnsmasqConfFor(await readInput(file), flags)
      if (flags.json === true) printJson({ ...files, hostsfile: files.hostsfile ?? null })
      else process.stdout.write(flags.hostsfile === true ? (files.hostsfile ?? '') : files.conf)
    })
  registerDebugNetUpdate(debug)
}
