/**
 * Iface / Route → plain objects with the YAML keys read by parse-iface.ts and parse-routes.ts, so that parsing
 * the output gives back the same records.
 * @module
 */
import type { BridgeConfig, BridgeOptions, BridgePortOptions, Iface, IfaceInfo, IpConfig } from '../../model/host/iface.js'
import { ANY_DESTINATION } from '../../model/host/route.js'
import type { Route } from '../../model/host/route.js'
import type { Obj } from './fields.js'
import { ovsBridgeToPlain, ovsDbToPlain, ovsInterfaceToPlain } from './format-ovs.js'
import { SECTION_KEY } from './parse-iface.js'

/** Plain object without undefined values (and without empty sub-objects when `dropEmpty`). */
function clean(o: Record<string, unknown>, dropEmpty = false): Obj {
  const out: Obj = {}
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue
    if (dropEmpty && typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0) continue
    out[k] = v
  }
  return out
}

function ipConfig(c: IpConfig): Obj {
  return clean({
    enabled: c.enabled,
    dhcp: c.dhcp,
    autoconf: c.autoconf,
    address: c.addresses?.map((a) => ({ ip: a.ip, 'prefix-length': a.prefixLength })),
  })
}

function portOptions(p: BridgePortOptions): Obj {
  return clean({
    'stp-hairpin-mode': p.hairpin,
    isolated: p.isolated,
    'stp-path-cost': p.stpPathCost,
    'stp-priority': p.stpPriority,
    learning: p.learning,
    'unicast-flood': p.unicastFlood,
  })
}

function bridgeOptions(o: BridgeOptions): Obj {
  const stp = clean({ enabled: o.stp, 'forward-delay': o.forwardDelaySec, 'hello-time': o.helloTimeSec, 'max-age': o.maxAgeSec, priority: o.priority })
  return clean(
    {
      stp,
      'mac-ageing-time': o.macAgeingTimeSec,
      'multicast-snooping': o.multicastSnooping,
      'vlan-filtering': o.vlanFiltering,
      'group-fwd-mask': o.groupFwdMask,
    },
    true,
  )
}

function bridge(b: BridgeConfig): Obj {
  return clean({
    options: b.options && bridgeOptions(b.options),
    port: b.ports?.map((p) => ({ name: p.name, ...(p.options ? portOptions(p.options) : {}) })),
  })
}

function info(i: IfaceInfo): Obj {
  return clean({ index: i.index, 'link-kind': i.linkKind, 'oper-state': i.operState, link: i.link, permanent: i.permanent })
}

function section(i: Iface): Obj | undefined {
  switch (i.type) {
    case 'linux-bridge': return i.bridge && bridge(i.bridge)
    case 'bond': return i.bond && clean({ mode: i.bond.mode, options: i.bond.options, port: i.bond.ports })
    case 'vlan': return i.vlan && clean({ 'base-iface': i.vlan.baseIface, id: i.vlan.id, protocol: i.vlan.protocol })
    case 'veth': return i.veth && clean({ peer: i.veth.peer })
    case 'mac-vlan':
    case 'mac-vtap': return i.macvlan && clean({ 'base-iface': i.macvlan.baseIface, mode: i.macvlan.mode })
    case 'vxlan': {
      const x = i.vxlan
      return x && clean({ id: x.id, local: x.local, remote: x.remote, group: x.group, 'destination-port': x.destinationPort, 'base-iface': x.baseIface, learning: x.learning, remotes: x.remotes })
    }
    case 'vrf': return i.vrf && clean({ 'route-table-id': i.vrf.tableId, port: i.vrf.ports })
    case 'tap': return i.tap && clean({ mode: i.tap.mode, owner: i.tap.owner, group: i.tap.group, 'multi-queue': i.tap.multiQueue })
    case 'ovs-bridge': return i.ovsBridge && ovsBridgeToPlain(i.ovsBridge)
    case 'ovs-interface': return i.ovsInterface && ovsInterfaceToPlain(i.ovsInterface)
    default: return undefined
  }
}

export function ifaceToPlain(i: Iface): Obj {
  const key = SECTION_KEY[i.type]
  return clean({
    name: i.name,
    type: i.type,
    state: i.state,
    mtu: i.mtu,
    'mac-address': i.mac,
    controller: i.controller === null ? '' : i.controller,
    ...(key === undefined ? {} : { [key]: section(i) }),
    ipv4: i.ipv4 && ipConfig(i.ipv4),
    ipv6: i.ipv6 && ipConfig(i.ipv6),
    'bridge-port': i.bridgePort && portOptions(i.bridgePort),
    'ovs-db': i.ovsDb && ovsDbToPlain(i.ovsDb),
    info: i.info && info(i.info),
  })
}

export function routeToPlain(r: Route): Obj {
  return clean({
    destination: r.destination === ANY_DESTINATION ? undefined : r.destination,
    'next-hop-address': r.nextHopAddress,
    'next-hop-interface': r.nextHopInterface,
    metric: r.metric,
    'table-id': r.tableId,
    state: r.state,
  })
}
