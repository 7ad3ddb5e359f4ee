/**
 * 802.1Qbg set-up of a host: `lldpad-start`/`lldpad-stop` run hostnet's private lldpad in a namespace (its own
 * mount and IPC namespace, state under `<state-dir>/lldpad/<netns>/`, EVB roles written before it starts, as the
 * bridge role requires), `evb-enable` turns EVB on for an uplink of whichever lldpad serves the target (the
 * system's for `--host`) in the station role and reads it back, `evb-show` prints the EVB settings, whether the
 * bridge answered, and the VSI associations lldpad holds on the interface.
 * @module
 */
import type { Command } from 'commander'
import { join } from 'node:path'
import { checkEvbInterface, enableEvb, readEvb, readInstance, startPrivateLldpad, stopPrivateLldpad, lldpadNetlinkPort, type EvbInterface, type EvbRole } from '../backend/lldpad/index.js'
import { HelperChannel } from '../backend/netlink/index.js'
import { PortProfileService } from '../backend/vportprofile/index.js'
import { HostnetError, ValidationError } from '../errors.js'
import { resolveStateDir } from '../store/state-dir.js'
import { systemRunner } from '../sys/exec.js'
import { addTargetOptions, resolveTarget, type TargetFlags } from './common.js'
import { printJson, table } from './output.js'

interface EvbFlags extends TargetFlags {
  role?: string
  evb?: string[]
  verbose?: boolean
}

function role(v: string | undefined): EvbRole {
  if (v === undefined || v === 'station' || v === 'bridge') return v ?? 'station'
  throw new ValidationError(`invalid EVB role '${v}': station or bridge`, { path: '--role', value: v })
}

function evbInterface(spec: string): EvbInterface {
  const [ifname, r] = spec.split(':', 2)
  return { ifname: checkEvbInterface(ifname ?? ''), role: role(r) }
}

function runDir(flags: TargetFlags, netns: string): string {
  return join(resolveStateDir({ flag: flags.stateDir }), 'lldpad', netns)
}

function say(flags: TargetFlags, json: unknown, text: string): void {
  if (flags.json === true) printJson(json)
  else process.stdout.write(text)
}

function netnsOnly(flags: TargetFlags): string {
  const t = resolveTarget(flags)
  if (t.kind !== 'netns') throw new ValidationError("a private lldpad is for a network namespace (--netns); the host's lldpad is the system's service", { path: '--host' })
  return t.name
}

export function registerEvbCommands(program: Command): void {
  const start = program.command('lldpad-start').description("run hostnet's private lldpad in a namespace (own /run, /dev/shm, /var/lib/lldpad)")
  addTargetOptions(start)
    .option('--evb <interface[:role]>', 'EVB on this interface from the start (role station or bridge; repeatable)', (v: string, acc: string[] = []) => [...acc, v])
    .option('--verbose', "lldpad's debug log (-V 7) in its log file")
  start.action(async (flags: EvbFlags) => {
    const netns = netnsOnly(flags)
    const dir = runDir(flags, netns)
    const prev = readInstance(dir)
    if (prev !== undefined) await stopPrivateLldpad(dir)
    const inst = await startPrivateLldpad({ netns, runDir: dir, interfaces: (flags.evb ?? []).map(evbInterface), ...(flags.verbose === true ? { verbose: true } : {}) })
    say(flags, inst, `lldpad ${inst.pid} runs in namespace '${netns}' (log ${inst.logPath})\n`)
  })

  const stop = program.command('lldpad-stop').description("stop hostnet's private lldpad of a namespace")
  addTargetOptions(stop)
  stop.action(async (flags: EvbFlags) => {
    const netns = netnsOnly(flags)
    const ran = await stopPrivateLldpad(runDir(flags, netns))
    if (!ran) throw new HostnetError('not-found', `no private lldpad of hostnet runs in namespace '${netns}'`)
    say(flags, { netns, stopped: true }, `lldpad of namespace '${netns}' stopped\n`)
  })

  const enable = program.command('evb-enable').description('enable EVB (802.1Qbg) on an uplink of the lldpad serving the target, station role; read back')
  addTargetOptions(enable).argument('<interface>', 'the uplink').option('--role <role>', 'station (default) or bridge')
  enable.action(async (ifname: string, flags: EvbFlags) => {
    const target = resolveTarget(flags)
    const got = await enableEvb(systemRunner, target, ifname, role(flags.role))
    say(flags, got, `EVB ${got.evb['evbmode'] ?? '?'} on '${ifname}' (adminStatus ${got.adminStatus}, bridge ${got.negotiated ? 'answered' : 'not heard yet'})\n`)
  })

  const show = program.command('evb-show').description('EVB settings of an interface, whether the bridge answered, and the VSI associations lldpad holds')
  addTargetOptions(show).argument('<interface>', 'the uplink')
  show.action(async (ifname: string, flags: EvbFlags) => {
    const target = resolveTarget(flags)
    const evb = await readEvb(systemRunner, target, ifname)
    const svc = new PortProfileService({ runner: systemRunner, channel: new HelperChannel(systemRunner), lldpadPort: (t) => lldpadNetlinkPort(t) })
    const vsis = await svc.lldpadAssociations(target, ifname)
    const settings = Object.entries(evb.evb).map(([k, v]) => `${k}=${v}`).join(' ')
    const text = [`interface ${ifname}: adminStatus ${evb.adminStatus}; ${settings}`, `bridge: ${evb.negotiated ? 'answered (EVB session up)' : 'not heard'}`, table([['Instance', 'State', 'Status'], ...vsis.map((v) => [v.instanceId, v.state, v.status])])]
    say(flags, { ...evb, associations: vsis }, `${text.join('\n')}${text[2]!.endsWith('\n') ? '' : '\n'}`)
  })
}
