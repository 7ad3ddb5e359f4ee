/**
 * Runs INSIDE the User-Mode Linux guest for boot.test.ts, one phase per boot of a fresh kernel, with the state
 * directory on the host's filesystem (so it survives the "reboot"). The guest's "NICs" are dummies made here by
 * hand before hostnet runs, as a host's NICs exist before its network configuration.
 *   apply DIR      make e0 e1 e2, apply the document (bond of e0+e1, VLAN 10 on it in bridge br0 with an address
 *                  and a route; VLAN 20 on e2 with an address) through the CLI
 *   boot DIR NICS  make the NICs listed (comma-separated), run `hostnet boot`
 * Prints one JSON line: the CLI's exit status and output, and the resulting links, addresses and routes.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { hostnetBinPath } from '../engine/cli-helpers.js'

const [phase, dir, nics] = process.argv.slice(2)

const DOC = `interfaces:
  - name: bond0
    type: bond
    state: up
    link-aggregation:
      mode: active-backup
      options: {miimon: 100}
      port: [e0, e1]
  - name: bond0.10
    type: vlan
    state: up
    vlan: {base-iface: bond0, id: 10}
  - name: br0
    type: linux-bridge
    state: up
    bridge:
      options: {stp: {enabled: false}}
      port: [{name: bond0.10}]
    ipv4: {enabled: true, address: [{ip: 192.0.2.1, prefix-length: 24}]}
  - name: e2.20
    type: vlan
    state: up
    vlan: {base-iface: e2, id: 20}
    ipv4: {enabled: true, address: [{ip: 203.0.113.1, prefix-length: 24}]}
routes:
  config:
    - {destination: 198.51.100.0/24, next-hop-address: 192.0.2.254, next-hop-interface: br0}
`

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8' })
}

function hostnet(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [hostnetBinPath(), ...args, '--state-dir', dir as string], { encoding: 'utf8' })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

function state(): Record<string, unknown> {
  const links = JSON.parse(ip('-d', '-j', 'addr', 'show')) as Array<{ ifname: string; operstate: string; master?: string; linkinfo?: { info_kind?: string; info_data?: { id?: number; mode?: string } }; addr_info?: Array<{ local: string; prefixlen: number; family: string }> }>
  const out: Record<string, unknown> = {}
  for (const l of links) {
    out[l.ifname] = {
      kind: l.linkinfo?.info_kind ?? null,
      master: l.master ?? null,
      vlan: l.linkinfo?.info_data?.id ?? null,
      up: l.operstate !== 'DOWN',
      addrs: (l.addr_info ?? []).filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`),
    }
  }
  return { links: out, routes: ip('-4', 'route', 'show').trim().split('\n') }
}

const made = phase === 'apply' ? ['e0', 'e1', 'e2'] : (nics ?? '').split(',').filter((n) => n !== '')
for (const n of made) {
  ip('link', 'add', n, 'type', 'dummy')
  ip('link', 'set', n, 'up')
}
let cli
if (phase === 'apply') {
  const f = join(dir as string, 'stack.yaml')
  writeFileSync(f, DOC)
  cli = hostnet('apply', '--host', f)
} else {
  cli = hostnet('boot', '--json')
}
const diff = phase === 'apply' ? undefined : hostnet('diff', '--saved', '--host', '--json')
process.stdout.write(`${JSON.stringify({ uml: process.env['UML_LANE'] === '1', phase, cli, diff, state: state() })}\n`)
