/**
 * The virtual-network half of `hostnet demo`: in the sandbox namespace, a NAT network and an isolated one are
 * defined and started; a guest on each gets a DHCP lease; the NAT guest resolves a name through the network's
 * dnsmasq and reaches the sandbox's outside as the host's address, the isolated guest reaches nothing; an
 * overlapping network is refused and leaves no trace. A second run first removes what the first left.
 * @module
 */
import { errorMessage, HostnetError } from '../errors.js'
import type { Target } from '../model/target.js'
import { deleteNetns } from '../sys/netns.js'
import { ensureSandboxOutside, guestNetnsName, OUTSIDE_ADDR, UPLINK_ADDR } from '../sys/sandbox-outside.js'
import { exitCodeFor } from './exit.js'
import { netListText } from './net.js'
import { table } from './output.js'
import type { Runtime } from './runtime.js'
import { addGuest, guestReach, guestResolve, leaseGuest } from './sandbox-guest.js'

export const DEMO_NAT_XML = `<network>
  <name>demo-nat</name>
  <forward mode='nat'/>
  <bridge stp='off'/>
  <domain name='demo.test'/>
  <dns><host ip='192.168.150.10'><hostname>files</hostname></host></dns>
  <ip address='192.168.150.1' prefix='24'>
    <dhcp><range start='192.168.150.100' end='192.168.150.199'/></dhcp>
  </ip>
</network>
`

export const DEMO_ISOLATED_XML = `<network>
  <name>demo-isolated</name>
  <bridge stp='off'/>
  <ip address='192.168.151.1' prefix='24'>
    <dhcp><range start='192.168.151.100' end='192.168.151.199'/></dhcp>
  </ip>
</network>
`

export const DEMO_OVERLAP_XML = `<network>
  <name>demo-overlap</name>
  <forward mode='nat'/>
  <ip address='192.168.150.129' prefix='25'/>
</network>
`

const DEMO_NETWORKS = ['demo-nat', 'demo-isolated', 'demo-overlap', 'demo-vepa']
const GUESTS = [
  { name: 'nat1', network: 'demo-nat', mac: '52:54:00:de:00:01' },
  { name: 'iso1', network: 'demo-isolated', mac: '52:54:00:de:00:02' },
] as const

export type Say = (text: string) => void

/** Before the sandbox is made again: stop and forget the demo networks and guests an earlier run left. */
export async function forgetDemoNetworks(rt: Runtime, sandbox: string, say: Say): Promise<void> {
  const target: Target = { kind: 'netns', name: sandbox }
  const left = rt.networks().list(target, { all: true }).filter((n) => DEMO_NETWORKS.includes(n.name))
  for (const n of left) {
    if (n.state === 'active') await rt.networks().destroy(target, n.name)
    if (n.persistent) rt.networks().undefine(target, n.name)
  }
  for (const g of GUESTS) await deleteNetns(guestNetnsName(sandbox, g.name))
  if (left.length > 0) say(`removed the networks an earlier run left (${left.map((n) => n.name).join(', ')})\n`)
}

async function startNetworks(rt: Runtime, target: Target, say: Say): Promise<void> {
  for (const xml of [DEMO_NAT_XML, DEMO_ISOLATED_XML]) {
    const def = await rt.networks().define(target, xml)
    await rt.networks().start(target, def.name)
    const info = rt.networks().info(target, def.name)
    say(`  ${def.name}: started, bridge ${info.bridge ?? '-'}, dnsmasq pid ${info.dnsmasqPid ?? '-'}, ${info.nftObjects ?? 0} nft objects\n`)
  }
  say(`\n$ hostnet net-list --netns ${target.kind === 'netns' ? target.name : ''}\n`)
  say(netListText(rt.networks().list(target), false))
}

async function attachGuests(rt: Runtime, sandbox: string, say: Say): Promise<void> {
  const target: Target = { kind: 'netns', name: sandbox }
  await ensureSandboxOutside(sandbox)
  const leases = await Promise.all(
    GUESTS.map(async (g) => {
      const { netns } = await addGuest({ networks: rt.networks(), sandbox, guest: g.name, network: g.network, mac: g.mac })
      return { g, lease: await leaseGuest(netns, g.mac) }
    }),
  )
  for (const { g, lease } of leases) {
    say(`  guest ${g.name} on ${g.network}: DHCP lease ${lease.ip}/${lease.prefix}, router ${lease.router ?? '(none: isolated)'}\n`)
  }
  say(`\n$ hostnet net-dhcp-leases --netns ${sandbox} demo-nat\n`)
  const rows = (await rt.networks().leases(target, 'demo-nat')).map((l) => [l.mac ?? '-', l.ip, l.hostname ?? '-'])
  say(table([['MAC address', 'IP address', 'Hostname'], ...rows]))
}

async function reachOutside(sandbox: string, say: Say): Promise<void> {
  const nat = guestNetnsName(sandbox, 'nat1')
  const names = await guestResolve(nat, '192.168.150.1', 'files.demo.test')
  say(`  nat1 asks dnsmasq (192.168.150.1) for files.demo.test: ${names.length > 0 ? names.join(', ') : 'no answer'}\n`)
  const [viaNat, isolated] = await Promise.all([
    guestReach(nat, `${sandbox}-out`),
    guestReach(guestNetnsName(sandbox, 'iso1'), `${sandbox}-out`, undefined, 2000),
  ])
  const seen = viaNat.seenAs === UPLINK_ADDR ? `${UPLINK_ADDR}, the host's own address (masquerade)` : (viaNat.seenAs ?? '?')
  say(viaNat.ok ? `  nat1 -> ${OUTSIDE_ADDR}: connected; the outside saw ${seen}\n` : `  nat1 -> ${OUTSIDE_ADDR}: FAILED (${viaNat.code ?? '?'})\n`)
  say(isolated.ok ? `  iso1 -> ${OUTSIDE_ADDR}: connected (unexpected!)\n` : `  iso1 -> ${OUTSIDE_ADDR}: no way out (${isolated.code ?? '?'}), as an isolated network should be\n`)
}

async function refuseOverlap(rt: Runtime, target: Target, say: Say): Promise<void> {
  say(DEMO_OVERLAP_XML.replace(/^(?=.)/gm, '    '))
  await rt.networks().define(target, DEMO_OVERLAP_XML)
  try {
    await rt.networks().start(target, 'demo-overlap')
    throw new HostnetError('bug', 'the overlapping network was started')
  } catch (e) {
    if (!(e instanceof HostnetError) || e.kind !== 'conflict') throw e
    say(`net-start refused with exit status ${exitCodeFor(e)}: ${errorMessage(e)}\n(nothing was created: no bridge, no dnsmasq, no rule)\n`)
  }
}

/** Steps `first`.. of the demo; returns the next step number. */
export async function demoNetworks(rt: Runtime, sandbox: string, say: Say, step: (n: number, title: string) => void, first: number): Promise<number> {
  const target: Target = { kind: 'netns', name: sandbox }
  step(first, 'virtual networks: a NAT network and an isolated one (libvirt XML, net-define + net-start)')
  await startNetworks(rt, target, say)
  step(first + 1, 'guests (namespaces on the bridges) get addresses from the networks\' dnsmasq')
  await attachGuests(rt, sandbox, say)
  step(first + 2, `DNS, and the way out: the sandbox's "outside" (${OUTSIDE_ADDR}) has no route back to the guests`)
  await reachOutside(sandbox, say)
  step(first + 3, 'a network whose subnet overlaps an active one cannot start')
  await refuseOverlap(rt, target, say)
  return first + 4
}
