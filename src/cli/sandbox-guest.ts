/**
 * `hostnet sandbox guest add|del|list|reach`: guest namespaces (`SANDBOX-g-NAME`) plugged by a veth into a
 * virtual network's bridge in the sandbox namespace, so a new user can watch a guest get a DHCP lease from the
 * network's dnsmasq and reach the sandbox's "outside" (sys/sandbox-outside.ts) through NAT. The DHCP and DNS clients
 * are hostnet's small node clients (sys/guest/; this machine has no dhclient, udhcpc or dig).
 * @module
 */
import type { Command } from 'commander'
import { randomBytes } from 'node:crypto'
import { HostnetError, ValidationError } from '../errors.js'
import { netmaskToPrefix, tryParseIpv4 } from '../model/values/ip.js'
import { macFromBytes } from '../model/values/mac.js'
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

/** Create guest NAME of the sandbox, plugged into `bridge`; undone completely when a step fails. */
export async function addGuest(o: { sandbox: string; guest: string; bridge: string; mac: string; runner?: Runner }): Promise<string> {
  checkGuestName(o.guest)
  const runner = o.runner ?? systemRunner
  const ns = guestNetnsName(o.sandbox, o.guest)
  if (netnsExists(ns)) throw new HostnetError('conflict', `guest '${o.guest}' of sandbox '${o.sandbox}' already exists`)
  await createNetns(ns)
  try {
    await ip(runner, o.sandbox, [`link add ${portName(o.guest)} type veth peer name eth0 netns ${ns}`, `link set dev ${portName(o.guest)} master ${o.bridge} up`])
    await ip(runner, ns, ['link set dev lo up', `link set dev eth0 address ${o.mac} up`, 'route add 255.255.255.255 dev eth0'])
  } catch (e) {
    await deleteNetns(ns) // the veth goes with it
    throw e
  }
  return ns
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
  mac?: string
  stateDir?: string
  json?: boolean
}

function registerAdd(guest: Command): void {
  const cmd = guest
    .command('add')
    .description("create a guest namespace on a virtual network of the sandbox and get it an address by DHCP")
    .argument('<name>', 'guest name (1-11 of a-z, 0-9, -)')
    .requiredOption('--network <net>', 'the (active) virtual network whose bridge the guest is plugged into')
    .option('--sandbox <name>', 'sandbox (namespace) name', DEFAULT_SANDBOX_NAME)
    .option('--mac <mac>', 'guest MAC address (default: 52:54:00 and three random bytes)')
    .option('--json', 'print machine-readable JSON')
  addStateDirOption(cmd).action(async (name: string, flags: GuestFlags) => {
    const sandbox = flags.sandbox ?? DEFAULT_SANDBOX_NAME
    checkGuestName(name)
    await withRuntime(flags, async (rt) => {
      const info = rt.networks().info({ kind: 'netns', name: sandbox }, flags.network ?? '')
      if (info.state !== 'active' || info.bridge === undefined) {
        throw new HostnetError('conflict', `network '${info.name}' is not active (hostnet net-start --netns ${sandbox} ${info.name})`)
      }
      await ensureSandboxOutside(sandbox)
      const mac = flags.mac ?? macFromBytes([0x52, 0x54, 0x00, ...randomBytes(3)])
      const ns = await addGuest({ sandbox, guest: name, bridge: info.bridge, mac })
      const lease = await leaseGuest(ns, mac)
      if (flags.json === true) printJson({ name, netns: ns, mac, network: info.name, lease })
      else process.stdout.write(`guest '${name}' (namespace ${ns}, MAC ${mac}) on network '${info.name}': leased ${lease.ip}/${lease.prefix}${lease.router ? ` via ${lease.router}` : ''}\n`)
    })
  })
}

export function registerSandboxGuestCommands(program: Command): void {
  const sandbox = program.commands.find((c) => c.name() === 'sandbox') ?? program.command('sandbox')
  const guest = sandbox.command('guest').description('guest namespaces plugged into a virtual network of the sandbox')
  registerAdd(guest)
  guest
    .command('del')
    .description('remove a guest namespace (and its veth)')
    .argument('<name>', 'guest name')
    .option('--sandbox <name>', 'sandbox (namespace) name', DEFAULT_SANDBOX_NAME)
    .action(async (name: string, flags: GuestFlags) => {
      checkGuestName(name)
      const gone = await deleteNetns(guestNetnsName(flags.sandbox ?? DEFAULT_SANDBOX_NAME, name))
      process.stdout.write(gone ? `guest '${name}' removed\n` : `guest '${name}' did not exist\n`)
    })
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
