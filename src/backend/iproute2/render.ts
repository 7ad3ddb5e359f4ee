/**
 * HostOps → `ip -batch` lines (pure, linear in the number of ops). One op may take several lines; the line → op
 * map lets apply.ts blame the op behind a failing line. Bulk deletes go through a link group: every link is
 * moved into one otherwise unused group, then `link delete group G` removes them in one kernel call.
 * @module
 */
import { assertNever, HostnetError } from '../../errors.js'
import { ANY_DESTINATION, MAIN_TABLE_ID, type Route } from '../../model/host/route.js'
import { parseCidr, formatCidr, type IpAddr } from '../../model/values/ip.js'
import type { IpAddress } from '../../model/host/iface.js'
import type { HostOp } from '../../plan/ops.js'
import { describeRule, RULE_MAIN_TABLE, type RouteRule } from '../../model/host/route-rule.js'
import { renderCreate } from './render-create.js'
import { bondOptionArgs, bridgeOptionArgs, bridgePortOptionArgs } from './render-options.js'
import { ipToken, macToken, nameToken, uintToken } from './render-tokens.js'

/** The link group bulk deletes use ("hntd"); it must not be used for anything else. Below 2^31 (ip parses an int). */
export const DEFAULT_DELETE_GROUP = 0x686e7464

export interface RenderOptions {
  /** Link group used by bulk deletes (default DEFAULT_DELETE_GROUP). */
  deleteGroup?: number
}

export interface RenderedBatch {
  lines: string[]
  /** For every line, the index of the op it came from. */
  opOfLine: number[]
}

function line(...tokens: string[]): string {
  return tokens.join(' ')
}

/** Deleting one link is one line; several go through the delete group. */
export function renderDelete(names: readonly string[], group: number): string[] {
  const unique = [...new Set(names)].map((n) => nameToken(n))
  if (unique.length === 0) return []
  if (unique.length === 1) return [line('link', 'delete', 'dev', unique[0]!)]
  const g = uintToken(group, 'delete group', 0x7fffffff)
  return [...unique.map((n) => line('link', 'set', 'dev', n, 'group', g)), line('link', 'delete', 'group', g)]
}

function cidrArgs(a: IpAddress, name: string): { cidr: string; v4: boolean } {
  const c = parseCidr(`${a.ip}/${a.prefixLength}`, `address of '${name}'`)
  return { cidr: formatCidr(c), v4: c.addr.family === 'ipv4' }
}

function renderAddr(verb: 'add' | 'del', name: string, a: IpAddress): string {
  const dev = nameToken(name)
  const { cidr, v4 } = cidrArgs(a, name)
  // an IPv4 address gets its subnet's broadcast address, as NetworkManager and libvirt set it
  const brd = verb === 'add' && v4 && a.prefixLength <= 30 ? ['broadcast', '+'] : []
  return line('address', verb, cidr, ...brd, 'dev', dev)
}

function gatewayArgs(gw: string, dest: IpAddr, what: string): string[] {
  const { text, addr } = ipToken(gw, what)
  return addr.family === dest.family ? ['via', text] : ['via', addr.family === 'ipv4' ? 'inet' : 'inet6', text]
}

export function renderRoute(verb: 'add' | 'del', r: Route): string {
  if (r.destination === ANY_DESTINATION) throw new HostnetError('bug', `route.${verb} with the wildcard destination`)
  const dest = parseCidr(r.destination, 'route destination')
  const what = `route ${r.destination}`
  const args = ['route', verb, ...(r.routeType === undefined ? [] : [r.routeType]), formatCidr(dest)]
  if (r.nextHopAddress !== undefined) args.push(...gatewayArgs(r.nextHopAddress, dest.addr, `next-hop address of ${what}`))
  if (r.nextHopInterface !== undefined) args.push('dev', nameToken(r.nextHopInterface, `next-hop interface of ${what}`))
  if (r.metric !== undefined) args.push('metric', uintToken(r.metric, `metric of ${what}`))
  if (r.tableId !== undefined && r.tableId !== MAIN_TABLE_ID) args.push('table', uintToken(r.tableId, `table of ${what}`))
  if (verb === 'add' && r.source !== undefined) args.push('src', ipToken(r.source, `source of ${what}`).text)
  if (verb === 'add' && r.cwnd !== undefined) args.push('cwnd', 'lock', uintToken(r.cwnd, `cwnd of ${what}`))
  if (verb === 'add') args.push('proto', 'static')
  return line(...args)
}

/** `rule add|del ...`: IPv4 only (a batch line cannot carry -6); a deleted rule is matched on every field given. */
export function renderRule(verb: 'add' | 'del', r: RouteRule): string {
  const what = describeRule(r)
  const args = ['rule', verb]
  const prefix = (cidr: string, role: string): string => {
    const p = parseCidr(cidr, `${role} of ${what}`)
    if (p.addr.family !== 'ipv4') throw new HostnetError('not-supported', `${what}: IPv6 route rules are not supported`)
    return formatCidr(p)
  }
  if (r.ipFrom !== undefined) args.push('from', prefix(r.ipFrom, 'source'))
  if (r.ipTo !== undefined) args.push('to', prefix(r.ipTo, 'destination'))
  if (r.priority !== undefined) args.push('priority', uintToken(r.priority, `priority of ${what}`))
  if (r.fwmark !== undefined) args.push('fwmark', `${uintToken(r.fwmark, `fwmark of ${what}`)}${r.fwmask === undefined ? '' : `/${uintToken(r.fwmask, `fwmask of ${what}`)}`}`)
  if (r.iif !== undefined) args.push('iif', nameToken(r.iif, `iif of ${what}`))
  if (r.action !== undefined) args.push(r.action)
  else args.push('table', uintToken(r.routeTable ?? RULE_MAIN_TABLE, `route-table of ${what}`))
  if (verb === 'add') args.push('proto', 'static')
  return line(...args)
}

export function renderOp(op: HostOp, opts: RenderOptions = {}): string[] {
  switch (op.kind) {
    case 'link.create': return renderCreate(op.iface)
    case 'link.delete': return renderDelete(op.names, opts.deleteGroup ?? DEFAULT_DELETE_GROUP)
    case 'link.set-state': return [line('link', 'set', 'dev', nameToken(op.name), op.state === 'up' ? 'up' : 'down')]
    case 'link.set-mtu': return [line('link', 'set', 'dev', nameToken(op.name), 'mtu', uintToken(op.mtu, `mtu of '${op.name}'`))]
    case 'link.set-mac': return [line('link', 'set', 'dev', nameToken(op.name), 'address', macToken(op.mac, `MAC address of '${op.name}'`))]
    case 'link.set-controller': {
      const target = op.controller === null ? ['nomaster'] : ['master', nameToken(op.controller, `controller of '${op.name}'`)]
      return [line('link', 'set', 'dev', nameToken(op.name), ...target)]
    }
    case 'bridge.set-options': return setType(op.name, 'bridge', bridgeOptionArgs(op.options, op.name))
    case 'bridge-port.set-options': return setType(op.name, 'bridge_slave', bridgePortOptionArgs(op.options, op.name))
    case 'bond.set-options': return setType(op.name, 'bond', bondOptionArgs(op.options, op.name))
    case 'addr.add': return [renderAddr('add', op.name, op.address)]
    case 'addr.del': return [renderAddr('del', op.name, op.address)]
    case 'route.add': return [renderRoute('add', op.route)]
    case 'route.del': return [renderRoute('del', op.route)]
    case 'rule.add': return [renderRule('add', op.rule)]
    case 'rule.del': return [renderRule('del', op.rule)]
    case 'ovs.transact':
      throw new HostnetError('not-supported', 'the iproute2 backend cannot apply Open vSwitch changes (use the OVS-aware backend)')
    case 'vxlan.set-remotes':
      throw new HostnetError('bug', 'FDB entries are bridge -batch lines (fdb.ts renderRemotes), not ip lines')
    case 'dhcp.start':
    case 'dhcp.stop':
      throw new HostnetError('bug', 'DHCP clients are run by backend/dhcpcd (DhcpHostBackend), not by ip lines')
    default: return assertNever(op, 'host op')
  }
}

/** `link set dev X type KIND args`, or nothing when no option is given. */
function setType(name: string, kind: string, args: string[]): string[] {
  return args.length === 0 ? [] : [line('link', 'set', 'dev', nameToken(name), 'type', kind, ...args)]
}

export function renderBatch(ops: readonly HostOp[], opts: RenderOptions = {}): RenderedBatch {
  const lines: string[] = []
  const opOfLine: number[] = []
  ops.forEach((op, i) => {
    for (const l of renderOp(op, opts)) {
      lines.push(l)
      opOfLine.push(i)
    }
  })
  return { lines, opOfLine }
}

/** The `ip -batch` lines for `ops`, in order. */
export function renderOps(ops: readonly HostOp[], opts: RenderOptions = {}): string[] {
  return renderBatch(ops, opts).lines
}
