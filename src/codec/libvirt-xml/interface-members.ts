/**
 * The type-specific parts of a host-interface document: `<bridge>` (stp, delay, bare members), `<bond>` (mode,
 * miimon or arpmon, bare ethernet slaves) and `<vlan tag><interface name/></vlan>`, following libvirt's
 * interface_conf.c. Member `<interface>` elements are parsed by the caller's `parseMember` (to avoid a module
 * cycle with interface.ts).
 * @module
 */
import type { XmlElement } from '../xml/dom.js'
import { el } from '../xml/write.js'
import type { OutElement, OutNode } from '../xml/write.js'
import { formatIp, tryParseIpv4 } from '../../model/values/ip.js'
import { userIfNameProblem } from '../../model/values/ifname.js'
import { cut } from '../../errors.js'
import type { IfName } from '../../model/values/ifname.js'
import { parseVlanId } from '../../model/values/vlan-id.js'
import { assertNever, HostnetError } from '../../errors.js'
import { ARP_VALIDATES, BOND_MODES, MII_CARRIERS } from '../../model/iface-xml/interface-def.js'
import type {
  ArpValidate,
  BondMode,
  BondMonitor,
  BondSettings,
  BridgeMember,
  BridgeSettings,
  EthernetInterface,
  MiiCarrier,
  VlanSettings,
} from '../../model/iface-xml/interface-def.js'
import { childCtx, elements, fail, firstElement, parseCUnsigned, prop, xpathProp } from './netdev/props.js'
import type { ParseContext } from './netdev/props.js'

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/** Parses one member `<interface>` (index is 1-based among the parent's `<interface>` children). */
export type MemberParser<T> = (node: XmlElement, ctx: ParseContext) => T

const INT_MAX = 0x7fffffff

/** A kernel interface name from attribute `attr`, or a ValidationError naming it and the object. */
export function checkIfName(text: string, what: string, ctx: ParseContext, attr: string): IfName {
  const problem = userIfNameProblem(text)
  if (problem !== undefined) fail(ctx, `invalid ${what} '${cut(text)}': ${problem}`, { attr, value: text })
  return text as IfName
}

/** `string(./x/@attr)` as an int (libvirt's virXPathInt; we require it to be non-negative, as the schema does). */
function xpathUInt(node: XmlElement | undefined, attr: string, ctx: ParseContext, message: string): number | undefined {
  const text = xpathProp(node, attr)
  if (text === undefined) return undefined
  const n = parseCUnsigned(text, 10, INT_MAX)
  if (n === undefined) fail(ctx, `${message} '${text}'`, { attr, value: text })
  return n
}

function xpathEnum<T extends string>(
  node: XmlElement | undefined,
  attr: string,
  values: readonly T[],
  ctx: ParseContext,
  what: string,
): T | undefined {
  const text = xpathProp(node, attr)
  if (text === undefined) return undefined
  if (!(values as readonly string[]).includes(text)) fail(ctx, `unknown ${what} '${text}'`, { attr, value: text })
  return text as T
}

// ---- bridge ----

const DELAY_RE = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/
const DELAY_MAX_SEC = 1e9

function parseDelay(text: string, ctx: ParseContext): number {
  const n = DELAY_RE.test(text) ? Number(text) : NaN
  if (!(n >= 0 && n <= DELAY_MAX_SEC)) {
    fail(ctx, `invalid bridge forward delay '${text}': expected seconds >= 0`, { attr: 'delay', value: text })
  }
  return n
}

/** Seconds as a plain decimal (no exponent), at most 9 fraction digits. */
export function formatDelaySec(sec: number): string {
  return sec.toFixed(9).replace(/\.?0+$/, '')
}

export function parseBridgeSettings(
  node: XmlElement,
  parseMember: MemberParser<BridgeMember>,
  ctx: ParseContext,
): BridgeSettings {
  const out: Mutable<BridgeSettings> = { members: [] }
  const stp = prop(node, 'stp')
  if (stp !== undefined) {
    // libvirt reports this error but (by a bug) still accepts the document; we reject it
    if (stp !== 'on' && stp !== 'off') {
      fail(ctx, `bridge interface stp should be on or off got '${stp}'`, { attr: 'stp', value: stp })
    }
    out.stp = stp === 'on'
  }
  const delay = prop(node, 'delay')
  if (delay !== undefined) out.delaySec = parseDelay(delay, ctx)
  out.members = elements(node, 'interface').map((m, i) => parseMember(m, childCtx(ctx, 'interface', i + 1)))
  return out
}

export function formatBridgeSettings(b: BridgeSettings, members: readonly OutNode[]): OutElement {
  const attrs: Array<[string, string | undefined]> = [
    ['stp', b.stp === undefined ? undefined : b.stp ? 'on' : 'off'],
    ['delay', b.delaySec === undefined ? undefined : formatDelaySec(b.delaySec)],
  ]
  return el('bridge', attrs, members, { neverSelfClose: true })
}

// ---- bond ----

function parseMiimon(node: XmlElement, ctx: ParseContext): BondMonitor {
  const freqMs = xpathUInt(node, 'freq', ctx, 'bond interface miimon freq missing or invalid:')
  if (freqMs === undefined) fail(ctx, 'bond interface miimon freq missing or invalid', { attr: 'freq' })
  const mon: Mutable<BondMonitor & { kind: 'miimon' }> = { kind: 'miimon', freqMs }
  const down = xpathUInt(node, 'downdelay', ctx, 'bond interface miimon downdelay invalid:')
  if (down) mon.downDelayMs = down
  const up = xpathUInt(node, 'updelay', ctx, 'bond interface miimon updelay invalid:')
  if (up) mon.upDelayMs = up
  const carrier = xpathEnum<MiiCarrier>(node, 'carrier', MII_CARRIERS, ctx, 'mii bonding carrier')
  if (carrier !== undefined) mon.carrier = carrier
  return mon
}

function parseArpmon(node: XmlElement, ctx: ParseContext): BondMonitor {
  const intervalMs = xpathUInt(node, 'interval', ctx, 'bond interface arpmon interval missing or invalid:')
  if (intervalMs === undefined) fail(ctx, 'bond interface arpmon interval missing or invalid', { attr: 'interval' })
  const targetText = xpathProp(node, 'target')
  if (targetText === undefined) fail(ctx, 'bond interface arpmon target missing', { attr: 'target' })
  const v4 = tryParseIpv4(targetText)
  if (v4 === undefined) {
    fail(ctx, `invalid bond interface arpmon target '${targetText}': expected an IPv4 address`, {
      attr: 'target',
      value: targetText,
    })
  }
  const target = { family: 'ipv4', value: v4 } as const
  const mon: Mutable<BondMonitor & { kind: 'arpmon' }> = { kind: 'arpmon', intervalMs, target }
  const validate = xpathEnum<ArpValidate>(node, 'validate', ARP_VALIDATES, ctx, 'arp bonding validate')
  if (validate !== undefined) mon.validate = validate
  return mon
}

export function parseBondSettings(
  node: XmlElement,
  parseSlave: MemberParser<EthernetInterface>,
  ctx: ParseContext,
): BondSettings {
  const out: Mutable<BondSettings> = { slaves: [] }
  const mode = xpathEnum<BondMode>(node, 'mode', BOND_MODES, ctx, 'bonding mode')
  if (mode !== undefined) out.mode = mode
  out.slaves = elements(node, 'interface').map((m, i) => parseSlave(m, childCtx(ctx, 'interface', i + 1)))
  if (out.slaves.length === 0) {
    fail(ctx, 'bond interface has no slave interfaces (at least one <interface> is required)')
  }
  const miimon = firstElement(node, 'miimon')
  const arpmon = firstElement(node, 'arpmon')
  if (miimon !== undefined && arpmon !== undefined) {
    fail(ctx, 'bond interface can use either <miimon> or <arpmon>, not both')
  }
  if (miimon !== undefined) out.monitor = parseMiimon(miimon, childCtx(ctx, 'miimon'))
  else if (arpmon !== undefined) out.monitor = parseArpmon(arpmon, childCtx(ctx, 'arpmon'))
  return out
}

function formatMonitor(m: BondMonitor | undefined): OutElement | undefined {
  if (m === undefined) return undefined
  switch (m.kind) {
    case 'miimon':
      return el('miimon', [
        ['freq', m.freqMs],
        ['downdelay', m.downDelayMs || undefined],
        ['updelay', m.upDelayMs || undefined],
        ['carrier', m.carrier],
      ])
    case 'arpmon':
      return el('arpmon', [['interval', m.intervalMs], ['target', formatIp(m.target)], ['validate', m.validate]])
    default:
      return assertNever(m, 'bond monitor')
  }
}

export function formatBondSettings(b: BondSettings, slaves: readonly OutNode[]): OutElement {
  return el('bond', [['mode', b.mode]], [formatMonitor(b.monitor), ...slaves], { neverSelfClose: true })
}

// ---- vlan ----

export function parseVlanSettings(node: XmlElement, ctx: ParseContext): VlanSettings {
  const tagText = xpathProp(node, 'tag')
  if (tagText === undefined) fail(ctx, 'vlan interface misses the tag attribute', { attr: 'tag' })
  let tag
  try {
    tag = parseVlanId(tagText, 'vlan tag')
  } catch (e) {
    if (e instanceof HostnetError) fail(ctx, e.message, { attr: 'tag', value: tagText })
    throw e
  }
  const dev = firstElement(node, 'interface')
  const parentText = xpathProp(dev, 'name')
  if (parentText === undefined) {
    fail(childCtx(ctx, 'interface'), 'vlan interface misses name attribute', { attr: 'name' })
  }
  const parent = checkIfName(parentText, 'vlan parent interface name', childCtx(ctx, 'interface'), 'name')
  return { tag, parent }
}

export function formatVlanSettings(v: VlanSettings): OutElement {
  return el('vlan', [['tag', v.tag]], [el('interface', [['name', v.parent]])])
}
