/** Short descriptions of ops for error messages, naming the interface (or route) an op acts on. */
import { describeRule } from '../../model/host/route-rule.js'
import { assertNever } from '../../errors.js'
import type { HostOp } from '../../plan/ops.js'
import { describeOvsTransact } from '../../plan/ovs/describe.js'

function quoted(names: readonly string[]): string {
  return names.map((n) => `'${n}'`).join(', ')
}

export function describeHostOp(op: HostOp): string {
  switch (op.kind) {
    case 'link.create': return `create ${op.iface.type} '${op.iface.name}'`
    case 'link.delete': return `delete ${op.names.length === 1 ? 'interface' : 'interfaces'} ${quoted(op.names)}`
    case 'link.set-state': return `set interface '${op.name}' ${op.state}`
    case 'link.set-mtu': return `set the mtu of '${op.name}' to ${op.mtu}`
    case 'link.set-mac': return `set the MAC address of '${op.name}' to ${op.mac}`
    case 'link.set-controller':
      return op.controller === null ? `detach '${op.name}' from its controller` : `attach '${op.name}' to controller '${op.controller}'`
    case 'bridge.set-options': return `set the bridge options of '${op.name}'`
    case 'bridge-port.set-options': return `set the bridge-port options of '${op.name}'`
    case 'bond.set-options': return `set the bond options of '${op.name}'`
    case 'addr.add': return `add address ${op.address.ip}/${op.address.prefixLength} to '${op.name}'`
    case 'addr.del': return `remove address ${op.address.ip}/${op.address.prefixLength} from '${op.name}'`
    case 'route.add': return `add route ${op.route.destination}${op.route.nextHopInterface ? ` via '${op.route.nextHopInterface}'` : ''}`
    case 'route.del': return `remove route ${op.route.destination}${op.route.nextHopInterface ? ` via '${op.route.nextHopInterface}'` : ''}`
    case 'rule.add': return `add ${describeRule(op.rule)}`
    case 'rule.del': return `remove ${describeRule(op.rule)}`
    case 'ovs.transact': return describeOvsTransact(op.changes)
    case 'vxlan.set-remotes': return `set the head-end replication remotes of '${op.name}' (+${op.add.join(', +')}${op.del.length > 0 ? ` -${op.del.join(', -')}` : ''})`
    case 'dhcp.start': return `start the DHCP client (${op.client.family}) of '${op.name}'`
    case 'dhcp.stop': return `stop the DHCP client (${op.family}) of '${op.name}'`
    default: return assertNever(op, 'host op')
  }
}
