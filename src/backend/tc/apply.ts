/**
 * Runs rendered shaping commands through sys/exec (argv only), optionally inside a network namespace, with
 * libvirt's failure rules: steps marked `ignoreFailure` may fail, any other failure stops the sequence with a
 * CommandError. OVS QoS needs its look-ups answered first: `applyOvsQos` runs them, then the rest.
 * @module
 */
import type { Bandwidth } from '../../model/netdev/bandwidth.js'
import type { ExecResult, Runner } from '../../sys/exec.js'
import type { ShapingCommand } from './command.js'
import { OVS_TIMEOUT_SEC, ovsQosLookups, parseOvsUuids, renderOvsQos } from './render-ovs.js'
import type { OvsQosFound } from './render-ovs.js'
import { OVS_VSCTL } from './command.js'

export interface ShapingApplyOptions {
  /** Run inside this named network namespace. */
  netns?: string
  timeoutMs?: number
}

export interface AppliedCommand {
  readonly argv: readonly string[]
  readonly exitCode: number
  readonly stderr: string
}

type RunOptions = { netns?: string; timeoutMs?: number; allowFailure: boolean }

function execOpts(opts: ShapingApplyOptions, allowFailure: boolean): RunOptions {
  const out: RunOptions = { allowFailure }
  if (opts.netns !== undefined) out.netns = opts.netns
  if (opts.timeoutMs !== undefined) out.timeoutMs = opts.timeoutMs
  return out
}

async function runOne(runner: Runner, cmd: ShapingCommand, opts: ShapingApplyOptions): Promise<ExecResult> {
  return runner.run(cmd.argv, execOpts(opts, cmd.ignoreFailure === true))
}

/** Run commands in order; returns what each did (exit codes of ignored failures included). */
export async function applyShapingCommands(
  runner: Runner,
  commands: readonly ShapingCommand[],
  opts: ShapingApplyOptions = {},
): Promise<AppliedCommand[]> {
  const done: AppliedCommand[] = []
  for (const cmd of commands) {
    const res = await runOne(runner, cmd, opts)
    done.push({ argv: cmd.argv, exitCode: res.exitCode, stderr: res.stderr })
  }
  return done
}

/** Answer libvirt's OVS look-ups (queue and QoS rows of this VM's port, whether the port holds a QoS). */
export async function lookUpOvsQos(
  runner: Runner,
  ifname: string,
  vmUuid: string,
  opts: ShapingApplyOptions = {},
): Promise<OvsQosFound> {
  const [queueCmd, qosCmd] = ovsQosLookups(ifname, vmUuid)
  const queues = parseOvsUuids((await runOne(runner, queueCmd!, opts)).stdout)
  const qos = parseOvsUuids((await runOne(runner, qosCmd!, opts)).stdout)
  if (qos.length === 0) return { queues, qos }
  const list = ['--no-heading', '--columns=_uuid', '--if-exists', 'list', 'port', ifname, 'qos']
  const portQos = await runner.run([OVS_VSCTL, `--timeout=${OVS_TIMEOUT_SEC}`, ...list], execOpts(opts, true))
  return { queues, qos, portHasQos: portQos.stdout.trim() !== '' }
}

/** virNetDevOpenvswitchInterfaceSetQos against a live ovs-vsctl. */
export async function applyOvsQos(
  runner: Runner,
  ifname: string,
  bandwidth: Bandwidth | undefined,
  vmUuid: string,
  opts: ShapingApplyOptions & { swapped: boolean },
): Promise<AppliedCommand[]> {
  if (bandwidth === undefined) return []
  const found = await lookUpOvsQos(runner, ifname, vmUuid, opts)
  const commands = renderOvsQos(ifname, bandwidth, vmUuid, { swapped: opts.swapped, found })
  return applyShapingCommands(runner, commands.filter((c) => c.query !== true), opts)
}
