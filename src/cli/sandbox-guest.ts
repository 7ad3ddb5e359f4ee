/**
 * `hostnet sandbox guest add|del|list|reach`: guest namespaces (`SANDBOX-g-NAME`) on a virtual network of the
 * sandbox, plugged by the port driver as a hypervisor plugs a VM (lab/guests.ts does the work; this file parses
 * the arguments and prints).
 * @module
 */
import type { Command } from 'commander'
import type { PortInfo } from '../driver/port/index.js'
import { attachGuest, checkGuestName, guestPortName, guestReach, listGuests, removeGuest } from '../lab/guests.js'
import { guestNetnsName, OUTSIDE_ADDR, outsideNetnsName } from '../lab/sandbox-outside.js'
import { addStateDirOption } from './common.js'
import { printJson, table } from './output.js'
import { withRuntime } from './runtime.js'
import { DEFAULT_SANDBOX_NAME } from './sandbox.js'

interface GuestFlags {
  sandbox?: string
  network?: string
  portgroup?: string
  mac?: string
  stateDir?: string
  json?: boolean
}

function plugText(p: PortInfo): string {
  const plug = p.port.plug
  if (plug?.type === 'direct') return `macvtap on ${plug.dev}, mode ${plug.mode}`
  if (plug?.type === 'network' || plug?.type === 'bridge') return `bridge ${plug.bridge}`
  return plug?.type ?? 'no plug'
}

function registerAdd(guest: Command): void {
  const cmd = guest
    .command('add')
    .description('create a guest namespace with a port on a virtual network of the sandbox (and a DHCP lease when the network serves DHCP)')
    .argument('<name>', 'guest name (1-11 of a-z, 0-9, -)')
    .requiredOption('--network <net>', 'the (active) virtual network the guest gets a port on')
    .option('--portgroup <name>', "the portgroup of the guest's interface")
    .option('--sandbox <name>', 'sandbox (namespace) name', DEFAULT_SANDBOX_NAME)
    .option('--mac <mac>', 'guest MAC address (default: 52:54:00 and three random bytes)')
    .option('--json', 'print machine-readable JSON')
  addStateDirOption(cmd).action(async (name: string, flags: GuestFlags) => {
    const sandbox = flags.sandbox ?? DEFAULT_SANDBOX_NAME
    checkGuestName(name)
    await withRuntime(flags, async (rt) => {
      const opts = { networks: rt.networks(), sandbox, guest: name, network: flags.network ?? '' }
      const { added, mac, network, lease } = await attachGuest({ ...opts, ...(flags.mac === undefined ? {} : { mac: flags.mac }), ...(flags.portgroup === undefined ? {} : { portGroup: flags.portgroup }) })
      const port = { uuid: added.port.uuid, plug: added.port.port.plug, group: added.port.port.group, device: guestPortName(name) }
      if (flags.json === true) printJson({ name, netns: added.netns, mac, network, port, ...(lease === undefined ? {} : { lease }) })
      else {
        const where = `guest '${name}' (namespace ${added.netns}, MAC ${mac}) on network '${network}': port ${added.port.uuid} (${plugText(added.port)})`
        const got = lease === undefined ? 'no DHCP on this network' : `leased ${lease.ip}/${lease.prefix}${lease.router ? ` via ${lease.router}` : ''}`
        process.stdout.write(`${where}, ${got}\n`)
      }
    })
  })
}

function registerRemove(guest: Command): void {
  const cmd = guest
    .command('del')
    .alias('remove')
    .description('remove a guest: its network port (unplugged) and its namespace')
    .argument('<name>', 'guest name')
    .option('--sandbox <name>', 'sandbox (namespace) name', DEFAULT_SANDBOX_NAME)
  addStateDirOption(cmd).action(async (name: string, flags: GuestFlags) => {
    checkGuestName(name)
    await withRuntime(flags, async (rt) => {
      const r = await removeGuest(rt.networks(), flags.sandbox ?? DEFAULT_SANDBOX_NAME, name)
      const ports = r.ports.length === 0 ? '' : ` (port ${r.ports.join(', ')} deleted)`
      process.stdout.write(r.existed ? `guest '${name}' removed${ports}\n` : `guest '${name}' did not exist\n`)
    })
  })
}

export function registerSandboxGuestCommands(program: Command): void {
  const sandbox = program.commands.find((c) => c.name() === 'sandbox') ?? program.command('sandbox')
  const guest = sandbox.command('guest').description('guest namespaces plugged into a virtual network of the sandbox')
  registerAdd(guest)
  registerRemove(guest)
  // list and reach read the kernel only; they take --state-dir too, so one set of options serves every guest verb
  const list = guest
    .command('list')
    .description('list the guests of the sandbox: address, MAC, bridge')
    .option('--sandbox <name>', 'sandbox (namespace) name', DEFAULT_SANDBOX_NAME)
    .option('--json', 'print machine-readable JSON')
  addStateDirOption(list).action(async (flags: GuestFlags) => {
      const rows = await listGuests(flags.sandbox ?? DEFAULT_SANDBOX_NAME)
      if (flags.json === true) printJson(rows)
      else process.stdout.write(table([['Guest', 'Namespace', 'MAC', 'Address', 'Bridge'], ...rows.map((g) => [g.name, g.netns, g.mac ?? '-', g.address ?? '-', g.bridge ?? '-'])]))
    })
  const reach = guest
    .command('reach')
    .description("connect from a guest to the sandbox's outside: prints the address the outside sees")
    .argument('<name>', 'guest name')
    .option('--sandbox <name>', 'sandbox (namespace) name', DEFAULT_SANDBOX_NAME)
    .option('--json', 'print machine-readable JSON')
  addStateDirOption(reach).action(async (name: string, flags: GuestFlags) => {
      const sb = flags.sandbox ?? DEFAULT_SANDBOX_NAME
      checkGuestName(name)
      const r = await guestReach(guestNetnsName(sb, name), outsideNetnsName(sb))
      if (flags.json === true) printJson(r)
      else process.stdout.write(r.ok ? `guest '${name}' reached ${OUTSIDE_ADDR}; the outside saw it as ${r.seenAs ?? '?'}\n` : `guest '${name}' cannot reach ${OUTSIDE_ADDR} (${r.code ?? '?'})\n`)
      if (!r.ok) process.exitCode = 1
    })
}
