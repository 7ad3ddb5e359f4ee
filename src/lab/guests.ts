/**
 * Guests of a sandbox: namespaces (`SANDBOX-g-NAME`) attached to a virtual network of the sandbox through the port
 * driver, as a hypervisor attaches a VM: a port is created on the network (with the guest's portgroup) and plugged,
 * and its guest side (a macvtap device on a direct network, the peer of the veth playing the tap on a bridge) goes
 * into the guest namespace as eth0; removing the guest deletes the port. On a network with DHCP the guest gets a
 * lease from the network's dnsmasq and can reach the sandbox's "outside" (sandbox-outside.ts) through NAT. The
 * DHCP and DNS clients are hostnet's small node clients (guest/; this machine has no dhclient, udhcpc or dig).
 * @module
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { LinkLayer } from '../backend/iproute2/index.js'
import { parseNetworkXml } from '../codec/libvirt-xml/network/index.js'
import type { NetworkDriver } from '../driver/network/index.js'
import type { PortInfo } from '../driver/port/index.js'
import { HostnetError, RollbackError, ValidationError } from '../errors.js'
import type { DomainInterfaceDef } from '../model/domain-interface.js'
import type { NetworkDef } from '../model/network/network-def.js'
import { portRequestFromInterface } from '../model/port/index.js'
import type { Target } from '../model/target.js'
import type { Uuid } from '../model/values/uuid.js'
import { formatCidr, netmaskToPrefix, parseIpAddr, tryParseIpv4 } from '../model/values/ip.js'
import { isMulticastMac, macFromBytes, parseMac } from '../model/values/mac.js'
import { systemRunner, type Runner } from '../sys/exec.js'
import { createNetns, deleteNetns, listNetns, netnsExists } from '../sys/netns.js'
import { dhcpClientArgv, dnsClientArgv } from './guest/index.js'
import { ensureSandboxOutside, guestNetnsName, OUTSIDE_ADDR, sandboxGuests } from './sandbox-outside.js'

const GUEST_RE = /^[a-z0-9][a-z0-9-]{0,10}$/
const DHCP_TIMEOUT_MS = 15_000

export interface GuestLease {
  ip: string
  prefix: number
  router?: string
  dns?: string
}

export interface GuestInfo {
  name: string
  netns: string
  mac?: string
  address?: string
  bridge?: string
}

export function checkGuestName(name: string): void {
  if (!GUEST_RE.test(name)) {
    throw new ValidationError(`invalid guest name '${name}': 1-11 of a-z, 0-9 and '-', starting with a letter or digit`, { value: name })
  }
}

/** The host-side device of a guest's port (`vg-GUEST`). */
export const guestPortName = (guest: string): string => `vg-${guest}`

const netns = (name: string): Target => ({ kind: 'netns', name })

/** One DNS query (A) from the guest to `server`: the addresses answered. */
export async function guestResolve(guestNs: string, server: string, name: string, runner: Runner = systemRunner): Promise<string[]> {
  const res = await runner.run(dnsClientArgv({ server, name, type: 'A', timeoutMs: 3000 }), { netns: guestNs, allowFailure: true })
  if (res.exitCode !== 0) return []
  const out = JSON.parse(res.stdout) as { answers?: unknown[] }
  return (out.answers ?? []).map(String)
}

/** Run the DHCP client in the guest and give eth0 the leased address and default route. */
export async function leaseGuest(guestNs: string, mac: string, runner: Runner = systemRunner): Promise<GuestLease> {
  const res = await runner.run(dhcpClientArgv({ mac, hostname: 'guest', timeoutMs: DHCP_TIMEOUT_MS }), {
    netns: guestNs,
    allowFailure: true,
    timeoutMs: DHCP_TIMEOUT_MS + 5000,
  })
  if (res.exitCode !== 0) throw new HostnetError('timeout', `guest '${guestNs}' got no DHCP lease: ${res.stderr.trim()}`)
  const ack = JSON.parse(res.stdout) as { ip: string; netmask?: string; router?: string; dns?: string }
  const mask = ack.netmask === undefined ? undefined : tryParseIpv4(ack.netmask)
  const lease: GuestLease = { ip: ack.ip, prefix: (mask === undefined ? undefined : netmaskToPrefix(mask)) ?? 24 }
  if (ack.router !== undefined) lease.router = ack.router
  if (ack.dns !== undefined) lease.dns = ack.dns
  const links = new LinkLayer({ runner })
  const address = { addr: parseIpAddr(lease.ip, 'leased address'), prefix: lease.prefix }
  const route = lease.router ? [{ kind: 'route.add', destination: 'default', via: parseIpAddr(lease.router, 'leased router') } as const] : []
  await links.apply(netns(guestNs), [{ kind: 'addr.add', dev: 'eth0', address }, ...route], `configure the lease ${formatCidr(address)} on eth0`)
  return lease
}

export interface AddGuestOptions {
  /** The virtual-network driver of the sandbox's state directory (its port driver plugs the guest). */
  networks: NetworkDriver
  sandbox: string
  guest: string
  /** The (active) network of the sandbox the guest's port is created on. */
  network: string
  mac: string
  /** `<source portgroup>` of the guest's interface. */
  portGroup?: string
  runner?: Runner
}

export interface AddedGuest {
  netns: string
  port: PortInfo
  /** Whether the network serves DHCP (an `<ip>` with ranges or hosts): the guest can ask for a lease. */
  dhcp: boolean
}

function hasDhcp(def: NetworkDef): boolean {
  return def.ips.some((i) => i.dhcpRanges.length > 0 || i.dhcpHosts.length > 0)
}

/**
 * Create guest NAME of the sandbox the way a hypervisor attaches a VM: a port on the network (from the guest's
 * `<interface type='network'>`, with its portgroup) plugged by the port driver, whose guest side (a macvtap device,
 * or the peer of the veth playing the tap on a bridge) goes into the guest namespace as eth0. Undone completely
 * when a step fails.
 */
export async function addGuest(o: AddGuestOptions): Promise<AddedGuest> {
  checkGuestName(o.guest)
  const runner = o.runner ?? systemRunner
  const target: Target = { kind: 'netns', name: o.sandbox }
  const ns = guestNetnsName(o.sandbox, o.guest)
  if (netnsExists(ns)) throw new HostnetError('conflict', `guest '${o.guest}' of sandbox '${o.sandbox}' already exists`)
  const mac = parseMac(o.mac, 'guest MAC address', '--mac')
  if (isMulticastMac(mac)) throw new ValidationError(`guest MAC address '${o.mac}' is a multicast address`, { path: '--mac', value: o.mac })
  const def = parseNetworkXml(o.networks.dumpXml(target, o.network))
  const iface: DomainInterfaceDef = { type: 'network', network: o.network, mac, ...(o.portGroup === undefined ? {} : { portGroup: o.portGroup }) }
  const owner = { name: o.guest, uuid: randomUUID() as Uuid }
  const req = { port: portRequestFromInterface(owner, iface, randomUUID() as Uuid), iface, ifname: guestPortName(o.guest), guest: { netns: ns, name: 'eth0' } }
  await createNetns(ns)
  let port: PortInfo | undefined
  try {
    port = await o.networks.ports.create(target, o.network, req)
    await new LinkLayer({ runner }).apply(
      netns(ns),
      [{ kind: 'link.set', name: 'lo', state: 'up' }, { kind: 'route.add', destination: { addr: parseIpAddr('255.255.255.255'), prefix: 32 }, dev: 'eth0' }],
      `set up guest '${o.guest}'`,
    )
  } catch (e) {
    const problems: unknown[] = []
    if (port !== undefined) await o.networks.ports.delete(target, o.network, port.uuid).catch((err: unknown) => problems.push(err))
    await deleteNetns(ns).catch((err: unknown) => problems.push(err))
    throw problems.length > 0 ? new RollbackError(e, problems) : e
  }
  return { netns: ns, port, dhcp: hasDhcp(def) }
}

export interface AttachGuestOptions {
  networks: NetworkDriver
  sandbox: string
  guest: string
  /** The network of the sandbox; it must be active. */
  network: string
  /** Default: 52:54:00 and three random bytes. */
  mac?: string
  portGroup?: string
}

export interface AttachedGuest {
  added: AddedGuest
  mac: string
  network: string
  /** The DHCP lease, when the network serves DHCP. */
  lease?: GuestLease
}

/**
 * What `sandbox guest add` does: the network must be active; the sandbox gets its outside (once), the guest its
 * port ({@link addGuest}) and, on a network with DHCP, a lease.
 */
export async function attachGuest(o: AttachGuestOptions): Promise<AttachedGuest> {
  const info = o.networks.info(netns(o.sandbox), o.network)
  if (info.state !== 'active') {
    throw new HostnetError('conflict', `network '${info.name}' is not active (hostnet net-start --netns ${o.sandbox} ${info.name})`)
  }
  await ensureSandboxOutside(o.sandbox)
  const mac = o.mac ?? macFromBytes([0x52, 0x54, 0x00, ...randomBytes(3)])
  const added = await addGuest({ networks: o.networks, sandbox: o.sandbox, guest: o.guest, network: info.name, mac, ...(o.portGroup === undefined ? {} : { portGroup: o.portGroup }) })
  const lease = added.dhcp ? await leaseGuest(added.netns, mac) : undefined
  return { added, mac, network: info.name, ...(lease === undefined ? {} : { lease }) }
}

/** Remove guest NAME: its ports (on any active network of the sandbox) are deleted, then its namespace. */
export async function removeGuest(networks: NetworkDriver, sandbox: string, guest: string): Promise<{ existed: boolean; ports: string[] }> {
  checkGuestName(guest)
  const target: Target = { kind: 'netns', name: sandbox }
  const ns = guestNetnsName(sandbox, guest)
  const ports: string[] = []
  for (const net of networks.list(target)) {
    if (net.state !== 'active') continue
    for (const p of networks.ports.list(target, net.name)) {
      if (p.guest?.netns !== ns) continue
      await networks.ports.delete(target, net.name, p.uuid)
      ports.push(p.uuid)
    }
  }
  const existed = await deleteNetns(ns)
  return { existed: existed || ports.length > 0, ports }
}

export async function listGuests(sandbox: string, runner: Runner = systemRunner): Promise<GuestInfo[]> {
  const links = new LinkLayer({ runner })
  const out: GuestInfo[] = []
  const ports = new Map<string, string>()
  if (netnsExists(sandbox)) {
    for (const l of await links.links(netns(sandbox))) if (l.controller !== undefined) ports.set(l.name, l.controller)
  }
  for (const g of sandboxGuests(sandbox, listNetns())) {
    const ns = guestNetnsName(sandbox, g)
    const info: GuestInfo = { name: g, netns: ns }
    const a = await links.addresses(netns(ns), 'eth0').catch(() => undefined)
    if (a?.mac !== undefined) info.mac = a.mac
    const v4 = a?.addresses.find((x) => x.addr.family === 'ipv4')
    if (v4 !== undefined) info.address = formatCidr(v4)
    const bridge = ports.get(guestPortName(g))
    if (bridge !== undefined) info.bridge = bridge
    out.push(info)
  }
  return out
}

const SERVER = `const s=require('net').createServer((c)=>{c.end(c.remoteAddress);s.close()});
s.listen(Number(process.argv[2]),process.argv[1]);setTimeout(()=>process.exit(0),Number(process.argv[3]))`
const CLIENT = `const [host,port,ms]=process.argv.slice(1);const end=Date.now()+Number(ms);
const done=(o)=>{console.log(JSON.stringify(o));process.exit(0)};
const once=()=>{const c=require('net').connect({host,port:Number(port)});let d='';c.on('data',(b)=>{d+=b});
c.on('end',()=>done({ok:true,seenAs:d}));c.on('error',(e)=>Date.now()<end?setTimeout(once,100):done({ok:false,code:e.code}))};
setTimeout(()=>done({ok:false,code:'TIMEOUT'}),Number(ms));once()`

/** Connect from the guest to a one-shot TCP server in the outside: the address the outside saw, or why not. */
export async function guestReach(guestNs: string, outsideNs: string, runner: Runner = systemRunner, timeoutMs = 3000): Promise<{ ok: boolean; seenAs?: string; code?: string }> {
  const port = '7950'
  const server = runner.run([process.execPath, '-e', SERVER, OUTSIDE_ADDR, port, String(timeoutMs + 1000)], { netns: outsideNs, allowFailure: true })
  const client = runner.run([process.execPath, '-e', CLIENT, OUTSIDE_ADDR, port, String(timeoutMs)], { netns: guestNs, allowFailure: true })
  const [, res] = await Promise.all([server, client])
  try {
    return JSON.parse(res.stdout) as { ok: boolean; seenAs?: string; code?: string }
  } catch {
    return { ok: false, code: `client failed: ${res.stderr.trim()}` }
  }
}
