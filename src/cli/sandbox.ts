/** `hostnet sandbox create|destroy|status`: a namespace with veth "NICs" eth0..eth3 on an uplink-switch bridge. */
import type { Command } from 'commander'
import { ValidationError } from '../errors.js'
import { createSandbox, sandboxStatus, type SandboxStatus } from '../lab/sandbox.js'
import { destroySandboxAndOvs, sandboxOvsStatus, startSandboxOvsOrRemove } from '../lab/sandbox-ovs.js'
import { sandboxLibvirtStatus, startSandboxLibvirtOrRemove } from '../lab/sandbox-libvirt.js'
import { resolveStateDir } from '../store/index.js'
import { printJson, table } from './output.js'

export const DEFAULT_SANDBOX_NAME = 'hostnet-sandbox'

interface SandboxFlags {
  name?: string
  hairpin?: string
  json?: boolean
  ovs?: boolean
  libvirt?: boolean
  stateDir?: string
}

const ON = new Set(['on', '1', 'true', 'yes'])
const OFF = new Set(['off', '0', 'false', 'no', ''])

/** "on,off,on,off" → [true, false, true, false] (one entry per NIC, eth0 first). */
export function parseHairpinList(list: string): boolean[] {
  return list.split(',').map((raw, i) => {
    const v = raw.trim().toLowerCase()
    if (ON.has(v)) return true
    if (OFF.has(v)) return false
    throw new ValidationError(`invalid --hairpin value '${raw}' for port eth${i}: expected on or off`, { path: '--hairpin', value: list })
  })
}

export function sandboxStatusText(s: SandboxStatus): string {
  if (!s.exists && !s.switchExists) return `sandbox '${s.name}' does not exist\n`
  const head = `sandbox '${s.name}': namespace ${s.exists ? 'present' : 'MISSING'}, switch namespace '${s.switchNetns}' ${s.switchExists ? 'present' : 'MISSING'}\n`
  const rows = [['NIC', 'STATE', 'MAC', 'SWITCH PORT', 'HAIRPIN']]
  for (const n of s.nics) rows.push([n.name, n.state ?? '-', n.mac ?? '-', n.switchPort, n.hairpin === undefined ? '-' : n.hairpin ? 'on' : 'off'])
  return head + table(rows)
}

function print(value: unknown, flags: SandboxFlags, text: string): void {
  if (flags.json === true) printJson(value ?? null)
  else process.stdout.write(text)
}

export function registerSandboxCommands(program: Command): void {
  const sandbox = program.command('sandbox').description('throw-away test namespaces with veth "NICs" eth0..eth3 on an uplink switch')
  sandbox
    .command('create')
    .description('create the sandbox (namespace NAME with eth0..eth3, and NAME-sw holding their peers on a bridge)')
    .option('--name <name>', 'sandbox (namespace) name', DEFAULT_SANDBOX_NAME)
    .option('--hairpin <list>', 'hairpin mode per switch port, e.g. on,off,off,off')
    .option('--ovs', 'also start a private Open vSwitch (ovs-vswitchd in the sandbox, userspace datapath)')
    .option('--libvirt', "also start a private libvirtd (QEMU driver) in the sandbox, for the Kimchi API's guests (serve --kimchi-netns)")
    .option('--state-dir <dir>', 'state directory recording the private OVS and libvirtd (default: $HOSTNET_STATE_DIR or /var/lib/hostnet)')
    .option('--json', 'print machine-readable JSON')
    .action(async (flags: SandboxFlags) => {
      const name = flags.name ?? DEFAULT_SANDBOX_NAME
      const hairpin = flags.hairpin === undefined ? undefined : parseHairpinList(flags.hairpin)
      const stateDir = resolveStateDir({ flag: flags.stateDir })
      const r = await createSandbox({ name, ...(hairpin === undefined ? {} : { hairpin }) })
      const ovs = flags.ovs === true ? await startSandboxOvsOrRemove(stateDir, name) : undefined
      const libvirt = flags.libvirt === true ? await startSandboxLibvirtOrRemove(stateDir, name, () => destroySandboxAndOvs(stateDir, name)) : undefined
      const ovsText = ovs === undefined ? '' : `Open vSwitch: ${ovs.address} (ovs-vswitchd in '${name}', datapath netdev)\n`
      const lvText = libvirt === undefined ? '' : `libvirt: ${libvirt.uri} (libvirtd in '${name}', QEMU driver)\n`
      print({ ...r, ...(ovs === undefined ? {} : { ovs }), ...(libvirt === undefined ? {} : { libvirt }) }, flags, `created sandbox '${name}': use --netns ${name}\n${sandboxStatusText(r)}${ovsText}${lvText}`)
    })
  sandbox
    .command('destroy')
    .description('remove the sandbox namespaces (and everything in them)')
    .option('--name <name>', 'sandbox (namespace) name', DEFAULT_SANDBOX_NAME)
    .option('--state-dir <dir>', 'state directory recording the private OVS (default: $HOSTNET_STATE_DIR or /var/lib/hostnet)')
    .option('--json', 'print machine-readable JSON')
    .action(async (flags: SandboxFlags) => {
      const name = flags.name ?? DEFAULT_SANDBOX_NAME
      const r = await destroySandboxAndOvs(resolveStateDir({ flag: flags.stateDir }), name)
      const removed = [...r.removed, ...(r.ovsStopped ? ['its Open vSwitch'] : []), ...(r.libvirtStopped ? ['its libvirtd'] : [])]
      print(r, flags, removed.length === 0 ? `sandbox '${name}' did not exist\n` : `destroyed sandbox '${name}' (removed ${removed.join(', ')})\n`)
    })
  sandbox
    .command('status')
    .description('show whether the sandbox exists and its ports')
    .option('--name <name>', 'sandbox (namespace) name', DEFAULT_SANDBOX_NAME)
    .option('--state-dir <dir>', 'state directory recording the private OVS (default: $HOSTNET_STATE_DIR or /var/lib/hostnet)')
    .option('--json', 'print machine-readable JSON')
    .action(async (flags: SandboxFlags) => {
      const name = flags.name ?? DEFAULT_SANDBOX_NAME
      const r = await sandboxStatus(name)
      const stateDir = resolveStateDir({ flag: flags.stateDir })
      const ovs = sandboxOvsStatus(stateDir, name)
      const libvirt = sandboxLibvirtStatus(stateDir, name)
      const ovsText = ovs === undefined ? '' : `Open vSwitch: ${ovs.address} (${ovs.running ? 'running' : 'NOT running'})\n`
      const lvText = libvirt === undefined ? '' : `libvirt: ${libvirt.uri} (${libvirt.running ? 'running' : 'NOT running'})\n`
      print({ ...r, ...(ovs === undefined ? {} : { ovs }), ...(libvirt === undefined ? {} : { libvirt }) }, flags, sandboxStatusText(r) + ovsText + lvText)
    })
}
