/**
 * net-update's section edits (libvirt's virNetworkDefUpdateSection, network_conf.c): parse the update's element
 * with libvirt's rules (a pattern for delete), find the entry it names, and add (first or last), modify or delete
 * it, refusing what libvirt refuses with libvirt's error class (model/network/update.ts `updateRefused`). Then, as
 * libvirt's virNetworkObjUpdate does, the result is formatted and parsed again, so nothing illegal gets in.
 *
 * Sections bridge, domain, ip, forward and forward-pf are refused (libvirt cannot update them either); modify is
 * refused for DHCP ranges, forward interfaces and DNS records, as by libvirt.
 * @module
 */
import { formatIp, inSubnet, ipEquals, type IpAddr } from '../../../model/values/ip.js'
import { tryParseMac } from '../../../model/values/mac.js'
import type { DhcpHost, NetworkIp } from '../../../model/network/ip.js'
import { networkIpHasDhcp, networkIpPrefix } from '../../../model/network/ip.js'
import type { NetworkDns } from '../../../model/network/dns.js'
import type { NetworkDef } from '../../../model/network/network-def.js'
import { updateRefused, type NetworkUpdateCommand, type NetworkUpdateRequest } from '../../../model/network/update.js'
import type { XmlElement } from '../../xml/dom.js'
import { parseXml } from '../../xml/parse.js'
import { prop, type ParseContext } from '../netdev/props.js'
import { parseHost, parseRange } from './dhcp.js'
import { parseDnsHost, parseDnsSrv, parseDnsTxt } from './dns.js'
import { formatNetworkDef } from './format.js'
import { parseNetworkElement } from './parse.js'
import { parsePortGroup } from './portgroup.js'

export interface NetworkUpdateOptions {
  /** Format the round-trip check as the persistent definition (VIR_NETWORK_XML_INACTIVE). */
  inactive?: boolean
}

const isAdd = (c: NetworkUpdateCommand): boolean => c === 'add-first' || c === 'add-last'

/** `list` with `item` inserted first or last (libvirt's VIR_INSERT_ELEMENT at 0 or n). */
function inserted<T>(list: readonly T[], item: T, command: NetworkUpdateCommand): T[] {
  return command === 'add-first' ? [item, ...list] : [...list, item]
}

function without<T>(list: readonly T[], index: number): T[] {
  return list.filter((_, i) => i !== index)
}

function replaced<T>(list: readonly T[], index: number, item: T): T[] {
  return list.map((x, i) => (i === index ? item : x))
}

function unsupported(def: NetworkDef, section: string): never {
  throw updateRefused('VIR_ERR_OPERATION_UNSUPPORTED', def.name, `can't update '${section}' section of network '${def.name}'`)
}

function checkElement(def: NetworkDef, node: XmlElement, expect: string): void {
  if (node.name !== expect) {
    throw updateRefused(
      'VIR_ERR_XML_ERROR',
      def.name,
      `unexpected element <${node.name}>, expecting <${expect}>, while updating network '${def.name}'`,
    )
  }
}

function ctxOf(def: NetworkDef, node: XmlElement): ParseContext {
  return { path: `/${node.name}`, object: `network '${def.name}'` }
}

/**
 * libvirt's virNetworkIPDefByIndex: `parentIndex` ≥ 0 is that `<ip>`; otherwise the first `<ip>` with DHCP
 * ranges or hosts, else the first IPv4 one, else the first IPv6 one.
 */
function ipByIndex(def: NetworkDef, parentIndex: number): number {
  if (parentIndex >= 0) {
    if (parentIndex < def.ips.length) return parentIndex
    throw updateRefused(
      'VIR_ERR_OPERATION_INVALID',
      def.name,
      `couldn't update dhcp host entry - no <ip> element found at index ${parentIndex} in network '${def.name}'`,
      { parentIndex },
    )
  }
  let i = def.ips.findIndex(networkIpHasDhcp)
  if (i < 0) i = def.ips.findIndex((ip) => ip.address.family === 'ipv4')
  if (i < 0) i = def.ips.findIndex((ip) => ip.address.family === 'ipv6')
  if (i < 0) throw updateRefused('VIR_ERR_OPERATION_INVALID', def.name, `couldn't update dhcp host entry - no <ip> element found in network '${def.name}'`)
  return i
}

/** libvirt's virNetworkDefUpdateCheckMultiDHCP: DHCP on one `<ip>` per family only. */
function checkMultiDhcp(def: NetworkDef, index: number): void {
  const family = def.ips[index]?.address.family
  const other = def.ips.some((ip, i) => i !== index && ip.address.family === family && networkIpHasDhcp(ip))
  if (other) {
    const fam = family === 'ipv4' ? 'IPv4' : 'IPv6'
    throw updateRefused('VIR_ERR_OPERATION_INVALID', def.name, `dhcp is supported only for a single ${fam} address on each network`)
  }
}

function withIp(def: NetworkDef, index: number, ip: NetworkIp): NetworkDef {
  return { ...def, ips: replaced(def.ips, index, ip) }
}

const sameMac = (a: string | undefined, b: string | undefined): boolean =>
  a !== undefined && b !== undefined && (tryParseMac(a) ?? a.toLowerCase()) === (tryParseMac(b) ?? b.toLowerCase())
const sameIp = (a: IpAddr | undefined, b: IpAddr | undefined): boolean => a !== undefined && b !== undefined && ipEquals(a, b)

function hostText(h: DhcpHost): string {
  return `<host mac='${h.mac ?? 'unknown'}' name='${h.name ?? '(null)'}' ip='${h.ip === undefined ? 'unknown' : formatIp(h.ip)}'/>`
}

/**
 * hostnet's rule on top of libvirt's: a static host's address lies in its `<ip>`'s subnet (libvirt accepts any,
 * and dnsmasq then never hands it out).
 */
function checkHostInSubnet(def: NetworkDef, ip: NetworkIp, host: DhcpHost): void {
  const prefix = networkIpPrefix(ip)
  if (host.ip === undefined || prefix === undefined || host.ip.family !== ip.address.family) return
  if (!inSubnet(host.ip, ip.address, prefix)) {
    throw updateRefused(
      'VIR_ERR_CONFIG_UNSUPPORTED',
      def.name,
      `static host address '${formatIp(host.ip)}' is not within network ${formatIp(ip.address)}/${prefix} of network '${def.name}'`,
      { path: '/host/@ip', value: formatIp(host.ip) },
    )
  }
}

function updateDhcpHost(def: NetworkDef, command: NetworkUpdateCommand, parentIndex: number, node: XmlElement): NetworkDef {
  checkElement(def, node, 'host')
  const index = ipByIndex(def, parentIndex)
  const ip = def.ips[index] as NetworkIp
  const partial = command === 'delete'
  const host = parseHost(node, ip, def.name, ctxOf(def, node), { partial })
  if (!partial && host.ip?.family !== ip.address.family) {
    throw updateRefused(
      'VIR_ERR_OPERATION_INVALID',
      def.name,
      "the address family of a host entry IP must match the address family of the dhcp element's parent",
    )
  }
  const hosts = ip.dhcpHosts
  if (command === 'modify') {
    const i = hosts.findIndex((h) => sameMac(host.mac, h.mac) || sameIp(host.ip, h.ip) || (host.name !== undefined && host.name === h.name))
    if (i < 0) {
      throw updateRefused(
        'VIR_ERR_OPERATION_INVALID',
        def.name,
        `couldn't locate an existing dhcp host entry with "mac='${host.mac ?? 'unknown'}'" "name='${host.name ?? '(null)'}'" "ip='${host.ip === undefined ? 'unknown' : formatIp(host.ip)}'" in network '${def.name}'`,
      )
    }
    checkHostInSubnet(def, ip, host)
    return withIp(def, index, { ...ip, dhcpHosts: replaced(hosts, i, host) })
  }
  if (isAdd(command)) {
    checkMultiDhcp(def, index)
    if (hosts.some((h) => sameMac(host.mac, h.mac) || (host.name !== undefined && host.name === h.name) || sameIp(host.ip, h.ip))) {
      throw updateRefused(
        'VIR_ERR_OPERATION_INVALID',
        def.name,
        `there is an existing dhcp host entry in network '${def.name}' that matches "${hostText(host)}"`,
      )
    }
    checkHostInSubnet(def, ip, host)
    return withIp(def, index, { ...ip, dhcpHosts: inserted(hosts, host, command) })
  }
  // delete: every attribute given must match (a MAC absent on either side matches)
  const i = hosts.findIndex(
    (h) =>
      (host.mac === undefined || h.mac === undefined || sameMac(host.mac, h.mac)) &&
      (host.name === undefined || host.name === h.name) &&
      (host.ip === undefined || sameIp(host.ip, h.ip)),
  )
  if (i < 0) throw updateRefused('VIR_ERR_OPERATION_INVALID', def.name, `couldn't locate a matching dhcp host entry in network '${def.name}'`)
  return withIp(def, index, { ...ip, dhcpHosts: without(hosts, i) })
}

function updateDhcpRange(def: NetworkDef, command: NetworkUpdateCommand, parentIndex: number, node: XmlElement): NetworkDef {
  checkElement(def, node, 'range')
  const index = ipByIndex(def, parentIndex)
  const ip = def.ips[index] as NetworkIp
  if (command === 'modify') {
    throw updateRefused('VIR_ERR_OPERATION_UNSUPPORTED', def.name, 'dhcp ranges cannot be modified, only added or deleted')
  }
  const range = parseRange(node, ip, def.name, ctxOf(def, node))
  if (range.start.family !== ip.address.family) {
    throw updateRefused(
      'VIR_ERR_OPERATION_INVALID',
      def.name,
      "the address family of a dhcp range must match the address family of the dhcp element's parent",
    )
  }
  const i = ip.dhcpRanges.findIndex((r) => ipEquals(r.start, range.start) && ipEquals(r.end, range.end))
  if (isAdd(command)) {
    checkMultiDhcp(def, index)
    if (i >= 0) {
      throw updateRefused(
        'VIR_ERR_OPERATION_INVALID',
        def.name,
        `there is an existing dhcp range entry in network '${def.name}' that matches "<range start='${formatIp(range.start)}' end='${formatIp(range.end)}'/>"`,
      )
    }
    return withIp(def, index, { ...ip, dhcpRanges: inserted(ip.dhcpRanges, range, command) })
  }
  if (i < 0) throw updateRefused('VIR_ERR_OPERATION_INVALID', def.name, `couldn't locate a matching dhcp range entry in network '${def.name}'`)
  return withIp(def, index, { ...ip, dhcpRanges: without(ip.dhcpRanges, i) })
}

function updateForwardInterface(def: NetworkDef, command: NetworkUpdateCommand, node: XmlElement): NetworkDef {
  checkElement(def, node, 'interface')
  if (command === 'modify') {
    throw updateRefused('VIR_ERR_OPERATION_UNSUPPORTED', def.name, 'forward interface entries cannot be modified, only added or deleted')
  }
  const dev = prop(node, 'dev')
  if (dev === undefined) throw updateRefused('VIR_ERR_XML_ERROR', def.name, 'missing dev attribute in <interface> element', { path: '/interface/@dev' })
  const ifs = def.forward.interfaces
  const i = ifs.findIndex((f) => f.dev === dev)
  if (isAdd(command)) {
    if (i >= 0) {
      throw updateRefused('VIR_ERR_OPERATION_INVALID', def.name, `there is an existing interface entry in network '${def.name}' that matches "<interface dev='${dev}'>"`)
    }
    return { ...def, forward: { ...def.forward, interfaces: inserted(ifs, { dev }, command) } }
  }
  if (i < 0) {
    throw updateRefused('VIR_ERR_OPERATION_INVALID', def.name, `couldn't find an interface entry in network '${def.name}' matching <interface dev='${dev}'>`)
  }
  const used = ifs[i]?.connections ?? 0
  if (used > 0) {
    throw updateRefused(
      'VIR_ERR_OPERATION_INVALID',
      def.name,
      `unable to delete interface '${dev}' in network '${def.name}'. It is currently being used by ${used} domains.`,
      { connections: used },
    )
  }
  return { ...def, forward: { ...def.forward, interfaces: without(ifs, i) } }
}

function updatePortGroup(def: NetworkDef, command: NetworkUpdateCommand, node: XmlElement): NetworkDef {
  checkElement(def, node, 'portgroup')
  const pg = parsePortGroup(node, { path: '/portgroup', object: `network '${def.name}'` })
  const found = def.portGroups.findIndex((p) => p.name === pg.name)
  const foundDefault = def.portGroups.findIndex((p) => p.isDefault === true)
  if (found < 0 && (command === 'modify' || command === 'delete')) {
    throw updateRefused('VIR_ERR_OPERATION_INVALID', def.name, `couldn't find a portgroup entry in network '${def.name}' matching <portgroup name='${pg.name}'>`)
  }
  if (found >= 0 && isAdd(command)) {
    throw updateRefused('VIR_ERR_OPERATION_INVALID', def.name, `there is an existing portgroup entry in network '${def.name}' that matches "<portgroup name='${pg.name}'>"`)
  }
  if (command !== 'delete' && pg.isDefault === true && foundDefault >= 0 && foundDefault !== found) {
    throw updateRefused(
      'VIR_ERR_OPERATION_INVALID',
      def.name,
      `a different portgroup entry in network '${def.name}' is already set as the default. Only one default is allowed.`,
    )
  }
  if (command === 'modify') return { ...def, portGroups: replaced(def.portGroups, found, pg) }
  if (isAdd(command)) return { ...def, portGroups: inserted(def.portGroups, pg, command) }
  return { ...def, portGroups: without(def.portGroups, found) }
}

function dnsOf(def: NetworkDef): NetworkDns {
  return def.dns ?? { forwarders: [], txts: [], srvs: [], hosts: [] }
}

function updateDnsHost(def: NetworkDef, command: NetworkUpdateCommand, node: XmlElement): NetworkDef {
  if (command === 'modify') {
    throw updateRefused('VIR_ERR_OPERATION_UNSUPPORTED', def.name, 'DNS HOST records cannot be modified, only added or deleted')
  }
  checkElement(def, node, 'host')
  const add = isAdd(command)
  const host = parseDnsHost(node, def.name, ctxOf(def, node), { partial: !add })
  const dns = dnsOf(def)
  // adding: only the address must be new (several addresses may share a name); deleting: the address or a name
  const matches = dns.hosts.flatMap((h, i) => {
    const byIp = sameIp(host.ip, h.ip)
    const byName = !add && host.hostnames.some((n) => h.hostnames.includes(n))
    return byIp || byName ? [i] : []
  })
  if (add) {
    if (matches.length > 0) {
      throw updateRefused('VIR_ERR_OPERATION_INVALID', def.name, `there is already at least one DNS HOST record with a matching field in network ${def.name}`)
    }
    return { ...def, dns: { ...dns, hosts: inserted(dns.hosts, { ip: host.ip as IpAddr, hostnames: host.hostnames }, command) } }
  }
  if (matches.length === 0) throw updateRefused('VIR_ERR_OPERATION_INVALID', def.name, `couldn't locate a matching DNS HOST record in network ${def.name}`)
  if (matches.length > 1) throw updateRefused('VIR_ERR_OPERATION_INVALID', def.name, `multiple matching DNS HOST records were found in network ${def.name}`)
  return { ...def, dns: { ...dns, hosts: without(dns.hosts, matches[0] as number) } }
}

function updateDnsSrv(def: NetworkDef, command: NetworkUpdateCommand, node: XmlElement): NetworkDef {
  if (command === 'modify') {
    throw updateRefused('VIR_ERR_OPERATION_UNSUPPORTED', def.name, 'DNS SRV records cannot be modified, only added or deleted')
  }
  checkElement(def, node, 'srv')
  const add = isAdd(command)
  const srv = parseDnsSrv(node, def.name, ctxOf(def, node), { partial: !add })
  const dns = dnsOf(def)
  const same = (a: string | undefined, b: string | undefined): boolean => a === undefined || a === b
  const matches = dns.srvs.flatMap((s, i) =>
    same(srv.domain, s.domain) && same(srv.service, s.service) && same(srv.protocol, s.protocol) && same(srv.target, s.target) ? [i] : [],
  )
  if (add) {
    if (matches.length > 0) {
      throw updateRefused('VIR_ERR_OPERATION_INVALID', def.name, `there is already at least one DNS SRV record matching all specified fields in network ${def.name}`)
    }
    const full = srv as typeof srv & { service: string; protocol: string }
    return { ...def, dns: { ...dns, srvs: inserted(dns.srvs, full, command) } }
  }
  if (matches.length === 0) throw updateRefused('VIR_ERR_OPERATION_INVALID', def.name, `couldn't locate a matching DNS SRV record in network ${def.name}`)
  if (matches.length > 1) {
    throw updateRefused('VIR_ERR_OPERATION_INVALID', def.name, `multiple DNS SRV records matching all specified fields were found in network ${def.name}`)
  }
  return { ...def, dns: { ...dns, srvs: without(dns.srvs, matches[0] as number) } }
}

function updateDnsTxt(def: NetworkDef, command: NetworkUpdateCommand, node: XmlElement): NetworkDef {
  if (command === 'modify') {
    throw updateRefused('VIR_ERR_OPERATION_UNSUPPORTED', def.name, 'DNS TXT records cannot be modified, only added or deleted')
  }
  checkElement(def, node, 'txt')
  const add = isAdd(command)
  const txt = parseDnsTxt(node, def.name, ctxOf(def, node), { partial: !add })
  const dns = dnsOf(def)
  const i = dns.txts.findIndex((t) => t.name === txt.name)
  if (add) {
    if (i >= 0) throw updateRefused('VIR_ERR_OPERATION_INVALID', def.name, `there is already a DNS TXT record with name '${txt.name}' in network ${def.name}`)
    return { ...def, dns: { ...dns, txts: inserted(dns.txts, { name: txt.name, value: txt.value ?? '' }, command) } }
  }
  if (i < 0) throw updateRefused('VIR_ERR_OPERATION_INVALID', def.name, `couldn't locate a matching DNS TXT record in network ${def.name}`)
  return { ...def, dns: { ...dns, txts: without(dns.txts, i) } }
}

/** The section edit alone (libvirt's virNetworkDefUpdateSection), without the round-trip check. */
export function updateSection(def: NetworkDef, req: NetworkUpdateRequest): NetworkDef {
  const node = parseXml(req.xml)
  switch (req.section) {
    case 'bridge':
    case 'domain':
    case 'ip':
    case 'forward':
      return unsupported(def, req.section)
    case 'forward-pf':
      return unsupported(def, 'forward pf')
    case 'ip-dhcp-host':
      return updateDhcpHost(def, req.command, req.parentIndex, node)
    case 'ip-dhcp-range':
      return updateDhcpRange(def, req.command, req.parentIndex, node)
    case 'forward-interface':
      return updateForwardInterface(def, req.command, node)
    case 'portgroup':
      return updatePortGroup(def, req.command, node)
    case 'dns-host':
      return updateDnsHost(def, req.command, node)
    case 'dns-txt':
      return updateDnsTxt(def, req.command, node)
    case 'dns-srv':
      return updateDnsSrv(def, req.command, node)
  }
}

/**
 * libvirt's virNetworkObjUpdate for one definition: the section edit, then a format/parse round trip that refuses
 * a result libvirt's parser would refuse (e.g. a DNS record in a network whose DNS is disabled). Pure: `def` is
 * not changed; the new definition is returned with its XML (formatted as `opts.inactive` says: what to store).
 */
export function updateNetworkDefXml(def: NetworkDef, req: NetworkUpdateRequest, opts: NetworkUpdateOptions = {}): { def: NetworkDef; xml: string } {
  const out = updateSection(def, req)
  const xml = formatNetworkDef(out, { inactive: opts.inactive === true })
  // the parser's own refusal (a ValidationError naming the element) is libvirt's too
  parseNetworkElement(parseXml(xml), { newUuid: () => out.uuid })
  return { def: out, xml }
}

/** updateNetworkDefXml without the XML. */
export function updateNetworkDef(def: NetworkDef, req: NetworkUpdateRequest, opts: NetworkUpdateOptions = {}): NetworkDef {
  return updateNetworkDefXml(def, req, opts).def
}
