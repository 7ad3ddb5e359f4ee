/**
 * `link.create` → batch lines. The link is created down, from its type section plus mtu and MAC; ports,
 * addresses and state are separate operations. A tap is made with `tuntap add` (which takes no mtu or MAC,
 * so those follow on a second line).
 * @module
 */
import { assertNever, HostnetError, ValidationError } from '../../errors.js'
import type { BridgeOptions, Iface, IfaceType } from '../../model/host/iface.js'
import { bondCreateOptions } from './bond-defaults.js'
import { bondOptionArgs, bridgeOptionArgs } from './render-options.js'
import { ipToken, macToken, nameToken, uintToken } from './render-tokens.js'

function required<T>(v: T | undefined, i: Iface, field: string): T {
  if (v === undefined) {
    throw new ValidationError(`cannot create ${i.type} '${i.name}': ${field} is required`, { object: `interface '${i.name}'`, path: field })
  }
  return v
}

/** `mtu M address MAC` for a new link, as far as given. */
function commonArgs(i: Iface): string[] {
  const out: string[] = []
  if (i.mtu !== undefined) out.push('mtu', uintToken(i.mtu, `mtu of '${i.name}'`))
  if (i.mac !== undefined) out.push('address', macToken(i.mac, `MAC address of '${i.name}'`))
  return out
}

function vxlanArgs(i: Iface): string[] {
  const v = i.vxlan ?? {}
  const out = ['id', uintToken(required(v.id, i, 'vxlan id'), `vxlan id of '${i.name}'`, 0xffffff)]
  if (v.baseIface !== undefined) out.push('dev', nameToken(v.baseIface, `base interface of '${i.name}'`))
  if (v.local !== undefined) out.push('local', ipToken(v.local, `local address of vxlan '${i.name}'`).text)
  if (v.remote !== undefined && v.group !== undefined) {
    throw new ValidationError(`vxlan '${i.name}' has both a remote and a group`, { object: `interface '${i.name}'`, path: 'vxlan/group' })
  }
  if (v.remote !== undefined) out.push('remote', ipToken(v.remote, `remote address of vxlan '${i.name}'`).text)
  if (v.group !== undefined) out.push('group', ipToken(v.group, `group of vxlan '${i.name}'`).text)
  if (v.destinationPort !== undefined) out.push('dstport', uintToken(v.destinationPort, `destination port of vxlan '${i.name}'`, 0xffff))
  if (v.learning !== undefined) out.push(v.learning ? 'learning' : 'nolearning')
  return out
}

function tapLines(i: Iface, name: string): string[] {
  const t = i.tap ?? {}
  const add = ['tuntap', 'add', 'dev', name, 'mode', t.mode ?? 'tap']
  if (t.owner !== undefined) add.push('user', uintToken(t.owner, `owner of '${i.name}'`))
  if (t.group !== undefined) add.push('group', uintToken(t.group, `group of '${i.name}'`))
  if (t.multiQueue === true) add.push('multi_queue')
  const common = commonArgs(i)
  return common.length === 0 ? [add.join(' ')] : [add.join(' '), ['link', 'set', 'dev', name, ...common].join(' ')]
}

/** `link add` arguments after the common part: `[link BASE]` goes before the name, the rest after `type`. */
function kindArgs(i: Iface, type: IfaceType): { lower?: string; kind: string[] } {
  const base = (b: string | undefined): string => nameToken(required(b, i, `${type}/base-iface`), `base interface of '${i.name}'`)
  switch (type) {
    case 'linux-bridge': return { kind: ['bridge', ...bridgeOptionArgs(createBridgeOptions(i.bridge?.options ?? {}), i.name)] }
    case 'bond': {
      const mode = i.bond?.mode === undefined ? {} : { mode: i.bond.mode }
      return { kind: ['bond', ...bondOptionArgs({ ...bondCreateOptions(i.bond?.options ?? {}), ...mode }, i.name)] }
    }
    case 'vlan': {
      const id = uintToken(required(i.vlan?.id, i, 'vlan id'), `vlan id of '${i.name}'`, 4094)
      const proto = i.vlan?.protocol === undefined ? [] : ['protocol', i.vlan.protocol === '802.1ad' ? '802.1ad' : '802.1Q']
      return { lower: base(i.vlan?.baseIface), kind: ['vlan', 'id', id, ...proto] }
    }
    case 'veth': return { kind: ['veth', 'peer', 'name', nameToken(required(i.veth?.peer, i, 'veth peer'), `peer of veth '${i.name}'`)] }
    case 'mac-vlan':
    case 'mac-vtap': {
      const mode = i.macvlan?.mode === undefined ? [] : ['mode', i.macvlan.mode]
      return { lower: base(i.macvlan?.baseIface), kind: [type === 'mac-vlan' ? 'macvlan' : 'macvtap', ...mode] }
    }
    case 'vxlan': return { kind: ['vxlan', ...vxlanArgs(i)] }
    case 'dummy': return { kind: ['dummy'] }
    case 'vrf': return { kind: ['vrf', 'table', uintToken(required(i.vrf?.tableId, i, 'vrf table id'), `table of vrf '${i.name}'`)] }
    case 'tap':
    case 'ethernet':
    case 'loopback':
    case 'ovs-bridge':
    case 'ovs-interface':
    case 'unknown':
      throw new HostnetError('not-supported', `cannot create interface '${i.name}' of type ${type} with iproute2`, {
        details: { name: i.name, type },
      })
    default: return assertNever(type, 'interface type')
  }
}

export function renderCreate(i: Iface): string[] {
  const name = nameToken(i.name)
  if (i.type === 'tap') return tapLines(i, name)
  const { lower, kind } = kindArgs(i, i.type)
  const head = lower === undefined ? ['link', 'add', 'name', name] : ['link', 'add', 'link', lower, 'name', name]
  return [[...head, ...commonArgs(i), 'type', ...kind].join(' ')]
}

/**
 * VLAN filtering off is the kernel's default for a new bridge; saying so explicitly fails on kernels built
 * without bridge VLAN filtering (EOPNOTSUPP), e.g. when a rollback recreates a bridge from a snapshot.
 */
function createBridgeOptions(o: BridgeOptions): BridgeOptions {
  if (o.vlanFiltering !== false) return o
  const { vlanFiltering: _omitted, ...rest } = o
  return rest
}
