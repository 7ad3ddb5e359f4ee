/** `hostnet ovs-show`: Open vSwitch bridges, ports with their VLAN columns, and bond status of a target. */
import type { Command } from 'commander'
import type { OvsBridgeStatus, OvsPortStatus, OvsStatus } from '../backend/ovs-host/index.js'
import { LocalOps } from '../service/local.js'
import { addTargetOptions, resolveTarget, type TargetFlags } from './common.js'
import { printJson } from './output.js'
import { withRuntime } from './runtime.js'

function vlanText(p: OvsPortStatus): string {
  const mode = p.vlanMode ?? (p.tag !== undefined ? 'access' : p.trunks.length > 0 ? 'trunk' : undefined)
  if (mode === undefined) return 'all VLANs'
  const parts = [mode]
  if (p.tag !== undefined) parts.push(`tag ${p.tag}`)
  if (p.trunks.length > 0) parts.push(`trunks ${p.trunks.join(',')}`)
  return parts.join(', ')
}

function portLines(p: OvsPortStatus): string[] {
  const head = [`  port ${p.name}: ${vlanText(p)}`]
  if (p.bond !== undefined) {
    const b = p.bond
    head[0] += `; bond ${b.mode}${b.lacp === undefined ? '' : `, lacp ${b.lacp}`}, active member ${b.activeMember ?? '-'}`
    if (b.updelayMs > 0 || b.downdelayMs > 0) head[0] += `, updelay ${b.updelayMs} ms, downdelay ${b.downdelayMs} ms`
  }
  for (const i of p.interfaces) {
    const facts = [i.type, `link ${i.linkState ?? '-'}`]
    if (i.ofport !== undefined) facts.push(`ofport ${i.ofport}`)
    if (i.lacpCurrent !== undefined) facts.push(`lacp ${i.lacpCurrent ? 'negotiated' : 'not negotiated'}`)
    if (p.bond?.activeMember === i.name) facts.push('active')
    if (i.error !== undefined) facts.push(`error: ${i.error}`)
    head.push(`    interface ${i.name} (${facts.join(', ')})`)
  }
  return head
}

function bridgeLines(b: OvsBridgeStatus): string[] {
  const opts = [`datapath ${b.datapathType || 'system'}`, `fail-mode ${b.failMode ?? 'standalone (default)'}`, `stp ${b.stp ? 'on' : 'off'}`]
  if (b.rstp) opts.push('rstp on')
  return [`bridge ${b.name} (${opts.join(', ')})`, ...b.ports.flatMap(portLines)]
}

export function ovsStatusText(s: OvsStatus): string {
  const head = `Open vSwitch${s.ovsVersion === undefined ? '' : ` ${s.ovsVersion}`} at ${s.address} (configuration ${s.curCfg}/${s.nextCfg} applied)`
  const body = s.bridges.length === 0 ? ['no bridges'] : s.bridges.flatMap(bridgeLines)
  return `${[head, ...body].join('\n')}\n`
}

export function registerOvsCommands(program: Command): void {
  const cmd = program.command('ovs-show').description('print Open vSwitch bridges, ports, VLANs and bond status of a target')
  addTargetOptions(cmd).action(async (flags: TargetFlags) => {
    const target = resolveTarget(flags)
    await withRuntime(
      flags,
      async (rt) => {
        const status = await new LocalOps(rt).ovsShow(target)
        if (flags.json === true) printJson(status)
        else process.stdout.write(ovsStatusText(status))
      },
      { recover: false, networks: false },
    )
  })
}
