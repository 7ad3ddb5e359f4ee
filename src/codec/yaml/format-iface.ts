/**
 * Iface / Route → plain objects with the YAML keys read by parse-iface.ts and parse-routes.ts, so that parsing
 * the output gives back the same records.
 * @module
 */
import type { DhcpLease } from '../../model/host/dhcp.js'
import type { Iface, IfaceInfo, IpConfig } from '../../model/host/iface.js'
import { PORT_OPTION_SPECS, typeDescriptor } from '../../model/host/types/index.js'
import { ANY_DESTINATION } from '../../model/host/route.js'
import type { Route } from '../../model/host/route.js'
import type { Obj } from './fields.js'
import { ovsBridgeToPlain, ovsDbToPlain, ovsInterfaceToPlain } from './format-ovs.js'
import { writeRecord } from './section.js'

/** Plain object without undefined values. */
function clean(o: Record<string, unknown>): Obj {
  const out: Obj = {}
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v
  return out
}

function lease(l: DhcpLease): Obj {
  return clean({
    address: l.address,
    server: l.server,
    routers: l.routers === undefined ? undefined : [...l.routers],
    dns: l.dns === undefined ? undefined : [...l.dns],
    domain: l.domain,
    'lease-time': l.leaseTimeSec,
  })
}

function ipConfig(c: IpConfig): Obj {
  return clean({
    enabled: c.enabled,
    dhcp: c.dhcp,
    autoconf: c.autoconf,
    'auto-dns': c.autoDns,
    'auto-gateway': c.autoGateway,
    'auto-routes': c.autoRoutes,
    'auto-route-table-id': c.autoRouteTableId,
    'dhcp-client-id': c.dhcpClientId,
    'dhcp-duid': c.dhcpDuid,
    address: c.addresses?.map((a) => ({ ip: a.ip, 'prefix-length': a.prefixLength })),
    lease: c.lease === undefined ? undefined : lease(c.lease),
  })
}

function info(i: IfaceInfo): Obj {
  return clean({ index: i.index, 'link-kind': i.linkKind, 'oper-state': i.operState, link: i.link, permanent: i.permanent })
}

/** Writers of the sections that have a codec of their own (`custom` in their descriptor): Open vSwitch's. */
const CUSTOM_WRITERS: Readonly<Record<string, (section: never) => Obj | undefined>> = {
  ovsBridge: ovsBridgeToPlain,
  ovsInterface: ovsInterfaceToPlain,
}

function section(i: Iface): Record<string, unknown> {
  const spec = typeDescriptor(i.type).section
  if (spec === undefined) return {}
  const rec = (i as unknown as Record<string, unknown>)[spec.prop] as Record<string, unknown> | undefined
  if (rec === undefined) return {}
  return { [spec.key]: spec.custom === true ? CUSTOM_WRITERS[spec.prop]!(rec as never) : writeRecord(spec.fields, rec) }
}

function portOptions(i: Iface): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const p of PORT_OPTION_SPECS) {
    const rec = (i as unknown as Record<string, unknown>)[p.prop] as Record<string, unknown> | undefined
    if (rec !== undefined) out[p.key] = writeRecord(p.fields, rec)
  }
  return out
}

export function ifaceToPlain(i: Iface): Obj {
  return clean({
    name: i.name,
    type: i.type,
    state: i.state,
    mtu: i.mtu,
    'mac-address': i.mac,
    'copy-mac-from': i.copyMacFrom,
    controller: i.controller === null ? '' : i.controller,
    ...section(i),
    ipv4: i.ipv4 && ipConfig(i.ipv4),
    ipv6: i.ipv6 && ipConfig(i.ipv6),
    ...portOptions(i),
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
    source: r.source,
    cwnd: r.cwnd,
    'route-type': r.routeType,
    state: r.state,
  })
}
