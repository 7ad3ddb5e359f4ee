/**
 * One readable line per operation, for `diff`, `apply`, the demo and the web console (pure: runs in the browser too).
 * @module
 */
import { describeRule } from '../model/host/route-rule.js'
import { assertNever } from '../errors.js'
import type { Iface } from '../model/host/iface.js'
import { baseOf, peerOf } from '../model/host/relations.js'
import type { Route } from '../model/host/route.js'
import type { HostOp } from './ops.js'
import { describeOvsChange, describeOvsTransact } from './ovs/describe.js'
import type { OvsChange } from './ovs/ops.js'

function q(name: string): string {
  return `'${name}'`
}

function kv(obj: object): string {
  return Object.entries(obj)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' ')
}

function createDetails(i: Iface): string {
  const parts: string[] = []
  if (i.vlan?.id !== undefined) parts.push(`id ${i.vlan.id}`)
  const base = baseOf(i)
  if (base !== undefined) parts.push(`on ${q(base)}`)
  const peer = peerOf(i)
  if (peer !== undefined) parts.push(`peer ${q(peer)}`)
  if (i.bond?.mode !== undefined) parts.push(`mode ${i.bond.mode}`)
  if (i.mtu !== undefined) parts.push(`mtu ${i.mtu}`)
  if (i.mac !== undefined) parts.push(`mac ${i.mac}`)
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`
}

export function describeRoute(r: Route): string {
  const parts = [r.destination]
  if (r.nextHopAddress !== undefined) parts.push(`via ${r.nextHopAddress}`)
  if (r.nextHopInterface !== undefined) parts.push(`dev ${r.nextHopInterface}`)
  if (r.metric !== undefined) parts.push(`metric ${r.metric}`)
  if (r.tableId !== undefined) parts.push(`table ${r.tableId}`)
  return parts.join(' ')
}

export function describeOp(op: HostOp): string {
  switch (op.kind) {
    case 'link.create':
      return `create ${op.iface.type} ${q(op.iface.name)}${createDetails(op.iface)}`
    case 'link.delete':
      return `delete ${op.names.map(q).join(', ')}`
    case 'link.set-state':
      return `set ${q(op.name)} ${op.state}`
    case 'link.set-mtu':
      return `set mtu of ${q(op.name)} to ${op.mtu}`
    case 'link.set-mac':
      return `set mac of ${q(op.name)} to ${op.mac}`
    case 'link.set-controller':
      return op.controller === null ? `detach ${q(op.name)} from its controller` : `attach ${q(op.name)} to ${q(op.controller)}`
    case 'bridge.set-options':
      return `set bridge options of ${q(op.name)}: ${kv(op.options)}`
    case 'bridge-port.set-options':
      return `set bridge port options of ${q(op.name)}: ${kv(op.options)}`
    case 'bond.set-options':
      return `set bond options of ${q(op.name)}: ${kv(op.options)}`
    case 'addr.add':
      return `add address ${op.address.ip}/${op.address.prefixLength} to ${q(op.name)}`
    case 'addr.del':
      return `remove address ${op.address.ip}/${op.address.prefixLength} from ${q(op.name)}`
    case 'route.add':
      return `add route ${describeRoute(op.route)}`
    case 'route.del':
      return `remove route ${describeRoute(op.route)}`
    case 'rule.add':
      return `add ${describeRule(op.rule)}`
    case 'rule.del':
      return `remove ${describeRule(op.rule)}`
    case 'ovs.transact':
      return describeOvsTransact(op.changes)
    case 'vxlan.set-remotes':
      return `set head-end replication of ${q(op.name)}: ${[...op.add.map((ip) => `+${ip}`), ...op.del.map((ip) => `-${ip}`)].join(' ')}`
    case 'dhcp.start':
      return `start the DHCP client (${op.client.family}) of ${q(op.name)}`
    case 'dhcp.stop':
      return `stop the DHCP client (${op.family}) of ${q(op.name)}`
    default:
      return assertNever(op, 'host op')
  }
}

/** '+' adds, '-' removes, '~' changes. */
export function opMark(op: HostOp): '+' | '-' | '~' {
  switch (op.kind) {
    case 'link.create':
    case 'addr.add':
    case 'route.add':
    case 'rule.add':
    case 'dhcp.start':
      return '+'
    case 'link.delete':
    case 'addr.del':
    case 'route.del':
    case 'rule.del':
    case 'dhcp.stop':
      return '-'
    case 'link.set-state':
    case 'link.set-mtu':
    case 'link.set-mac':
    case 'link.set-controller':
    case 'bridge.set-options':
    case 'bridge-port.set-options':
    case 'bond.set-options':
    case 'ovs.transact':
    case 'vxlan.set-remotes':
      return '~'
    default:
      return assertNever(op, 'host op')
  }
}

/** '+' adds, '-' removes, '~' changes. */
function ovsMark(c: OvsChange): '+' | '-' | '~' {
  if (c.kind === 'bridge.add' || c.kind === 'port.add' || c.kind === 'port.add-ifaces') return '+'
  if (c.kind === 'bridge.del' || c.kind === 'port.del' || c.kind === 'port.del-ifaces') return '-'
  return '~'
}

export function describeOps(ops: readonly HostOp[], indent = '  '): string {
  return ops
    .map((op) => {
      const head = `${indent}${opMark(op)} ${describeOp(op)}\n`
      if (op.kind !== 'ovs.transact' || op.changes.length < 2) return head
      return head + op.changes.map((c) => `${indent}    ${ovsMark(c)} ${describeOvsChange(c)}\n`).join('')
    })
    .join('')
}

/** `1 operation`, `3 operations`. */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`
}
