/**
 * `hostnet sandbox guest add|del|list|reach`: guest namespaces (`SANDBOX-g-NAME`) attached to a virtual network of
 * the sandbox through the port driver, as a hypervisor attaches a VM: a port is created on the network (with the
 * guest's portgroup) and plugged, and its guest side (a macvtap device on a direct network, the peer of the veth
 * playing the tap on a bridge) goes into the guest namespace as eth0; `del` deletes the port. On a network with
 * DHCP a new user can watch the guest get a lease from the network's dnsmasq and reach the sandbox's "outside"
 * (sys/sandbox-outside.ts) through NAT. The DHCP and DNS clients are hostnet's small node clients (sys/guest/;
 * this machine has no dhclient, udhcpc or dig).
 * @module
 */
import type { Command } from 'commander'
import { randomBytes, randomUUID } from 'node:crypto'
import type { Target } from '../model/target.js'
import { parseNetworkXml } from '../codec/libvirt-xml/network/index.js'
import type { NetworkDriver } from '../driver/network/index.js'
import type { PortInfo } from '../driver/port/index.js'
import { HostnetError, RollbackError, ValidationError } from '../errors.js'
import type { DomainInterfaceDef } from '../model/domain-interface.js'
import type { NetworkDef } from '../model/network/network-def.js'
import { portRequestFromInterface } from '../model/port/index.js'
import type { Uuid } from '../model/values/uuid.js'
import { netmaskToPrefix, tryParseIpv4 } from '../model/values/ip.js'
import { isMulticastMac, macFromBytes, parseMac } from '../model/values/mac.js'
import { systemRunner, type Runner } from '../sys/exec.js'
import { dhcpClientArgv, dnsClientArgv } from '../sys/guest/index.js'
import { createNetns, deleteNetns, listNetns, netnsExists } from '../sys/netns.js'
import { ensureSandboxOutside, guestNetnsName, OUTSIDE_ADDR, outsideNetnsName, sandboxGuests } from '../sys/sandbox-outside.js'
import { addStateDirOption } from './common.js'
import { printJson, table } from './output.js'
import { withRuntime } from './runtime.js'
import { DEFAULT_SANDBOX_NAME } from './sandbox.js'

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

function checkGuestName(name: string): void {
  if (!GUEST_RE.test(name)) {
    throw new ValidationError(`invalid guest name '${name}': 1-11 of a-z, 0-9 and '-', starting with a letter or digit`, { value: name })
  }
}

const portName = (guest: string): string => `vg-${guest}`

async function ip(runner: Runner, ns: string, lines: readonly string[]): Promise<void> {
  await runner.run(['ip', '-n', ns, '-batch', '-'], { input: `${lines.join('\n')}\n` })
}

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
  await ip(runner, guestNs, [`address add ${lease.ip}/${lease.prefix} dev eth0`, ...(lease.router ? [`route add default via ${lease.router}`] : [])])
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
  const req = { port: portRequestFromInterface(owner, iface, randomUUID() as Uuid), iface, ifname: portName(o.guest), guest: { netns: ns, name: 'eth0' } }
  await createNetns(ns)
  let port: PortInfo | undefined
  try {
    port = await o.networks.ports.create(target, o.network, req)
    await ip(runner, ns, ['link set dev lo up', 'route add 255.255.255.255 dev eth0'])
  } catch (e) {
    const problems: unknown[] = []
    if (port !== undefined) await o.networks.ports.delete(target, o.network, port.uuid).catch((err: unknown) => problems.push(err))
    await deleteNetns(ns).catch((err: unknown) => problems.push(err))
    throw problems.length > 0 ? new RollbackError(e, problems) : e
  }
  return { netns: ns, port, dhcp: hasDhcp(def) }
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
  const out: GuestInfo[] = []
  const ports = new Map<string, string>()
  if (netnsExists(sandbox)) {
    const links = JSON.parse((await runner.run(['ip', '-n', sandbox, '-json', 'link', 'show'])).stdout || '[]') as Array<{ ifname: string; master?: string }>
    for (const l of links) if (l.master !== undefined) ports.set(l.ifname, l.master)
  }
  for (const g of sandboxGuests(sandbox, listNetns())) {
    const netns = guestNetnsName(sandbox, g)
    const info: GuestInfo = { name: g, netns }
    const addrs = JSON.parse((await runner.run(['ip', '-n', netns, '-json', 'address', 'show', 'dev', 'eth0'], { allowFailure: true })).stdout || '[]') as Array<{
      address?: string
      addr_info?: Array<{ family: string; local: string; prefixlen: number }>
    }>
    const a = addrs[0]
    if (a?.address !== undefined) info.mac = a.address
    const v4 = a?.addr_info?.find((x) => x.family === 'inet')
    if (v4 !== undefined) info.address = `${v4.local}/${v4.prefixlen}`
    const bridge = ports.get(portName(g))
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

interface GuestFlags {
  sandbox?: string
  network?: string
  portgroup?: string
  mac?: string
  stateDir?: string
  json?: boolean
}

function plugText(p: PortInfo): string {
  const plug = p.port.plug
  if (plug?.type === 'direct') return `macvtap on ${plug.dev}, mode ${plug.mode}`
  if (plug?.type === 'network' || plug?.type === 'bridge') return `bridge ${plug.bridge}`
  return plug?.type ?? 'no plug'
}

function registerAdd(guest: Command): void {
  const cmd = guest
    .command('add')
    .description('create a guest namespace with a port on a virtual network of the sandbox (and a DHCP lease when the network serves DHCP)')
    .argument('<name>', 'guest name (1-11 of a-z, 0-9, -)')
    .requiredOption('--network <net>', 'the (active) virtual network the guest gets a port on')
    .option('--portgroup <name>', "the portgroup of the guest's interface")
    .option('--sandbox <name>', 'sandbox (namespace) name', DEFAULT_SANDBOX_NAME)
    .option('--mac <mac>', 'guest MAC address (default: 52:54:00 and three random bytes)')
    .option('--json', 'print machine-readable JSON')
  addStateDirOption(cmd).action(async (name: string, flags: GuestFlags) => {
    const sandbox = flags.sandbox ?? DEFAULT_SANDBOX_NAME
    checkGuestName(name)
    await withRuntime(flags, async (rt) => {
      const info = rt.networks().info({ kind: 'netns', name: sandbox }, flags.network ?? '')
      if (info.state !== 'active') {
        throw new HostnetError('conflict', `network '${info.name}' is not active (hostnet net-start --netns ${sandbox} ${info.name})`)
      }
      await ensureSandboxOutside(sandbox)
      const mac = flags.mac ?? macFromBytes([0x52, 0x54, 0x00, ...randomBytes(3)])
      const added = await addGuest({ networks: rt.networks(), sandbox, guest: name, network: info.name, mac, ...(flags.portgroup === undefined ? {} : { portGroup: flags.portgroup }) })
      const lease = added.dhcp ? await leaseGuest(added.netns, mac) : undefined
      const port = { uuid: added.port.uuid, plug: added.port.port.plug, group: added.port.port.group, device: portName(name) }
      if (flags.json === true) printJson({ name, netns: added.netns, mac, network: info.name, port, ...(lease === undefined ? {} : { lease }) })
      else {
        const where = `guest '${name}' (namespace ${added.netns}, MAC ${mac}) on network '${info.name}': port ${added.port.uuid} (${plugText(added.port)})`
        const got = lease === undefined ? 'no DHCP on this network' : `leased ${lease.ip}/${lease.prefix}${lease.router ? ` via ${lease.router}` : ''}`
        process.stdout.write(`${where}, ${got}\n`)
      }
    })
  })
}

function registerRemove(guest: Command): void {
  const cmd = guest
    .command('del')
    .alias('remove')
    .description('remove a guest: its network port (unplugged) and its namespace')
    .argument('<name>', 'guest name')
    .option('--sandbox <name>', 'sandbox (namespace) name', DEFAULT_SANDBOX_NAME)
  addStateDirOption(cmd).action(async (name: string, flags: GuestFlags) => {
    checkGuestName(name)
    await withRuntime(flags, async (rt) => {
      const r = await removeGuest(rt.networks(), flags.sandbox ?? DEFAULT_SANDBOX_NAME, name)
      const ports = r.ports.length === 0 ? '' : ` (port ${r.ports.join(', ')} deleted)`
      process.stdout.write(r.existed ? `guest '${name}' removed${ports}\n` : `guest '${name}' did not exist\n`)
    })
  })
}

export function registerSandboxGuestCommands(program: Command): void {
  const sandbox = program.commands.find((c) => c.name() === 'sandbox') ?? program.command('sandbox')
  const guest = sandbox.command('guest').description('guest namespaces plugged into a virtual network of the sandbox')
  registerAdd(guest)
  registerRemove(guest)
  guest
    .command('list')
    .description('list the guests of the sandbox: address, MAC, bridge')
    .option('--sandbox <name>', 'sandbox (namespace) name', DEFAULT_SANDBOX_NAME)
    .option('--json', 'print machine-readable JSON')
    .action(async (flags: GuestFlags) => {
      const rows = await listGuests(flags.sandbox ?? DEFAULT_SANDBOX_NAME)
      if (flags.json === true) printJson(rows)
      else process.stdout.write(table([['Guest', 'Namespace', 'MAC', 'Address', 'Bridge'], ...rows.map((g) => [g.name, g.netns, g.mac ?? '-', g.address ?? '-', g.bridge ?? '-'])]))
    })
  guest
    .command('reach')
    .description("connect from a guest to the sandbox's outside: prints the address the outside sees")
    .argument('<name>', 'guest name')
    .option('--sandbox <name>', 'sandbox (namespace) name', DEFAULT_SANDBOX_NAME)
    .option('--json', 'print machine-readable JSON')
    .action(async (name: string, flags: GuestFlags) => {
      const sb = flags.sandbox ?? DEFAULT_SANDBOX_NAME
      checkGuestName(name)
      const r = await guestReach(guestNetnsName(sb, name), outsideNetnsName(sb))
      if (flags.json === true) printJson(r)
      else process.stdout.write(r.ok ? `guest '${name}' reached ${OUTSIDE_ADDR}; the outside saw it as ${r.seenAs ?? '?'}\n` : `guest '${name}' cannot reach ${OUTSIDE_ADDR} (${r.code ?? '?'})\n`)
      if (!r.ok) process.exitCode = 1
    })
}
