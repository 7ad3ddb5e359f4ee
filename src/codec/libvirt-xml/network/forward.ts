/**
 * `<forward mode dev managed>` with `<driver>`, `<nat>`, `<pf>` and the `<interface>` / `<address>` pool
 * (libvirt's virNetworkForwardDefParseXML and the forward part of virNetworkDefFormatBuf).
 * @module
 */
import type { XmlElement } from '../../xml/dom.js'
import { el } from '../../xml/write.js'
import type { OutElement } from '../../xml/write.js'
import { formatIp } from '../../../model/values/ip.js'
import type { Ipv4Addr } from '../../../model/values/ip.js'
import { formatPciAddress as pciText } from '../../../model/netdev/pci-address.js'
import type { PciAddress } from '../../../model/netdev/pci-address.js'
import { FORWARD_DRIVER_NAMES, forwardDev, isForwardMode } from '../../../model/network/forward.js'
import type { ForwardDriver, ForwardInterface, ForwardNat, NetworkForward } from '../../../model/network/forward.js'
import { formatPciAddress as formatPciElement, parsePciAddress } from '../netdev/pci-address.js'
import {
  childCtx,
  elements,
  fail,
  firstElement,
  parseCUnsigned,
  prop,
  propEnum,
  propYesNo,
  xpathProp,
  yesNo,
} from '../netdev/props.js'
import type { ParseContext } from '../netdev/props.js'
import { checkRange, tryParseAddrV4 } from './addr.js'

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

function natAddress(node: XmlElement, net: string, ctx: ParseContext): { start: Ipv4Addr; end: Ipv4Addr } {
  const get = (attr: 'start' | 'end'): Ipv4Addr => {
    const text = prop(node, attr)
    if (text === undefined) {
      fail(ctx, `missing '${attr}' attribute in <address> element in <nat> in <forward> in network '${net}'`, { attr })
    }
    const a = tryParseAddrV4(text)
    if (a === undefined) {
      fail(ctx, `Bad ipv4 ${attr} address '${text}' in <nat> in <forward> in network '${net}'`, { attr, value: text })
    }
    return a
  }
  const start = get('start')
  const end = get('end')
  checkRange(start, end, undefined, ctx)
  return { start, end }
}

function natPort(node: XmlElement, net: string, ctx: ParseContext): { start: number; end: number } {
  const start = parseCUnsigned(xpathProp(node, 'start') ?? '', 10, 65535)
  if (start === undefined) {
    fail(ctx, `Missing or invalid 'start' attribute in <port> in <nat> in <forward> in network '${net}'`, {
      attr: 'start',
    })
  }
  const end = parseCUnsigned(xpathProp(node, 'end') ?? '', 10, 65535)
  if (end === undefined || end < start) {
    fail(ctx, `Missing or invalid 'end' attribute in <port> in <nat> in <forward> in network '${net}'`, { attr: 'end' })
  }
  return { start, end }
}

function parseNat(node: XmlElement, mode: string, net: string, ctx: ParseContext): ForwardNat {
  if (mode !== 'nat') {
    fail(
      ctx,
      `The <nat> element can only be used when <forward> 'mode' is 'nat' in network '${net}' (mode is '${mode}')`,
    )
  }
  const nat: Mutable<ForwardNat> = {}
  const ipv6 = propYesNo(node, 'ipv6', ctx)
  if (ipv6 !== undefined) nat.ipv6 = ipv6
  const addrs = elements(node, 'address')
  if (addrs.length > 1) fail(ctx, `Only one <address> element is allowed in <nat> in <forward> in network '${net}'`)
  if (addrs[0] !== undefined) {
    const r = natAddress(addrs[0], net, childCtx(ctx, 'address'))
    nat.addressStart = r.start
    nat.addressEnd = r.end
  }
  const ports = elements(node, 'port')
  if (ports.length > 1) fail(ctx, `Only one <port> element is allowed in <nat> in <forward> in network '${net}'`)
  if (ports[0] !== undefined) {
    const r = natPort(ports[0], net, childCtx(ctx, 'port'))
    nat.portStart = r.start
    nat.portEnd = r.end
  }
  return nat
}

function parseDriver(node: XmlElement, ctx: ParseContext): ForwardDriver {
  const d: Mutable<ForwardDriver> = {}
  const name = propEnum(node, 'name', FORWARD_DRIVER_NAMES, ctx)
  if (name !== undefined) d.name = name
  const model = prop(node, 'model')
  if (model !== undefined) d.model = model
  return d
}

function parseInterfaces(nodes: XmlElement[], dev: string | undefined, net: string, ctx: ParseContext): ForwardInterface[] {
  const out: ForwardInterface[] = dev === undefined ? [] : [{ dev }]
  const seen = new Set(out.map((x) => x.dev))
  nodes.forEach((node, i) => {
    const ictx = childCtx(ctx, 'interface', i + 1)
    const d = prop(node, 'dev')
    if (d === undefined) {
      fail(ictx, `Missing required dev attribute in <forward> <interface> element of network '${net}'`, { attr: 'dev' })
    }
    if (i === 0 && dev !== undefined) {
      if (d !== dev) {
        fail(ictx, `<forward dev='${dev}'> must match first <interface dev='${d}'/> in network '${net}'`, {
          attr: 'dev',
          value: d,
        })
      }
      return
    }
    if (seen.has(d)) {
      fail(ictx, `interface '${d}' can only be listed once in network '${net}'`, { attr: 'dev', value: d })
    }
    seen.add(d)
    out.push({ dev: d })
  })
  return out
}

function parseAddresses(nodes: XmlElement[], net: string, ctx: ParseContext): PciAddress[] {
  const out: PciAddress[] = []
  const seen = new Set<string>()
  nodes.forEach((node, i) => {
    const actx = childCtx(ctx, 'address', i + 1)
    const type = prop(node, 'type')
    if (type === undefined) fail(actx, `missing address type in network '${net}'`, { attr: 'type' })
    if (type !== 'pci') {
      const known = type === 'none' || type === 'netdev'
      fail(actx, `${known ? 'unsupported' : 'unknown'} address type '${type}' in network '${net}'`, {
        attr: 'type',
        value: type,
      })
    }
    const addr = parsePciAddress(node, actx)
    const key = pciText(addr)
    if (seen.has(key)) {
      fail(actx, `PCI device '${key}' can only be listed once in network '${net}'`, { value: addr })
    }
    seen.add(key)
    out.push(addr)
  })
  return out
}

/** Parse `<forward>` of network `net`. Pool kinds follow libvirt's precedence: interfaces, else addresses, else pf. */
export function parseForward(node: XmlElement, net: string, ctx: ParseContext): NetworkForward {
  const modeText = xpathProp(node, 'mode')
  if (modeText !== undefined && !isForwardMode(modeText)) {
    fail(ctx, `unknown forwarding type '${modeText}' in network '${net}'`, { attr: 'mode', value: modeText })
  }
  const mode = modeText ?? 'nat'
  const f: Mutable<NetworkForward> = { mode, interfaces: [], addresses: [] }
  if (xpathProp(node, 'managed')?.toLowerCase() === 'yes') f.managed = true
  const driver = firstElement(node, 'driver')
  if (driver !== undefined) f.driver = parseDriver(driver, childCtx(ctx, 'driver'))
  const ifNodes = elements(node, 'interface')
  const addrNodes = elements(node, 'address')
  const pfNodes = elements(node, 'pf')
  const natNodes = elements(node, 'nat')
  if (natNodes.length > 1) fail(ctx, `Only one <nat> element is allowed in <forward> of network '${net}'`)
  if (natNodes[0] !== undefined) f.nat = parseNat(natNodes[0], mode, net, childCtx(ctx, 'nat'))
  const dev = xpathProp(node, 'dev')
  if (dev !== undefined && (addrNodes.length > 0 || pfNodes.length > 0)) {
    fail(ctx, `the <forward> 'dev' attribute cannot be used when <address> or <pf> sub-elements are present in network '${net}'`, {
      attr: 'dev',
    })
  }
  if (ifNodes.length > 0 || dev !== undefined) {
    f.interfaces = parseInterfaces(ifNodes, dev, net, ctx)
  } else if (addrNodes.length > 0) {
    f.addresses = parseAddresses(addrNodes, net, ctx)
  } else if (pfNodes.length > 1) {
    fail(ctx, `Only one <pf> element is allowed in <forward> of network '${net}'`)
  } else if (pfNodes[0] !== undefined) {
    const pf = prop(pfNodes[0], 'dev')
    if (pf === undefined) {
      fail(childCtx(ctx, 'pf'), `Missing required dev attribute in <pf> element of network '${net}'`, { attr: 'dev' })
    }
    f.pf = pf
  }
  return f
}

function formatNat(nat: ForwardNat | undefined): OutElement | undefined {
  if (nat === undefined) return undefined
  const hasAddr = nat.addressStart !== undefined || nat.addressEnd !== undefined
  const hasPort = (nat.portStart ?? 0) > 0 || (nat.portEnd ?? 0) > 0
  if (!hasAddr && !hasPort && nat.ipv6 === undefined) return undefined
  return el(
    'nat',
    [['ipv6', yesNo(nat.ipv6)]],
    [
      nat.addressStart !== undefined &&
        el('address', [['start', formatIp(nat.addressStart)], ['end', nat.addressEnd && formatIp(nat.addressEnd)]]),
      hasPort && el('port', [['start', nat.portStart ?? 0], ['end', nat.portEnd || undefined]]),
    ],
  )
}

function formatDriver(d: ForwardDriver | undefined): OutElement | undefined {
  if (d === undefined || (d.name === undefined && d.model === undefined)) return undefined
  return el('driver', [['name', d.name], ['model', d.model]])
}

/** A pool interface; its `connections` count is live state (never with the inactive flag, never 0). */
function formatInterface(i: ForwardInterface, inactive: boolean): OutElement {
  return el('interface', [
    ['dev', i.dev],
    ['connections', inactive ? undefined : i.connections || undefined],
  ])
}

/** `<forward>`; nothing for an isolated network. With `inactive`, a pool generated from a `<pf>` is left out. */
export function formatForward(f: NetworkForward, opts: { inactive: boolean }): OutElement | undefined {
  if (f.mode === 'none') return undefined
  const showPool = f.pf === undefined || !opts.inactive
  return el(
    'forward',
    [
      ['dev', forwardDev(f)],
      ['mode', f.mode],
      ['managed', f.mode === 'hostdev' ? (f.managed ? 'yes' : 'no') : undefined],
    ],
    [
      formatDriver(f.driver),
      f.mode === 'nat' && formatNat(f.nat),
      f.pf !== undefined && el('pf', [['dev', f.pf]]),
      ...(showPool ? f.interfaces.map((i) => formatInterface(i, opts.inactive)) : []),
      ...(showPool ? f.addresses.map((a) => formatPciElement(a, { withType: true })) : []),
    ],
  )
}
