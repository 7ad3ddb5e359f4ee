/**
 * A hand-built virtual-network lab in namespaces of its own: a "host" namespace with a bridge (the network's
 * bridge, addresses 192.168.100.1/24 and fd00:100::1/64) and IP forwarding on, two "guest" namespaces plugged
 * into it by veth (default routes via the bridge), and an "outside" namespace linked to the host by another
 * veth (10.99.0.0/24, fd00:99::/64) with no route back to the guests. Everything is removed afterwards.
 * @module
 */
import { execFileSync } from 'node:child_process'
import { makeNetns, removeNetns } from '../helpers/netns.js'

export const LAB_BRIDGE = 'hnbr0'
export const LAB = {
  bridgeV4: '192.168.100.1',
  guest1V4: '192.168.100.10',
  guest2V4: '192.168.100.11',
  hostUplinkV4: '10.99.0.1',
  outsideV4: '10.99.0.2',
  bridgeV6: 'fd00:100::1',
  guest1V6: 'fd00:100::10',
  hostUplinkV6: 'fd00:99::1',
  outsideV6: 'fd00:99::2',
} as const

export interface Lab {
  readonly host: string
  readonly guest1: string
  readonly guest2: string
  readonly outside: string
}

function ipn(ns: string, ...args: string[]): void {
  execFileSync('ip', ['-n', ns, ...args], { stdio: ['ignore', 'ignore', 'inherit'] })
}

export function sysctl(ns: string, setting: string): void {
  execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', setting], { stdio: ['ignore', 'ignore', 'inherit'] })
}

/** Give `ns` a route (e.g. the outside a way back to the guests, for routed networks). */
export function addRoute(ns: string, dest: string, via: string): void {
  ipn(ns, 'route', 'add', dest, 'via', via)
}

function plugGuest(lab: Lab, guest: string, hostPort: string, v4: string, v6: string | undefined): void {
  ipn(lab.host, 'link', 'add', hostPort, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', guest)
  ipn(lab.host, 'link', 'set', hostPort, 'master', LAB_BRIDGE, 'up')
  ipn(guest, 'link', 'set', 'lo', 'up')
  ipn(guest, 'link', 'set', 'eth0', 'up')
  ipn(guest, 'addr', 'add', `${v4}/24`, 'dev', 'eth0')
  ipn(guest, 'route', 'add', 'default', 'via', LAB.bridgeV4)
  if (v6 !== undefined) {
    ipn(guest, 'addr', 'add', `${v6}/64`, 'dev', 'eth0', 'nodad')
    ipn(guest, '-6', 'route', 'add', 'default', 'via', LAB.bridgeV6)
  }
}

function build(lab: Lab): void {
  const { host, outside } = lab
  // no duplicate address detection: a tentative link-local address would hold back the neighbour
  // solicitations of forwarded IPv6 packets for a second or two
  for (const ns of [host, lab.guest1, lab.guest2, outside]) sysctl(ns, 'net.ipv6.conf.default.accept_dad=0')
  ipn(host, 'link', 'set', 'lo', 'up')
  ipn(host, 'link', 'add', LAB_BRIDGE, 'type', 'bridge')
  ipn(host, 'addr', 'add', `${LAB.bridgeV4}/24`, 'dev', LAB_BRIDGE)
  ipn(host, 'addr', 'add', `${LAB.bridgeV6}/64`, 'dev', LAB_BRIDGE, 'nodad')
  ipn(host, 'link', 'set', LAB_BRIDGE, 'up')
  plugGuest(lab, lab.guest1, 'g1', LAB.guest1V4, LAB.guest1V6)
  plugGuest(lab, lab.guest2, 'g2', LAB.guest2V4, undefined)
  ipn(host, 'link', 'add', 'up0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', outside)
  ipn(host, 'addr', 'add', `${LAB.hostUplinkV4}/24`, 'dev', 'up0')
  ipn(host, 'addr', 'add', `${LAB.hostUplinkV6}/64`, 'dev', 'up0', 'nodad')
  ipn(host, 'link', 'set', 'up0', 'up')
  ipn(outside, 'link', 'set', 'lo', 'up')
  ipn(outside, 'addr', 'add', `${LAB.outsideV4}/24`, 'dev', 'eth0')
  ipn(outside, 'addr', 'add', `${LAB.outsideV6}/64`, 'dev', 'eth0', 'nodad')
  ipn(outside, 'link', 'set', 'eth0', 'up')
  sysctl(host, 'net.ipv4.ip_forward=1')
  sysctl(host, 'net.ipv6.conf.all.forwarding=1')
}

/** Run `fn` in a fresh lab; every namespace is deleted afterwards, also when building or `fn` fails. */
export async function withLab<T>(fn: (lab: Lab) => Promise<T>): Promise<T> {
  const names: string[] = []
  try {
    for (const tag of ['host', 'guest1', 'guest2', 'outside']) names.push(await makeNetns(tag))
    const [host, guest1, guest2, outside] = names as [string, string, string, string]
    const lab = { host, guest1, guest2, outside }
    build(lab)
    return await fn(lab)
  } finally {
    for (const n of names) await removeNetns(n)
  }
}
