/**
 * Typed `ip` operations for device plumbing outside host-interface transactions: the network driver's bridges,
 * port devices (taps, veths playing taps, macvtaps, guest ends), sandboxes and their guests. This is the one way
 * code above the backends makes links, addresses and routes: each op renders to one `ip -batch` line (a bulk
 * delete to a few) with every value checked by render-tokens.ts, so a name or value can never change the meaning
 * of a line. Pure and linear in the number of ops.
 * @module
 */
import { assertNever, ValidationError } from '../../errors.js'
import type { BridgeOptions, BridgePortOptions } from '../../model/host/iface.js'
import { formatCidr, formatIp, maxPrefix, type IpAddr, type IpCidr } from '../../model/values/ip.js'
import { renderDelete } from './render.js'
import { bridgeOptionArgs, bridgePortOptionArgs } from './render-options.js'
import { batchTokenProblem, macToken, nameToken, uintToken, valueToken } from './render-tokens.js'

/** A macvtap's mode in the kernel's words. */
export type MacvtapMode = 'bridge' | 'vepa' | 'private' | 'passthru'

const MACVTAP_MODES: ReadonlySet<string> = new Set<MacvtapMode>(['bridge', 'vepa', 'private', 'passthru'])

/** The other end of a new veth. */
export interface VethPeer {
  readonly name: string
  /** Created directly in this named namespace. */
  readonly netns?: string
  readonly mac?: string
  readonly mtu?: number
}

/** What kind of link `link.add` makes, with its type arguments. */
export type LinkAddType =
  | { readonly kind: 'bridge'; readonly options?: BridgeOptions }
  | { readonly kind: 'veth'; readonly peer: VethPeer }
  | { readonly kind: 'macvtap'; readonly mode: MacvtapMode }

/** `link add [link LOWER] name NAME [address] [mtu] [master] [up] type ...` */
export interface LinkAddOp {
  readonly kind: 'link.add'
  readonly name: string
  /** The lower device (macvtap). */
  readonly lower?: string
  readonly mac?: string
  readonly mtu?: number
  /** The bridge it is enslaved to. */
  readonly controller?: string
  /** Up at creation. */
  readonly up?: boolean
  readonly type: LinkAddType
}

/** `tuntap add dev NAME mode tap [vnet_hdr]`: a persistent tap nobody holds yet. */
export interface TapAddOp {
  readonly kind: 'tap.add'
  readonly name: string
  /** Virtio-net headers (what a hypervisor's tap uses). */
  readonly vnetHdr?: boolean
}

/** `link set dev NAME ...`: every field given is set, in one line. */
export interface LinkSetOp {
  readonly kind: 'link.set'
  readonly name: string
  readonly mac?: string
  readonly mtu?: number
  /** A bridge to enslave it to, or null to release it. */
  readonly controller?: string | null
  readonly state?: 'up' | 'down'
  /** Move it into this named namespace. */
  readonly netns?: string
  /** Rename it (with `netns`: its name there). */
  readonly rename?: string
  /** Move it into a link group (`default`: group 0). */
  readonly group?: number | 'default'
  /** `addrgenmode none`: no IPv6 link-local address. */
  readonly noIpv6LinkLocal?: boolean
  /** Bridge-port flags (`type bridge_slave ...`). */
  readonly bridgePort?: BridgePortOptions
  /**
   * The link's alias (IFLA_IFALIAS): hostnet marks the devices it makes with one, so that clean-up can tell them
   * from devices of the same name someone else made.
   */
  readonly alias?: string
}

/** Delete links: one `link delete` for one name; several go through `group` (moved there, then deleted at once). */
export interface LinksDeleteOp {
  readonly kind: 'links.delete'
  readonly names: readonly string[]
  readonly group: number
}

/** `address add CIDR [broadcast +] dev NAME [nodad]` */
export interface AddrAddOp {
  readonly kind: 'addr.add'
  readonly dev: string
  readonly address: IpCidr
  /** IPv4: the subnet's broadcast address (`broadcast +`). */
  readonly broadcast?: boolean
  /** IPv6: no duplicate address detection (usable at once, even without carrier). */
  readonly nodad?: boolean
}

/** `address flush dev NAME` */
export interface AddrFlushOp {
  readonly kind: 'addr.flush'
  readonly dev: string
}

/** `route add|replace DEST [via GW] [dev NAME] [metric M] [proto static]` */
export interface RouteSetOp {
  readonly kind: 'route.add' | 'route.replace'
  /** The destination; 'default' is the family's default route (the gateway's family). */
  readonly destination: IpCidr | 'default'
  readonly via?: IpAddr
  readonly dev?: string
  readonly metric?: number
  /** Mark it `proto static` (routes hostnet manages). */
  readonly static?: boolean
}

export type LinkOp = LinkAddOp | TapAddOp | LinkSetOp | LinksDeleteOp | AddrAddOp | AddrFlushOp | RouteSetOp

/** A namespace name as a batch token (the kernel's rules are the file name rules of /run/netns). */
export function netnsToken(name: string, what = 'network namespace name'): string {
  const problem = batchTokenProblem(name) ?? (name.includes('/') || name === '.' || name === '..' ? "is not a file name" : undefined)
  if (problem !== undefined) throw new ValidationError(`invalid ${what} '${name}': it ${problem}`, { value: name })
  return name
}

function mtuArgs(mtu: number | undefined, name: string): string[] {
  return mtu === undefined ? [] : ['mtu', uintToken(mtu, `mtu of '${name}'`)]
}

function macArgs(mac: string | undefined, name: string): string[] {
  return mac === undefined ? [] : ['address', macToken(mac, `MAC address of '${name}'`)]
}

function typeArgs(op: LinkAddOp): string[] {
  const t = op.type
  switch (t.kind) {
    case 'bridge':
      return ['bridge', ...bridgeOptionArgs(t.options ?? {}, op.name)]
    case 'veth': {
      const p = t.peer
      const peer = nameToken(p.name, `peer of veth '${op.name}'`)
      const netns = p.netns === undefined ? [] : ['netns', netnsToken(p.netns)]
      return ['veth', 'peer', 'name', peer, ...netns, ...macArgs(p.mac, p.name), ...mtuArgs(p.mtu, p.name)]
    }
    case 'macvtap':
      if (!MACVTAP_MODES.has(t.mode)) throw new ValidationError(`invalid macvtap mode '${String(t.mode)}' of '${op.name}'`, { value: t.mode })
      return ['macvtap', 'mode', t.mode]
    default:
      return assertNever(t, 'link type')
  }
}

function renderAdd(op: LinkAddOp): string {
  const name = nameToken(op.name)
  const lower = op.lower === undefined ? [] : ['link', nameToken(op.lower, `lower device of '${op.name}'`)]
  const master = op.controller === undefined ? [] : ['master', nameToken(op.controller, `controller of '${op.name}'`)]
  const up = op.up === true ? ['up'] : []
  return ['link', 'add', ...lower, 'name', name, ...macArgs(op.mac, op.name), ...mtuArgs(op.mtu, op.name), ...master, ...up, 'type', ...typeArgs(op)].join(' ')
}

function renderSet(op: LinkSetOp): string {
  const name = nameToken(op.name)
  const args = [...macArgs(op.mac, op.name), ...mtuArgs(op.mtu, op.name)]
  if (op.controller === null) args.push('nomaster')
  else if (op.controller !== undefined) args.push('master', nameToken(op.controller, `controller of '${op.name}'`))
  if (op.state !== undefined) args.push(op.state)
  if (op.netns !== undefined) args.push('netns', netnsToken(op.netns))
  if (op.rename !== undefined) args.push('name', nameToken(op.rename, `new name of '${op.name}'`))
  if (op.group !== undefined) args.push('group', op.group === 'default' ? 'default' : uintToken(op.group, `link group of '${op.name}'`, 0x7fffffff))
  if (op.noIpv6LinkLocal === true) args.push('addrgenmode', 'none')
  if (op.alias !== undefined) args.push('alias', valueToken(op.alias, `alias of '${op.name}'`))
  const port = op.bridgePort === undefined ? [] : bridgePortOptionArgs(op.bridgePort, op.name)
  if (port.length > 0) args.push('type', 'bridge_slave', ...port)
  if (args.length === 0) throw new ValidationError(`nothing to set on link '${op.name}'`, { value: op.name })
  return ['link', 'set', 'dev', name, ...args].join(' ')
}

function cidrText(c: IpCidr, what: string): string {
  if (!Number.isInteger(c.prefix) || c.prefix < 0 || c.prefix > maxPrefix(c.addr.family)) {
    throw new ValidationError(`invalid prefix ${c.prefix} of ${what}`, { value: c.prefix })
  }
  return formatCidr(c)
}

function renderAddr(op: AddrAddOp): string {
  const dev = nameToken(op.dev)
  const cidr = cidrText(op.address, `address of '${op.dev}'`)
  const v4 = op.address.addr.family === 'ipv4'
  const brd = op.broadcast === true && v4 && op.address.prefix <= 30 ? ['broadcast', '+'] : []
  const nodad = op.nodad === true && !v4 ? ['nodad'] : []
  return ['address', 'add', cidr, ...brd, 'dev', dev, ...nodad].join(' ')
}

function renderRoute(op: RouteSetOp): string {
  const verb = op.kind === 'route.add' ? 'add' : 'replace'
  const dest = op.destination === 'default' ? 'default' : cidrText(op.destination, 'route destination')
  const args = ['route', verb, dest]
  if (op.destination !== 'default' && op.via !== undefined && op.via.family !== op.destination.addr.family) {
    args.push('via', op.via.family === 'ipv4' ? 'inet' : 'inet6', formatIp(op.via))
  } else if (op.via !== undefined) args.push('via', formatIp(op.via))
  if (op.dev !== undefined) args.push('dev', nameToken(op.dev, `device of route ${dest}`))
  if (op.metric !== undefined) args.push('metric', uintToken(op.metric, `metric of route ${dest}`))
  if (op.static === true) args.push('proto', 'static')
  return args.join(' ')
}

/** The batch lines of one op. */
export function renderLinkOp(op: LinkOp): string[] {
  switch (op.kind) {
    case 'link.add': return [renderAdd(op)]
    case 'tap.add': return [['tuntap', 'add', 'dev', nameToken(op.name), 'mode', 'tap', ...(op.vnetHdr === true ? ['vnet_hdr'] : [])].join(' ')]
    case 'link.set': return [renderSet(op)]
    case 'links.delete': return renderDelete(op.names, op.group)
    case 'addr.add': return [renderAddr(op)]
    case 'addr.flush': return [['address', 'flush', 'dev', nameToken(op.dev)].join(' ')]
    case 'route.add':
    case 'route.replace': return [renderRoute(op)]
    default: return assertNever(op, 'link op')
  }
}

export interface RenderedLinkOps {
  lines: string[]
  /** For every line, the index of the op it came from. */
  opOfLine: number[]
}

/** The `ip -batch` lines of `ops`, in order, with the line → op map. */
export function renderLinkOps(ops: readonly LinkOp[]): RenderedLinkOps {
  const lines: string[] = []
  const opOfLine: number[] = []
  ops.forEach((op, i) => {
    for (const l of renderLinkOp(op)) {
      lines.push(l)
      opOfLine.push(i)
    }
  })
  return { lines, opOfLine }
}

/** A link group for one bulk deletion: random in 2^30..2^31-1, far from the groups people number by hand. */
export function deletionGroup(random: () => number = Math.random): number {
  return 0x40000000 + Math.floor(random() * 0x3fffffff)
}
