/**
 * The full target of one interface: the desired fields over the current ones (partial editing), or the desired
 * fields plus creation defaults for a new interface; and which changes the kernel cannot make in place.
 * @module
 */
import type { BridgeOptions, Iface, IpConfig } from '../../model/host/iface.js'
import { baseOf } from './graph.js'

/** Defaults hostnet gives a new bridge: STP off, forward delay 0 (what libvirt's networks use for VMs). */
export const NEW_BRIDGE_DEFAULTS: BridgeOptions = { stp: false, forwardDelaySec: 0 }

function targetIp(cur: IpConfig | undefined, want: IpConfig | undefined): IpConfig {
  if (want?.enabled === false) return { addresses: [] }
  return { addresses: want?.addresses ?? cur?.addresses ?? [] }
}

function newBridgeOptions(want: BridgeOptions | undefined): BridgeOptions {
  if (want?.stp === true) return { ...want }
  return { ...NEW_BRIDGE_DEFAULTS, ...want }
}

/** Type sections of `cur` with `want`'s fields over them (bridge and bond options merged key by key). */
function overlaySections(cur: Iface, want: Iface): Partial<Iface> {
  const out: Partial<Iface> = {}
  if (cur.bridge !== undefined || want.bridge !== undefined) {
    out.bridge = { options: { ...cur.bridge?.options, ...want.bridge?.options } }
  }
  if (cur.bond !== undefined || want.bond !== undefined) {
    const mode = want.bond?.mode ?? cur.bond?.mode
    const options = cur.bond?.options === undefined && want.bond?.options === undefined ? undefined : { ...cur.bond?.options, ...want.bond?.options }
    out.bond = { ...(mode === undefined ? {} : { mode }), ...(options === undefined ? {} : { options }) }
  }
  if (cur.vlan !== undefined || want.vlan !== undefined) out.vlan = { ...cur.vlan, ...want.vlan }
  if (cur.veth !== undefined || want.veth !== undefined) out.veth = { ...cur.veth, ...want.veth }
  if (cur.macvlan !== undefined || want.macvlan !== undefined) out.macvlan = { ...cur.macvlan, ...want.macvlan }
  if (cur.vxlan !== undefined || want.vxlan !== undefined) out.vxlan = { ...cur.vxlan, ...want.vxlan }
  if (cur.vrf !== undefined || want.vrf !== undefined) out.vrf = { ...cur.vrf, ...want.vrf }
  if (cur.tap !== undefined || want.tap !== undefined) out.tap = { ...cur.tap, ...want.tap }
  return out
}

function withOptional<K extends 'mtu' | 'mac'>(o: Iface, key: K, v: Iface[K]): void {
  if (v !== undefined) o[key] = v
}

/** Target of an existing interface: `want` over `cur`. `cur` must be normalized (see current.ts). */
export function overlayTarget(cur: Iface, want: Iface): Iface {
  const controller = want.controller !== undefined ? want.controller : (cur.controller ?? null)
  const t: Iface = {
    name: cur.name,
    type: cur.type,
    state: want.state ?? cur.state ?? 'down',
    controller,
    ipv4: targetIp(cur.ipv4, want.ipv4),
    ipv6: targetIp(cur.ipv6, want.ipv6),
    ...overlaySections(cur, want),
  }
  withOptional(t, 'mtu', want.mtu ?? cur.mtu)
  withOptional(t, 'mac', want.mac ?? cur.mac)
  const samePort = controller !== null && controller === (cur.controller ?? null)
  const bridgePort = samePort ? { ...cur.bridgePort, ...want.bridgePort } : want.bridgePort
  if (bridgePort !== undefined && controller !== null) t.bridgePort = bridgePort
  return t
}

/** Target of a new interface: what `want` says, state up unless said otherwise, new-bridge defaults. */
export function createTarget(want: Iface): Iface {
  const t: Iface = {
    name: want.name,
    type: want.type,
    state: want.state === 'down' ? 'down' : 'up',
    controller: want.controller ?? null,
    ipv4: targetIp(undefined, want.ipv4),
    ipv6: targetIp(undefined, want.ipv6),
    ...overlaySections({ name: want.name, type: want.type }, want),
  }
  if (t.type === 'linux-bridge') t.bridge = { options: newBridgeOptions(want.bridge?.options) }
  withOptional(t, 'mtu', want.mtu)
  withOptional(t, 'mac', want.mac)
  if (want.bridgePort !== undefined && t.controller !== null) t.bridgePort = want.bridgePort
  return t
}

/** Kernel defaults of immutable fields, so that "unset" and "the default" compare equal. */
const IMMUTABLE_DEFAULTS: Readonly<Record<string, unknown>> = {
  'vlan.protocol': '802.1q',
  'macvlan.mode': 'vepa',
  'vxlan.destinationPort': 8472,
  'vxlan.learning': true,
  'tap.mode': 'tap',
  'tap.multiQueue': false,
  'bond.mode': 'balance-rr',
}

/** Fields the kernel cannot change on a live link, per section. */
const IMMUTABLE: ReadonlyArray<readonly [section: 'vlan' | 'veth' | 'macvlan' | 'vxlan' | 'vrf' | 'tap' | 'bond', fields: readonly string[]]> = [
  ['vlan', ['baseIface', 'id', 'protocol']],
  ['veth', ['peer']],
  ['macvlan', ['baseIface', 'mode']],
  ['vxlan', ['id', 'local', 'remote', 'group', 'destinationPort', 'baseIface', 'learning']],
  ['vrf', ['tableId']],
  ['tap', ['mode', 'owner', 'group', 'multiQueue']],
  ['bond', ['mode']],
]

/**
 * The first field `want` changes that the kernel cannot change in place (e.g. `vlan.id`), or undefined.
 * Only fields `want` gives are considered: everything else keeps its current value.
 */
export function immutableChange(cur: Iface, want: Iface): string | undefined {
  for (const [section, fields] of IMMUTABLE) {
    const w = want[section] as Record<string, unknown> | undefined
    if (w === undefined) continue
    const c = (cur[section] ?? {}) as Record<string, unknown>
    for (const f of fields) {
      if (w[f] === undefined) continue
      const dflt = IMMUTABLE_DEFAULTS[`${section}.${f}`]
      if ((c[f] ?? dflt) !== (w[f] ?? dflt)) return `${section}.${f}`
    }
  }
  return undefined
}

/**
 * Target of an interface deleted and created again: `want` over `cur`, keeping the MAC (the same interface, as
 * far as guests and DHCP reservations see it); the MTU is kept only when the base interface stays the same.
 */
export function recreateTarget(cur: Iface, want: Iface): Iface {
  const t = overlayTarget({ ...cur, controller: cur.controller ?? null }, want)
  if (want.mtu === undefined && baseOf(t) !== baseOf(cur)) delete t.mtu
  return t
}
