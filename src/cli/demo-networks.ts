/**
 * The virtual-network half of `hostnet demo`, narrated: a NAT network and an isolated one in the sandbox, a guest
 * on each with a DHCP lease, DNS and the way out, an overlapping network refused (lab/demo/steps.ts does the work).
 * @module
 */
import { errorMessage } from '../errors.js'
import type { Target } from '../model/target.js'
import { DEMO_OVERLAP_XML } from '../lab/demo/documents.js'
import { attachDemoGuests, demoOverlap, demoReach, forgetDemoNetworks, startDemoNetworks } from '../lab/demo/steps.js'
import { OUTSIDE_ADDR, UPLINK_ADDR } from '../lab/sandbox-outside.js'
import { exitCodeFor } from './exit.js'
import { netListText } from './net.js'
import { table } from './output.js'
import type { Runtime } from './runtime.js'

export type Say = (text: string) => void

/** Before the sandbox is made again: stop and forget the demo networks and guests an earlier run left. */
export async function forgetEarlierNetworks(rt: Runtime, sandbox: string, say: Say): Promise<void> {
  const left = await forgetDemoNetworks(rt.networks(), sandbox)
  if (left.length > 0) say(`removed the networks an earlier run left (${left.join(', ')})\n`)
}

async function startNetworks(rt: Runtime, target: Target, sandbox: string, say: Say): Promise<void> {
  for (const info of await startDemoNetworks(rt.networks(), sandbox)) {
    say(`  ${info.name}: started, bridge ${info.bridge ?? '-'}, dnsmasq pid ${info.dnsmasqPid ?? '-'}, ${info.nftObjects ?? 0} nft objects\n`)
  }
  say(`\n$ hostnet net-list --netns ${sandbox}\n`)
  say(netListText(rt.networks().list(target), false))
}

async function attachGuests(rt: Runtime, target: Target, sandbox: string, say: Say): Promise<void> {
  for (const { guest: g, lease } of await attachDemoGuests(rt.networks(), sandbox)) {
    say(`  guest ${g.name} on ${g.network}: DHCP lease ${lease.ip}/${lease.prefix}, router ${lease.router ?? '(none: isolated)'}\n`)
  }
  say(`\n$ hostnet net-dhcp-leases --netns ${sandbox} demo-nat\n`)
  const rows = (await rt.networks().leases(target, 'demo-nat')).map((l) => [l.mac ?? '-', l.ip, l.hostname ?? '-'])
  say(table([['MAC address', 'IP address', 'Hostname'], ...rows]))
}

async function reachOutside(sandbox: string, say: Say): Promise<void> {
  const { names, viaNat, isolated } = await demoReach(sandbox)
  say(`  nat1 asks dnsmasq (192.168.150.1) for files.demo.test: ${names.length > 0 ? names.join(', ') : 'no answer'}\n`)
  const seen = viaNat.seenAs === UPLINK_ADDR ? `${UPLINK_ADDR}, the host's own address (masquerade)` : (viaNat.seenAs ?? '?')
  say(viaNat.ok ? `  nat1 -> ${OUTSIDE_ADDR}: connected; the outside saw ${seen}\n` : `  nat1 -> ${OUTSIDE_ADDR}: FAILED (${viaNat.code ?? '?'})\n`)
  say(isolated.ok ? `  iso1 -> ${OUTSIDE_ADDR}: connected (unexpected!)\n` : `  iso1 -> ${OUTSIDE_ADDR}: no way out (${isolated.code ?? '?'}), as an isolated network should be\n`)
}

async function refuseOverlap(rt: Runtime, sandbox: string, say: Say): Promise<void> {
  say(DEMO_OVERLAP_XML.replace(/^(?=.)/gm, '    '))
  const e = await demoOverlap(rt.networks(), sandbox)
  say(`net-start refused with exit status ${exitCodeFor(e)}: ${errorMessage(e)}\n(nothing was created: no bridge, no dnsmasq, no rule)\n`)
}

/** Steps `first`.. of the demo; returns the next step number. */
export async function demoNetworks(rt: Runtime, sandbox: string, say: Say, step: (n: number, title: string) => void, first: number): Promise<number> {
  const target: Target = { kind: 'netns', name: sandbox }
  step(first, 'virtual networks: a NAT network and an isolated one (libvirt XML, net-define + net-start)')
  await startNetworks(rt, target, sandbox, say)
  step(first + 1, 'guests (namespaces on the bridges) get addresses from the networks\' dnsmasq')
  await attachGuests(rt, target, sandbox, say)
  step(first + 2, `DNS, and the way out: the sandbox's "outside" (${OUTSIDE_ADDR}) has no route back to the guests`)
  await reachOutside(sandbox, say)
  step(first + 3, 'a network whose subnet overlaps an active one cannot start')
  await refuseOverlap(rt, sandbox, say)
  return first + 4
}
