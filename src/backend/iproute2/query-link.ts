/**
 * One link of `ip -json -details address show` → an Iface record (without controller-side port lists, which
 * query-state.ts adds once every link is known).
 * @module
 */
import type { Iface, IfaceInfo, IfaceType, IpAddress, IpConfig } from '../../model/host/iface.js'
import { typeDescriptor, typeOfKernelKind } from '../../model/host/types/index.js'
import { formatIp, isLinkLocalIpv6, tryParseIpv4, tryParseIpv6 } from '../../model/values/ip.js'
import { tryParseMac } from '../../model/values/mac.js'
import { asArray, asObject, bool, defined, num, obj, str, type JsonObject } from './json-read.js'
import { linkKind } from './kinds/index.js'
import { stringList, type IdResolver } from './query-sections.js'

/** The type of a link: its kernel kind's (`info_kind`, from the type descriptors); kinds hostnet does not model are 'unknown' (kind kept in info). */
export function ifaceTypeOf(link: JsonObject): IfaceType {
  const kind = str(obj(link, 'linkinfo'), 'info_kind')
  if (kind === undefined) return str(link, 'link_type') === 'loopback' ? 'loopback' : 'ethernet'
  return typeOfKernelKind(kind) ?? 'unknown'
}

/** An address of `family` in canonical text, unless it is unparsable or an IPv6 link-local one. */
function staticIp(local: string, family: 'inet' | 'inet6'): string | undefined {
  if (family === 'inet') {
    const v4 = tryParseIpv4(local)
    return v4 === undefined ? undefined : formatIp({ family: 'ipv4', value: v4 })
  }
  if (/^fe[89ab]/i.test(local)) return undefined // fe80::/10, the bulk of IPv6 addresses on a busy host
  const v6 = tryParseIpv6(local)
  if (v6 === undefined) return undefined
  const addr = { family: 'ipv6', value: v6 } as const
  return isLinkLocalIpv6(addr) ? undefined : formatIp(addr)
}

/** Static addresses of one family: no `dynamic` (DHCP, SLAAC) and no IPv6 link-local. */
export function staticAddresses(link: JsonObject, family: 'inet' | 'inet6'): IpAddress[] {
  const out: IpAddress[] = []
  for (const raw of asArray(link['addr_info'])) {
    const a = asObject(raw)
    const local = str(a, 'local')
    const prefixLength = num(a, 'prefixlen')
    if (str(a, 'family') !== family || local === undefined || prefixLength === undefined || bool(a, 'dynamic') === true) continue
    const ip = staticIp(local, family)
    if (ip !== undefined) out.push({ ip, prefixLength })
  }
  return out
}

/** Same convention as the fake backend's kernel model: `enabled` means "has static addresses". */
function ipConfig(addresses: IpAddress[]): IpConfig {
  return { enabled: addresses.length > 0, addresses }
}

const CANONICAL_MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/

function macOf(s: string | undefined): string | undefined {
  if (s === undefined) return undefined
  return CANONICAL_MAC_RE.test(s) ? s : tryParseMac(s)
}

function info(link: JsonObject, type: IfaceType): IfaceInfo {
  const li = obj(link, 'linkinfo')
  const kind = str(li, 'info_kind')
  const index = num(link, 'link_index')
  return defined<IfaceInfo>({
    index: num(link, 'ifindex'),
    linkKind: kind,
    operState: str(link, 'operstate'),
    link: str(link, 'link') ?? (index === undefined ? undefined : String(index)),
    permanent: type === 'ethernet' || type === 'loopback' ? true : undefined,
  })
}

/** The type-specific section of a link (and its port options when its controller's kind has them: a bridge's). */
function sections(link: JsonObject, type: IfaceType, ids: IdResolver): Partial<Iface> {
  const li = obj(link, 'linkinfo')
  const out: Record<string, unknown> = {}
  const slaveKind = str(li, 'info_slave_kind')
  const controller = slaveKind === undefined ? undefined : typeOfKernelKind(slaveKind)
  const readPort = controller === undefined ? undefined : linkKind(controller)?.readPort
  if (readPort !== undefined) out[typeDescriptor(controller!).controller!.portOptions!.prop] = readPort(obj(li, 'info_slave_data'))
  const read = linkKind(type)?.read
  if (read !== undefined) out[typeDescriptor(type).section!.prop] = read(obj(li, 'info_data'), link, ids)
  return out as Partial<Iface>
}

/** Parse one link; undefined when it has no usable name. */
export function parseLink(raw: unknown, ids: IdResolver): Iface | undefined {
  const link = asObject(raw)
  const name = str(link, 'ifname')
  if (link === undefined || name === undefined) return undefined
  const type = ifaceTypeOf(link)
  const mac = str(link, 'address')
  const iface: Iface = {
    name,
    type,
    state: stringList(link['flags']).includes('UP') ? 'up' : 'down',
    ...defined<Pick<Iface, 'mtu' | 'mac'>>({ mtu: num(link, 'mtu'), mac: macOf(mac) }),
    controller: str(link, 'master') ?? null,
    ipv4: ipConfig(staticAddresses(link, 'inet')),
    ipv6: ipConfig(staticAddresses(link, 'inet6')),
    ...sections(link, type, ids),
    info: info(link, type),
  }
  return iface
}
