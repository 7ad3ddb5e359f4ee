/**
 * One entry of `interfaces:`: base properties, `ipv4`/`ipv6`, and the section of its type.
 * @module
 */
import type { DesiredIfaceState, Iface, IfaceInfo, IfaceType, IpAddress, IpConfig } from '../../model/host/iface.js'
import { PORT_OPTION_SPECS, SECTION_BY_KEY, typeDescriptor, typeNamed } from '../../model/host/types/index.js'
import type { IpFamily } from '../../model/values/ip.js'
import { formatIp, isLinkLocalIpv6 } from '../../model/values/ip.js'
import { checkKeys, defined, fail, failNotSupported, notSupported, opt, skipNotSupported, readBool, readEnum, readInt, readList, readObj, readString, sub } from './fields.js'
import type { Ctx, NotSupported, Obj } from './fields.js'
import { readOvsBridge, readOvsDb, readOvsPatch } from './parse-ovs.js'
import { readRecord, readTypeSection } from './section.js'
import { readIfName, readIpAddr, readMac, readMtu, readPrefixLength } from './values.js'

/** Readers of the sections that have a codec of their own (`custom` in their descriptor): Open vSwitch's. */
const CUSTOM_READERS: Readonly<Record<string, (v: unknown, ctx: Ctx) => unknown>> = {
  ovsBridge: readOvsBridge,
  ovsInterface: readOvsPatch,
}

const BASE_KEYS = ['name', 'type', 'state', 'mtu', 'mac-address', 'copy-mac-from', 'controller', 'ipv4', 'ipv6', ...PORT_OPTION_SPECS.map((p) => p.key), 'ovs-db', 'info']

/** nmstate keys hostnet knows but does not implement: refused with a clearer message than "unknown key". */
const UNSUPPORTED_KEYS = new Set([
  'description', 'profile-name', 'identifier', 'ethernet', 'ethtool', 'lldp', '802.1x', 'mptcp', 'wait-ip',
  'accept-all-mac-addresses', 'dispatch', 'permanent-mac-address', 'min-mtu', 'max-mtu',
  'driver', 'dpdk', 'infiniband', 'macsec', 'hsr', 'libreswan',
])

function readType(v: unknown, ctx: Ctx): IfaceType {
  const s = readString(v, ctx)
  const t = typeNamed(s)
  if (t === undefined) fail(ctx, `unknown interface type '${s}'`, v)
  return t
}

function readState(v: unknown, ctx: Ctx): DesiredIfaceState {
  if (v === 'ignore') failNotSupported(ctx, "state 'ignore' is not supported (leave the interface out of the document instead)", v)
  return readEnum(v, ctx, ['up', 'down', 'absent'] as const)
}

function readController(v: unknown, ctx: Ctx): string | null {
  return v === null || v === '' ? null : readIfName(v, ctx)
}

function readAddress(v: unknown, ctx: Ctx, family: IpFamily): IpAddress {
  const o = readObj(v, ctx)
  checkKeys(o, ['ip', 'prefix-length'], ctx)
  if (o['ip'] === undefined || o['prefix-length'] === undefined) fail(ctx, `${ctx.field} needs ip and prefix-length`, v)
  const addr = readIpAddr(o['ip'], sub(ctx, 'ip'), family)
  if (isLinkLocalIpv6(addr)) fail(sub(ctx, 'ip'), `${ctx.field}.ip '${formatIp(addr)}' is link-local; the kernel manages those`, o['ip'])
  return { ip: formatIp(addr), prefixLength: readPrefixLength(o['prefix-length'], sub(ctx, 'prefix-length'), family) }
}

function readAddresses(v: unknown, ctx: Ctx, family: IpFamily): IpAddress[] {
  const out = readList(v, ctx).map((a, i) => readAddress(a, sub(ctx, i), family))
  const seen = new Set<string>()
  out.forEach((a, i) => {
    // the kernel keys IPv6 addresses by address alone, IPv4 ones by address and prefix
    const key = family === 'ipv6' ? a.ip : `${a.ip}/${a.prefixLength}`
    if (seen.has(key)) fail(sub(ctx, i), `${ctx.field} lists ${a.ip} twice`, v)
    seen.add(key)
  })
  return out
}

const DHCP_KEYS = ['auto-dns', 'auto-gateway', 'auto-routes', 'auto-route-table-id']
/** A client id or DUID: a keyword or hex bytes separated by colons. */
const DHCP_ID_RE = /^[0-9a-f]{1,2}(?::[0-9a-f]{1,2}){0,127}$/i

function readDhcpId(v: unknown, ctx: Ctx, keywords: readonly string[]): string {
  const s = readString(v, ctx)
  if (keywords.includes(s) || DHCP_ID_RE.test(s)) return s.toLowerCase()
  fail(ctx, `invalid ${ctx.field} '${s}': expected ${keywords.join(', ')} or hex bytes separated by ':'`, v)
}

function readIpConfig(v: unknown, ctx: Ctx, family: IpFamily): IpConfig {
  const o = readObj(v, ctx)
  const own = family === 'ipv6' ? ['autoconf', 'dhcp-duid'] : ['dhcp-client-id']
  // `lease` is what show reports of a running client: read-only, accepted so that show's output applies
  const other = family === 'ipv6' ? ['dhcp-client-id'] : ['autoconf', 'dhcp-duid']
  checkKeys(o, ['enabled', 'dhcp', 'address', 'lease', ...DHCP_KEYS, ...own], ctx, (k) => {
    if (other.includes(k)) return `${ctx.field}.${k} applies to ${family === 'ipv6' ? 'ipv4' : 'ipv6'} only`
    return k.startsWith('auto-') || k.startsWith('dhcp-') || k === 'allow-extra-address' || k === 'addr-gen-mode' || k === 'token'
      ? notSupported(`${ctx.field}.${k} is not supported`)
      : undefined
  })
  const cfg = defined<IpConfig>({
    enabled: opt(o, 'enabled', ctx, readBool),
    dhcp: opt(o, 'dhcp', ctx, readBool),
    autoconf: opt(o, 'autoconf', ctx, readBool),
    autoDns: opt(o, 'auto-dns', ctx, readBool),
    autoGateway: opt(o, 'auto-gateway', ctx, readBool),
    autoRoutes: opt(o, 'auto-routes', ctx, readBool),
    autoRouteTableId: opt(o, 'auto-route-table-id', ctx, (x, c) => readInt(x, c, 0, 2 ** 32 - 1)),
    dhcpClientId: opt(o, 'dhcp-client-id', ctx, (x, c) => readDhcpId(x, c, ['ll', 'iaid+duid'])),
    dhcpDuid: opt(o, 'dhcp-duid', ctx, (x, c) => readDhcpId(x, c, ['ll', 'llt', 'uuid'])),
    addresses: opt(o, 'address', ctx, (x, c) => readAddresses(x, c, family)),
  })
  if (o['lease'] !== undefined && o['lease'] !== null) readObj(o['lease'], sub(ctx, 'lease'))
  if (cfg.enabled === false && (cfg.addresses?.length ?? 0) > 0) {
    fail(sub(ctx, 'address'), `${ctx.field} is disabled but lists addresses`)
  }
  return cfg
}

function readInfo(v: unknown, ctx: Ctx): IfaceInfo {
  const o = readObj(v, ctx)
  checkKeys(o, ['index', 'link-kind', 'oper-state', 'link', 'permanent'], ctx)
  return defined<IfaceInfo>({
    index: opt(o, 'index', ctx, (x, c) => readInt(x, c, 0, 2 ** 31 - 1)),
    linkKind: opt(o, 'link-kind', ctx, readString),
    operState: opt(o, 'oper-state', ctx, readString),
    link: opt(o, 'link', ctx, readString),
    permanent: opt(o, 'permanent', ctx, readBool),
  })
}

function keyHint(type: IfaceType): (key: string) => string | NotSupported | undefined {
  return (key) => {
    if (SECTION_BY_KEY.has(key)) return `section '${key}' does not apply to an interface of type ${type}`
    if (UNSUPPORTED_KEYS.has(key)) return notSupported(`${key} is not supported by hostnet`)
    return `unknown key '${key}'`
  }
}

/** Read section `key` into `iface`. */
function readSection(o: Obj, key: string, ctx: Ctx, iface: Iface): void {
  const own = typeDescriptor(iface.type).section
  const spec = own?.key === key ? own : SECTION_BY_KEY.get(key)!
  const c = sub(ctx, key)
  const v = o[key]
  const rec = spec.custom === true ? CUSTOM_READERS[spec.prop]!(v, c) : readTypeSection(spec, v, c)
  ;(iface as unknown as Record<string, unknown>)[spec.prop] = rec
}

/** Section keys allowed for `type`: its own, or any one of them when the type is left to the current state. */
function sectionKeys(type: IfaceType): string[] {
  if (type === 'unknown') return [...SECTION_BY_KEY.keys()]
  const key = typeDescriptor(type).section?.key
  return key === undefined ? [] : [key]
}

/** Port-side options (`bridge-port:`) as given. */
function readPortOptions(o: Obj, ctx: Ctx): Partial<Iface> {
  const out: Record<string, unknown> = {}
  for (const p of PORT_OPTION_SPECS) if (o[p.key] !== undefined) out[p.prop] = readRecord(p.fields, o[p.key], sub(ctx, p.key))
  return out as Partial<Iface>
}

/**
 * Parse `interfaces[index]`. A missing `type` is 'unknown' (resolved from the current state by the planner).
 * undefined: an entry of a type hostnet does not support, left out under skippingUnsupported (and recorded).
 */
export function readIface(v: unknown, index: number): Iface | undefined {
  const root: Ctx = { path: `/interfaces/${index}`, field: '', object: `interface #${index}` }
  const o = readObj(v, root)
  if (o['name'] === undefined) fail(root, 'name is required', v)
  const name = readIfName(o['name'], sub(root, 'name'))
  const ctx: Ctx = { ...root, object: `interface '${name}'` }
  const type = opt(o, 'type', ctx, readType) ?? 'unknown'
  const unsupported = typeDescriptor(type).unsupported
  if (unsupported !== undefined && o[unsupported.key] !== undefined && o['state'] !== 'absent') {
    const c = sub(ctx, unsupported.key)
    const message = `interfaces of type ${type} are not supported by hostnet: ${unsupported.why}`
    if (skipNotSupported(c, type, message)) return undefined
    failNotSupported(c, message, o[unsupported.key])
  }
  const allowed = sectionKeys(type)
  // the section of an unsupported type, on an absent entry: ignored, as every property of an absent entry
  checkKeys(o, [...BASE_KEYS, ...allowed, ...(unsupported === undefined ? [] : [unsupported.key])], ctx, keyHint(type))
  const given = allowed.filter((k) => o[k] !== undefined)
  if (given.length > 1) fail(sub(ctx, given[1]!), `sections '${given[0]}' and '${given[1]}' cannot both be given`)
  const iface: Iface = { name, type }
  const state = opt(o, 'state', ctx, readState)
  const rest = defined<Omit<Iface, 'name' | 'type'>>({
    mtu: opt(o, 'mtu', ctx, readMtu),
    mac: opt(o, 'mac-address', ctx, readMac),
    copyMacFrom: opt(o, 'copy-mac-from', ctx, readIfName),
    controller: o['controller'] === undefined ? undefined : readController(o['controller'], sub(ctx, 'controller')),
    ipv4: opt(o, 'ipv4', ctx, (x, c) => readIpConfig(x, c, 'ipv4')),
    ipv6: opt(o, 'ipv6', ctx, (x, c) => readIpConfig(x, c, 'ipv6')),
  })
  if (rest.mac !== undefined && rest.copyMacFrom !== undefined) fail(sub(ctx, 'copy-mac-from'), 'give either mac-address or copy-mac-from, not both')
  Object.assign(
    rest,
    readPortOptions(o, ctx),
    defined<Omit<Iface, 'name' | 'type'>>({ ovsDb: opt(o, 'ovs-db', ctx, readOvsDb), info: opt(o, 'info', ctx, readInfo) }),
  )
  if (given[0] !== undefined) readSection(o, given[0], ctx, iface)
  // nmstate: for an absent interface every property but name and type is ignored (still checked above)
  if (state === 'absent') return { name, type, state }
  return { ...iface, ...(state === undefined ? {} : { state }), ...rest }
}
