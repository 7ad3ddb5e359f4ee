/**
 * The command table: every top-level command of `hostnet`, as `hostnet --help` lists it, grouped by the module
 * that implements it, with a loader per group. Nothing here imports a command's module: `hostnet X` loads only
 * the group that owns X (program.ts), so a one-shot command pays for what it runs and nothing else.
 *
 * Adding a command: write its module (`cli/NAME.ts` exporting `registerNameCommands(program)`), then add a group
 * here (or its lines to an existing group) in the order `--help` lists them. A line is the command's term as the
 * help shows it (name, `[options]` when it has options, its arguments) and its description; command-table.test.ts
 * fails with the exact lines to paste when this table and the registered commands disagree.
 * @module
 */
import type { Command } from 'commander'

/** Registers a group's commands on the program (the module's `register…Commands`). */
export type RegisterCommands = (program: Command) => void

/** The program-level options given before the command (read by a loader that picks a module by mode). */
export type GlobalFlags = Readonly<Record<string, unknown>>

/** One line of the top-level help: [term, description], e.g. ['net-info [options] <name>', 'basic information…']. */
export type CommandLine = readonly [term: string, summary: string]

export interface CommandGroup {
  /** The group's top-level commands, in help order. */
  readonly commands: readonly CommandLine[]
  /** Imports the group's module(s) and returns its registration (first use only: modules are cached). */
  load(globals: GlobalFlags): Promise<RegisterCommands>
}

/** The command name of a table line (the first word of its term). */
export function commandName(line: CommandLine): string {
  const term = line[0]
  const space = term.indexOf(' ')
  return space < 0 ? term : term.slice(0, space)
}

export const COMMAND_GROUPS: readonly CommandGroup[] = [
  {
    commands: [['xml', 'libvirt XML tools']],
    load: async () => (await import('./xml.js')).registerXmlCommands,
  },
  {
    commands: [['show [options] [names...]', 'print the current interfaces and routes of a target as a document apply accepts (YAML, or JSON with --json)']],
    load: async () => (await import('./show.js')).registerShowCommand,
  },
  {
    commands: [
      ['restore [options]', "apply the target's saved state again (--saved), as one verified transaction"],
      ['boot [options]', "apply every target's saved state (one verified transaction each, as far as it fits), then start the autostart networks"],
    ],
    load: async () => (await import('./saved.js')).registerSavedCommands,
  },
  {
    commands: [['gen-conf [options] [file]', 'render a desired state (or the saved one) as native configuration files: nm-keyfile, networkd, ifupdown or ifcfg']],
    load: async () => (await import('./gen-conf.js')).registerGenConfCommand,
  },
  {
    commands: [['ovs-show [options]', 'print Open vSwitch bridges, ports, VLANs and bond status of a target']],
    load: async () => (await import('./ovs.js')).registerOvsCommands,
  },
  {
    commands: [
      ['apply [options] <file>', 'apply a desired-state document as one transaction: verified, rolled back on any failure'],
      ['diff [options] [file]', 'show what applying a document would change, touching nothing (--saved: the drift from the saved state)'],
    ],
    load: async () => (await import('./apply.js')).registerApplyCommands,
  },
  {
    commands: [
      ['commit [options]', "keep the change of an 'apply --confirm-within' transaction"],
      ['rollback [options]', "undo an 'apply --confirm-within' transaction now: restore the state from before it"],
    ],
    load: async () => (await import('./confirm.js')).registerConfirmCommands,
  },
  {
    commands: [
      ['iface-list [options]', 'list interfaces (active ones; --all adds inactive and defined-only ones)'],
      ['iface-dumpxml [options] <name>', 'interface XML of the live interface (--inactive: the stored definition)'],
      ['iface-define [options] <file>', 'define (or redefine) an interface from libvirt interface XML'],
      ['iface-start [options] <name>', 'start a defined interface: apply it as one verified transaction'],
      ['iface-destroy [options] <name>', 'stop an interface: take it down, removing the links its start created'],
      ['iface-undefine [options] <name>', 'remove the stored definition (a running interface keeps running)'],
    ],
    load: async () => (await import('./iface.js')).registerIfaceCommands,
  },
  {
    commands: [
      ['net-define [options] <file>', 'define (or redefine) a persistent network from libvirt network XML'],
      ['net-create [options] <file>', 'create and start a transient network from libvirt network XML'],
      ['net-start [options] <name>', 'start a defined network'],
      ['net-destroy [options] <name>', 'stop an active network (a transient one is removed)'],
      ['net-undefine [options] <name>', 'remove a persistent definition (an active network keeps running, transient)'],
      ['net-autostart [options] <name>', 'start the network whenever hostnet serve starts (--disable: no longer)'],
      ['net-list [options]', 'list active networks (--all: inactive ones too); every target unless one is given'],
      ['net-info [options] <name>', 'basic information about a network'],
      ['net-dumpxml [options] <name>', 'network XML: the live definition of an active network (--inactive: the persistent one)'],
      ['net-dhcp-leases [options] <name>', "the DHCP leases of an active network's dnsmasq"],
    ],
    load: async () => (await import('./net.js')).registerNetCommands,
  },
  {
    commands: [['net-update [options] <network> <command> <section> <xml>', "change one section of a network's live and/or persistent definition (libvirt's net-update)"]],
    load: async () => (await import('./net-update.js')).registerNetUpdateCommand,
  },
  {
    commands: [
      ['net-port-create [options] <network> <file>', 'create a network port from <networkport> XML (or --interface: a domain <interface>) and plug it'],
      ['net-port-list [options] <network>', 'list the ports of an active network'],
      ['net-port-dumpxml [options] <network> <uuid>', 'the <networkport> XML of a port (--domain-interface: the domain status <interface>)'],
      ['net-port-associate [options] <network> <uuid>', 'complete the 802.1Qbg/802.1Qbh association of a pre-associated port'],
      ['net-port-delete [options] <network> <uuid>', 'delete a network port (its devices are unplugged)'],
    ],
    load: async () => (await import('./net-port.js')).registerNetPortCommands,
  },
  {
    commands: [
      ['lldpad-start [options]', "run hostnet's private lldpad in a namespace (own /run, /dev/shm, /var/lib/lldpad)"],
      ['lldpad-stop [options]', "stop hostnet's private lldpad of a namespace"],
      ['evb-enable [options] <interface>', 'enable EVB (802.1Qbg) on an uplink of the lldpad serving the target, station role; read back'],
      ['evb-show [options] <interface>', 'EVB settings of an interface, whether the bridge answered, and the VSI associations lldpad holds'],
    ],
    load: async () => (await import('./evb.js')).registerEvbCommands,
  },
  {
    commands: [['sandbox', 'throw-away test namespaces with veth "NICs" eth0..eth3 on an uplink switch']],
    load: async () => {
      const [sandbox, guest] = await Promise.all([import('./sandbox.js'), import('./sandbox-guest.js')])
      return (program) => {
        sandbox.registerSandboxCommands(program)
        guest.registerSandboxGuestCommands(program)
      }
    },
  },
  {
    commands: [
      ['history [options]', 'the change record: what changed on this host, when, by whom, and whether it stuck (oldest first)'],
      ['history-retention [options]', 'show, or change, how long the change record keeps its records'],
    ],
    load: async () => (await import('./history.js')).registerHistoryCommands,
  },
  {
    commands: [['serve [options]', 'run the daemon: the API, the confirm timer, virtual-network autostart and dnsmasq supervision (stops on SIGTERM)']],
    load: async () => (await import('./serve.js')).registerServeCommand,
  },
  {
    commands: [
      ['agent [options]', "run this host's cluster agent: apply the cluster's logical networks and documents from etcd, report status (stops on SIGTERM)"],
      ['cluster', 'the cluster in etcd: hosts, logical networks, host documents, convergence'],
    ],
    load: async () => (await import('./cluster.js')).registerClusterCommands,
  },
  {
    commands: [['token', 'API bearer tokens (create prints the token once; only its hash is stored)']],
    load: async () => (await import('./token.js')).registerTokenCommands,
  },
  {
    commands: [['api', "the REST API served by 'hostnet serve'"]],
    load: async () => (await import('./api.js')).registerApiCommands,
  },
  {
    commands: [
      [
        'demo [options]',
        "walk-through in the sandbox 'hostnet-demo': host interfaces (apply, confirm/rollback) and virtual networks (NAT, isolated, guests, DHCP)",
      ],
    ],
    load: async () => (await import('./demo.js')).registerDemoCommand,
  },
  {
    commands: [['debug', 'show what hostnet would hand to southbound systems (touches nothing)']],
    load: async () => (await import('./debug.js')).registerDebugCommands,
  },
]
