/**
 * The logic of `hostnet demo` (the CLI narrates it): a fresh sandbox; in it a NAT network and an isolated one are
 * defined and started; a guest on each gets a DHCP lease; the NAT guest resolves a name through the network's
 * dnsmasq and reaches the sandbox's outside as the host's address, the isolated guest reaches nothing; an
 * overlapping network is refused and leaves no trace; VMs' NICs get ports on a vepa network. A second run first
 * removes what the first left.
 * @module
 */
import { randomUUID } from 'node:crypto'
import { portFromInterfaceXml, type PortInfo } from '../../driver/port/index.js'
import type { NetworkDetails, NetworkDriver } from '../../driver/network/index.js'
import { HostnetError } from '../../errors.js'
import type { Target } from '../../model/target.js'
import type { Uuid } from '../../model/values/uuid.js'
import { deleteNetns } from '../../sys/netns.js'
import { addGuest, guestReach, guestResolve, leaseGuest, type GuestLease } from '../guests.js'
import { createSandbox, destroySandbox } from '../sandbox.js'
import { ensureSandboxOutside, guestNetnsName, outsideNetnsName } from '../sandbox-outside.js'
import {
  DEMO_GUESTS,
  DEMO_ISOLATED_XML,
  DEMO_NAT_XML,
  DEMO_NETWORKS,
  DEMO_OVERLAP_XML,
  DEMO_VEPA,
  DEMO_VEPA_XML,
  DEMO_VMS,
  demoNicXml,
} from './documents.js'

const sandboxTarget = (sandbox: string): Target => ({ kind: 'netns', name: sandbox })

/** Remove the sandbox an earlier run left and make it anew; returns the namespaces removed. */
export async function freshSandbox(sandbox: string): Promise<string[]> {
  const gone = await destroySandbox(sandbox)
  await createSandbox({ name: sandbox })
  return gone.removed
}

/** Before the sandbox is made again: stop and forget the demo networks and guests an earlier run left (their names). */
export async function forgetDemoNetworks(networks: NetworkDriver, sandbox: string): Promise<string[]> {
  const target = sandboxTarget(sandbox)
  const left = networks.list(target, { all: true }).filter((n) => DEMO_NETWORKS.includes(n.name))
  for (const n of left) {
    if (n.state === 'active') await networks.destroy(target, n.name)
    if (n.persistent) networks.undefine(target, n.name)
  }
  for (const g of DEMO_GUESTS) await deleteNetns(guestNetnsName(sandbox, g.name))
  return left.map((n) => n.name)
}

/** Define and start the NAT and the isolated network. */
export async function startDemoNetworks(networks: NetworkDriver, sandbox: string): Promise<NetworkDetails[]> {
  const target = sandboxTarget(sandbox)
  const out: NetworkDetails[] = []
  for (const xml of [DEMO_NAT_XML, DEMO_ISOLATED_XML]) {
    const def = await networks.define(target, xml)
    await networks.start(target, def.name)
    out.push(networks.info(target, def.name))
  }
  return out
}

export interface DemoGuestLease {
  guest: (typeof DEMO_GUESTS)[number]
  lease: GuestLease
}

/** A guest on each network (with the sandbox's outside made first), each with its DHCP lease. */
export async function attachDemoGuests(networks: NetworkDriver, sandbox: string): Promise<DemoGuestLease[]> {
  await ensureSandboxOutside(sandbox)
  return Promise.all(
    DEMO_GUESTS.map(async (g) => {
      const { netns } = await addGuest({ networks, sandbox, guest: g.name, network: g.network, mac: g.mac })
      return { guest: g, lease: await leaseGuest(netns, g.mac) }
    }),
  )
}

export interface DemoReach {
  /** What the NAT guest's DNS query for files.demo.test answered. */
  names: string[]
  viaNat: { ok: boolean; seenAs?: string; code?: string }
  isolated: { ok: boolean; seenAs?: string; code?: string }
}

/** DNS through the NAT network's dnsmasq, and the way out from both guests. */
export async function demoReach(sandbox: string): Promise<DemoReach> {
  const nat = guestNetnsName(sandbox, 'nat1')
  const names = await guestResolve(nat, '192.168.150.1', 'files.demo.test')
  const outside = outsideNetnsName(sandbox)
  const [viaNat, isolated] = await Promise.all([guestReach(nat, outside), guestReach(guestNetnsName(sandbox, 'iso1'), outside, undefined, 2000)])
  return { names, viaNat, isolated }
}

/** Define the overlapping network and try to start it: returns the refusal (a 'conflict'). */
export async function demoOverlap(networks: NetworkDriver, sandbox: string): Promise<HostnetError> {
  const target = sandboxTarget(sandbox)
  await networks.define(target, DEMO_OVERLAP_XML)
  try {
    await networks.start(target, 'demo-overlap')
  } catch (e) {
    if (e instanceof HostnetError && e.kind === 'conflict') return e
    throw e
  }
  throw new HostnetError('bug', 'the overlapping network was started')
}

/** The vepa network over eth2 and eth3 with a port for each VM's NIC. */
export async function demoPorts(networks: NetworkDriver, sandbox: string): Promise<PortInfo[]> {
  const target = sandboxTarget(sandbox)
  await networks.start(target, (await networks.define(target, DEMO_VEPA_XML)).name)
  const newUuid = (): Uuid => randomUUID() as Uuid
  const ports: PortInfo[] = []
  for (const [i, vm] of DEMO_VMS.entries()) {
    const req = portFromInterfaceXml(demoNicXml(i), { name: vm, uuid: newUuid() }, newUuid)
    ports.push(await networks.ports.create(target, DEMO_VEPA, req))
  }
  return ports
}
