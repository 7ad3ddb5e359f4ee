/**
 * libvirt's network verbs (virsh net-*) over hostnet's network driver: net-define, net-undefine, net-create,
 * net-start, net-destroy, net-autostart, net-list, net-info, net-dumpxml, net-dhcp-leases. Every verb that names
 * a network needs a target (`--netns NAME` or `--host`); net-list without one lists every target.
 * @module
 */
import type { Command } from 'commander'
import type { Target } from '../model/target.js'
import type { NetworkDetails, NetworkSummary } from '../service/ops.js'
import { addTargetOptions, readInput, resolveTarget, type TargetFlags } from './common.js'
import { printJson, table } from './output.js'
import { withOps, withStoreReads } from './ops.js'

interface NetFlags extends TargetFlags {
  all?: boolean
  inactive?: boolean
  disable?: boolean
  deferDelete?: boolean
}

function say(flags: NetFlags, json: unknown, text: string): void {
  if (flags.json === true) printJson(json)
  else process.stdout.write(text)
}

const yesNo = (b: boolean): string => (b ? 'yes' : 'no')

export function netListText(rows: readonly NetworkSummary[], withTarget: boolean): string {
  const head = [...(withTarget ? ['Target'] : []), 'Name', 'State', 'Autostart', 'Persistent', 'Bridge', 'Mode']
  const body = rows.map((r) => [...(withTarget ? [r.target] : []), r.name, r.state, yesNo(r.autostart), yesNo(r.persistent), r.bridge ?? '-', r.forwardMode])
  return table([head, ...body])
}

export function netInfoText(d: NetworkDetails): string {
  const rows: Array<[string, string]> = [
    ['Name:', d.name],
    ['UUID:', d.uuid],
    ['Target:', d.target],
    ['Active:', d.state === 'active' ? 'yes' : d.state === 'inactive' ? 'no' : d.state],
    ['Persistent:', yesNo(d.persistent)],
    ['Autostart:', yesNo(d.autostart)],
    ['Bridge:', d.bridge ?? '-'],
    ['Forward mode:', d.forwardMode],
  ]
  if (d.dnsmasqPid !== undefined) rows.push(['dnsmasq pid:', String(d.dnsmasqPid)], ['dnsmasq restarts:', String(d.dnsmasqRestarts)])
  if (d.nftObjects !== undefined) rows.push(['nft objects:', String(d.nftObjects)])
  return rows.map(([k, v]) => `${k.padEnd(18)}${v}\n`).join('')
}

/** A verb taking a network NAME and a target. */
function nameVerb(program: Command, verb: string, description: string, run: (target: Target, name: string, flags: NetFlags) => Promise<void>): Command {
  const cmd = program.command(verb).description(description)
  addTargetOptions(cmd).argument('<name>', 'network name')
  cmd.action(async (name: string, flags: NetFlags) => run(resolveTarget(flags), name, flags))
  return cmd
}

function registerDefineCreate(program: Command): void {
  for (const [verb, what] of [
    ['net-define', 'define (or redefine) a persistent network from libvirt network XML'],
    ['net-create', 'create and start a transient network from libvirt network XML'],
  ] as const) {
    const cmd = program.command(verb).description(what)
    addTargetOptions(cmd).argument('<file>', 'network XML file, or - for standard input')
    cmd.action(async (file: string, flags: NetFlags) => {
      const target = resolveTarget(flags)
      const xml = await readInput(file)
      await withOps(flags, async (ops) => {
        const def = verb === 'net-define' ? await ops.netDefine(target, xml) : await ops.netCreate(target, xml)
        const done = verb === 'net-define' ? 'defined' : 'created'
        say(flags, { name: def.name, uuid: def.uuid, bridge: def.bridge, [done]: true }, `Network ${def.name} ${done} from ${file}\n`)
      })
    })
  }
}

function registerLifecycle(program: Command): void {
  nameVerb(program, 'net-start', 'start a defined network', (target, name, flags) =>
    withOps(flags, async (ops) => {
      await ops.netStart(target, name)
      say(flags, { name, active: true }, `Network ${name} started\n`)
    }),
  )
  nameVerb(program, 'net-destroy', 'stop an active network (a transient one is removed)', (target, name, flags) =>
    withOps(flags, async (ops) => {
      await ops.netDestroy(target, name, flags.deferDelete === true ? { deferDelete: true } : {})
      say(flags, { name, active: false }, `Network ${name} destroyed\n`)
    }),
  ).option('--defer-delete', 'leave the retired bridge for hostnet serve to delete (faster)')
  nameVerb(program, 'net-undefine', 'remove a persistent definition (an active network keeps running, transient)', (target, name, flags) =>
    withOps(flags, async (ops) => {
      await ops.netUndefine(target, name)
      say(flags, { name, defined: false }, `Network ${name} has been undefined\n`)
    }),
  )
  nameVerb(program, 'net-autostart', 'start the network whenever hostnet serve starts (--disable: no longer)', (target, name, flags) =>
    withOps(flags, async (ops) => {
      const on = flags.disable !== true
      await ops.netAutostart(target, name, on)
      say(flags, { name, autostart: on }, on ? `Network ${name} marked as autostarted\n` : `Network ${name} unmarked as autostarted\n`)
    }),
  ).option('--disable', 'turn autostart off')
}

function registerInspect(program: Command): void {
  const list = program.command('net-list').description('list active networks (--all: inactive ones too); every target unless one is given')
  addTargetOptions(list).option('--all', 'list inactive networks too')
  list.action(async (flags: NetFlags) => {
    const target = flags.netns === undefined && flags.host !== true ? undefined : resolveTarget(flags)
    await withStoreReads(flags, async (ops) => {
      const rows = await ops.netList(target, flags.all === true ? { all: true } : {})
      say(flags, rows, netListText(rows, target === undefined))
    })
  })
  nameVerb(program, 'net-info', 'basic information about a network', (target, name, flags) =>
    withStoreReads(flags, async (ops) => {
      const d = await ops.netInfo(target, name)
      say(flags, d, netInfoText(d))
    }),
  )
  nameVerb(program, 'net-dumpxml', 'network XML: the live definition of an active network (--inactive: the persistent one)', (target, name, flags) =>
    withOps(flags, async (ops) => {
      const xml = await ops.netDumpXml(target, name, flags.inactive === true ? { inactive: true } : {})
      say(flags, { name, xml }, xml)
    }),
  ).option('--inactive', 'the persistent definition')
  nameVerb(program, 'net-dhcp-leases', "the DHCP leases of an active network's dnsmasq", (target, name, flags) =>
    withOps(flags, async (ops) => {
      const leases = await ops.netLeases(target, name)
      const rows = leases.map((l) => [
        l.expires === 'infinite' ? 'infinite' : new Date(l.expires * 1000).toISOString(),
        l.mac ?? '-',
        l.ip,
        l.hostname ?? '-',
        l.clientId ?? '-',
      ])
      say(flags, leases, table([['Expiry Time', 'MAC address', 'IP address', 'Hostname', 'Client ID or DUID'], ...rows]))
    }),
  )
}

export function registerNetCommands(program: Command): void {
  registerDefineCreate(program)
  registerLifecycle(program)
  registerInspect(program)
}
