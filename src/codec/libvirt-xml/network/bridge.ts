/**
 * `<bridge>`, `<mtu>`, `<mac>` and `<domain>` of a network, and libvirt's parse-time rules tying them (and the
 * device pool) to the forward mode (the switch at the end of virNetworkDefParseXML).
 * @module
 */
import type { XmlElement } from '../../xml/dom.js'
import { el } from '../../xml/write.js'
import type { OutElement } from '../../xml/write.js'
import { isMulticastMac, tryParseMac } from '../../../model/values/mac.js'
import type { MacAddr } from '../../../model/values/mac.js'
import { isL3ForwardMode } from '../../../model/network/forward.js'
import type { NetworkForward } from '../../../model/network/forward.js'
import { MAC_TABLE_MANAGERS } from '../../../model/network/network-def.js'
import type { MacTableManager, NetworkBridge, NetworkDomain } from '../../../model/network/network-def.js'
import { childCtx, fail, parseCUnsigned, prop, propYesNo, xpathProp, yesNo } from '../netdev/props.js'
import type { ParseContext } from '../netdev/props.js'

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

export function parseBridge(node: XmlElement, net: string, ctx: ParseContext): NetworkBridge {
  const b: Mutable<NetworkBridge> = {}
  const name = xpathProp(node, 'name')
  if (name !== undefined) b.name = name
  const zone = xpathProp(node, 'zone')
  if (zone !== undefined) b.zone = zone
  const stp = xpathProp(node, 'stp')
  if (stp !== undefined) b.stp = stp !== 'off'
  const delay = xpathProp(node, 'delay')
  if (delay !== undefined) {
    const d = parseCUnsigned(delay, 10, Number.MAX_SAFE_INTEGER)
    if (d === undefined) {
      fail(ctx, `Invalid delay value '${delay}' in network '${net}'`, { attr: 'delay', value: delay })
    }
    b.delaySec = d
  }
  const mtm = xpathProp(node, 'macTableManager')
  if (mtm !== undefined) {
    if (!(MAC_TABLE_MANAGERS as readonly string[]).includes(mtm)) {
      fail(ctx, `Invalid macTableManager setting '${mtm}' in network '${net}'`, { attr: 'macTableManager', value: mtm })
    }
    b.macTableManager = mtm as MacTableManager
  }
  return b
}

export function parseBridgeMac(node: XmlElement, net: string, ctx: ParseContext): MacAddr | undefined {
  const text = xpathProp(node, 'address')
  if (text === undefined) return undefined
  const mac = tryParseMac(text)
  if (mac === undefined) {
    fail(ctx, `Invalid bridge mac address '${text}' in network '${net}'`, { attr: 'address', value: text })
  }
  if (isMulticastMac(mac)) {
    fail(ctx, `Invalid multicast bridge mac address '${text}' in network '${net}'`, { attr: 'address', value: text })
  }
  return mac
}

/** `string(./mtu/@size)`: the first `<mtu>` that has a non-empty size. 0 means unset. */
export function parseMtu(root: XmlElement, net: string, ctx: ParseContext): number | undefined {
  let i = 0
  for (const c of root.children) {
    if (c.type !== 'element' || c.name !== 'mtu') continue
    i++
    const size = xpathProp(c, 'size')
    if (size === undefined) continue
    const n = parseCUnsigned(size, 10, 0xffffffff)
    if (n === undefined) {
      fail(childCtx(ctx, 'mtu', i), `Invalid mtu size '${size}' in network '${net}'`, { attr: 'size', value: size })
    }
    return n > 0 ? n : undefined
  }
  return undefined
}

export function parseDomain(node: XmlElement, net: string, ctx: ParseContext): NetworkDomain | undefined {
  const name = prop(node, 'name')
  const localOnly = propYesNo(node, 'localOnly', ctx)
  const register = propYesNo(node, 'register', ctx)
  if (register === true && localOnly !== true) {
    fail(ctx, `attribute 'register=yes' in <domain> element requires 'localOnly=yes' in network '${net}'`, {
      attr: 'register',
    })
  }
  if (name === undefined) return undefined
  const d: Mutable<NetworkDomain> = { name }
  if (localOnly !== undefined) d.localOnly = localOnly
  if (register !== undefined) d.register = register
  return d
}

export interface ModeRuleInput {
  net: string
  forward: NetworkForward
  bridge: NetworkBridge | undefined
  ipCount: number
  mtu: number | undefined
}

/** private/vepa/passthrough/hostdev use no bridge device at all. */
function checkNoBridgeDevice(x: ModeRuleInput, bctx: ParseContext): void {
  const { net, bridge } = x
  const mode = x.forward.mode
  if (bridge?.name !== undefined) {
    fail(bctx, `bridge name not allowed in ${mode} mode (network '${net}')`, { attr: 'name' })
  }
  if (bridge?.zone !== undefined) {
    fail(bctx, `bridge zone not allowed in ${mode} mode (network '${net}')`, { attr: 'zone' })
  }
  if (bridge?.macTableManager !== undefined) {
    fail(bctx, `bridge macTableManager setting not allowed in ${mode} mode (network '${net}')`, {
      attr: 'macTableManager',
    })
  }
}

/** Modes whose bridge (if any) libvirt does not manage: no stp/delay/zone, and a bridge name excludes a pool. */
function checkNonL3Bridge(x: ModeRuleInput, ctx: ParseContext, bctx: ParseContext): void {
  const { net, bridge, forward: f } = x
  const mode = f.mode
  if ((bridge?.delaySec ?? 0) > 0 || bridge?.stp !== undefined || bridge?.zone !== undefined) {
    fail(
      bctx,
      `bridge delay/stp/zone options only allowed in open, route, nat, and isolated mode, not in ${mode} (network '${net}')`,
    )
  }
  if (bridge?.name !== undefined && (f.interfaces.length + f.addresses.length > 0 || f.pf !== undefined)) {
    fail(
      ctx,
      `A network with forward mode='${mode}' can specify a bridge name or a forward dev, but not both (network '${net}')`,
    )
  }
}

/** libvirt's parse-time consistency rules between the forward mode and the rest of the definition. */
export function checkForwardModeRules(x: ModeRuleInput, ctx: ParseContext): void {
  const { net, forward: f } = x
  const mode = f.mode
  const fctx = childCtx(ctx, 'forward')
  const bctx = childCtx(ctx, 'bridge')
  const poolSize = f.interfaces.length + f.addresses.length
  switch (mode) {
    case 'none':
      break
    case 'nat':
    case 'route':
    case 'open':
      if (x.ipCount === 0) {
        fail(fctx, `${mode} forwarding requested, but no IP address provided for network '${net}'`, { attr: 'mode' })
      }
      if (mode === 'open' && poolSize > 0) {
        fail(fctx, `forward dev not allowed for network '${net}' with forward mode='${mode}'`, { attr: 'dev' })
      }
      if (poolSize > 1) {
        fail(fctx, `multiple forwarding interfaces specified for network '${net}', only one is supported`)
      }
      break
    case 'private':
    case 'vepa':
    case 'passthrough':
    case 'hostdev':
      checkNoBridgeDevice(x, bctx)
      checkNonL3Bridge(x, ctx, bctx)
      break
    case 'bridge':
      checkNonL3Bridge(x, ctx, bctx)
      break
  }
  if (x.mtu !== undefined && !isL3ForwardMode(mode)) {
    fail(
      childCtx(ctx, 'mtu'),
      `mtu size only allowed in open, route, nat, and isolated mode, not in ${mode} (network '${net}')`,
    )
  }
}

/** `<bridge>`: always for the L3 modes (with stp and delay), otherwise only with a name or macTableManager. */
export function formatBridge(bridge: NetworkBridge | undefined, forward: NetworkForward): OutElement | undefined {
  const l3 = isL3ForwardMode(forward.mode)
  if (!l3 && bridge?.name === undefined && bridge?.macTableManager === undefined) return undefined
  return el('bridge', [
    ['name', bridge?.name],
    ['zone', bridge?.zone],
    ['stp', l3 ? ((bridge?.stp ?? true) ? 'on' : 'off') : undefined],
    ['delay', l3 ? (bridge?.delaySec ?? 0) : undefined],
    ['macTableManager', bridge?.macTableManager],
  ])
}

export function formatDomain(d: NetworkDomain | undefined): OutElement | undefined {
  if (d === undefined) return undefined
  return el('domain', [['name', d.name], ['localOnly', yesNo(d.localOnly)], ['register', yesNo(d.register)]])
}
