/**
 * `bridge:` (linux-bridge) and `bridge-port:` sections.
 *
 * ```yaml
 * bridge:
 *   options:
 *     stp: {enabled: false, forward-delay: 0, hello-time: 2, max-age: 20, priority: 32768}
 *     mac-ageing-time: 300
 *     multicast-snooping: true
 *     group-fwd-mask: 0
 *   port:
 *     - name: veth0
 *       stp-hairpin-mode: false
 *       isolated: true
 * ```
 * @module
 */
import type { BridgeConfig, BridgeOptions, BridgePort, BridgePortOptions } from '../../model/host/iface.js'
import { checkKeys, defined, fail, isEmpty, notSupported, opt, readBool, readInt, readList, readObj, sub } from './fields.js'
import type { Ctx, Obj } from './fields.js'
import { readIfName } from './values.js'

/** Kernel bounds (net/bridge/br_private.h, br_stp.c). Forward delay 2..30 applies only with STP on. */
export const BRIDGE_LIMITS = {
  forwardDelaySec: [0, 30],
  helloTimeSec: [1, 10],
  maxAgeSec: [6, 40],
  priority: [0, 65535],
  macAgeingTimeSec: [0, 1_000_000],
  groupFwdMask: [0, 65535],
  stpPathCost: [1, 65535],
  stpPriority: [0, 63],
} as const

const PORT_OPTION_KEYS = ['stp-hairpin-mode', 'isolated', 'stp-path-cost', 'stp-priority', 'learning', 'unicast-flood'] as const

function readStp(v: unknown, ctx: Ctx): BridgeOptions {
  const o = readObj(v, ctx)
  checkKeys(o, ['enabled', 'forward-delay', 'hello-time', 'max-age', 'priority'], ctx)
  const L = BRIDGE_LIMITS
  return defined<BridgeOptions>({
    stp: opt(o, 'enabled', ctx, readBool),
    forwardDelaySec: opt(o, 'forward-delay', ctx, (x, c) => readInt(x, c, ...L.forwardDelaySec)),
    helloTimeSec: opt(o, 'hello-time', ctx, (x, c) => readInt(x, c, ...L.helloTimeSec)),
    maxAgeSec: opt(o, 'max-age', ctx, (x, c) => readInt(x, c, ...L.maxAgeSec)),
    priority: opt(o, 'priority', ctx, (x, c) => readInt(x, c, ...L.priority)),
  })
}

function readGroupFwdMask(v: unknown, ctx: Ctx): number {
  const n = readInt(v, ctx, ...BRIDGE_LIMITS.groupFwdMask)
  // BR_GROUPFWD_RESTRICTED: 01:80:c2:00:00:00 (STP), :01 (pause) and :02 (LACP) are never forwarded
  if ((n & 0x7) !== 0) fail(ctx, `invalid ${ctx.field} ${n}: bits 0, 1 and 2 (STP, pause, LACP) cannot be forwarded`, v)
  return n
}

export function readBridgeOptions(v: unknown, ctx: Ctx): BridgeOptions {
  const o = readObj(v, ctx)
  checkKeys(o, ['stp', 'mac-ageing-time', 'multicast-snooping', 'vlan-filtering', 'group-fwd-mask'], ctx)
  return {
    ...(opt(o, 'stp', ctx, readStp) ?? {}),
    ...defined<BridgeOptions>({
      macAgeingTimeSec: opt(o, 'mac-ageing-time', ctx, (x, c) => readInt(x, c, ...BRIDGE_LIMITS.macAgeingTimeSec)),
      multicastSnooping: opt(o, 'multicast-snooping', ctx, readBool),
      vlanFiltering: opt(o, 'vlan-filtering', ctx, readBool),
      groupFwdMask: opt(o, 'group-fwd-mask', ctx, readGroupFwdMask),
    }),
  }
}

function portOptions(o: Obj, ctx: Ctx): BridgePortOptions {
  const L = BRIDGE_LIMITS
  return defined<BridgePortOptions>({
    hairpin: opt(o, 'stp-hairpin-mode', ctx, readBool),
    isolated: opt(o, 'isolated', ctx, readBool),
    stpPathCost: opt(o, 'stp-path-cost', ctx, (x, c) => readInt(x, c, ...L.stpPathCost)),
    stpPriority: opt(o, 'stp-priority', ctx, (x, c) => readInt(x, c, ...L.stpPriority)),
    learning: opt(o, 'learning', ctx, readBool),
    unicastFlood: opt(o, 'unicast-flood', ctx, readBool),
  })
}

/** The port-side `bridge-port:` section (options of this interface as a port of its bridge). */
export function readBridgePortSection(v: unknown, ctx: Ctx): BridgePortOptions {
  const o = readObj(v, ctx)
  checkKeys(o, PORT_OPTION_KEYS, ctx)
  return portOptions(o, ctx)
}

function readBridgePort(v: unknown, ctx: Ctx): BridgePort {
  const o = readObj(v, ctx)
  checkKeys(o, ['name', ...PORT_OPTION_KEYS], ctx)
  if (o['name'] === undefined) fail(ctx, `${ctx.field} needs a name`, v)
  const name = readIfName(o['name'], sub(ctx, 'name'))
  const options = portOptions(o, ctx)
  return isEmpty(options) ? { name } : { name, options }
}

export function readBridge(v: unknown, ctx: Ctx): BridgeConfig {
  const o = readObj(v, ctx)
  checkKeys(o, ['options', 'port', 'ports'], ctx, (k) => (k === 'vlan-protocol' ? notSupported('bridge vlan-protocol is not supported') : undefined))
  if (o['port'] !== undefined && o['ports'] !== undefined) fail(sub(ctx, 'ports'), `give either ${ctx.field}.port or ${ctx.field}.ports, not both`)
  const key = o['ports'] !== undefined ? 'ports' : 'port'
  const ports = opt(o, key, ctx, (x, c) => readList(x, c).map((p, i) => readBridgePort(p, sub(c, i))))
  return defined<BridgeConfig>({ options: opt(o, 'options', ctx, readBridgeOptions), ports })
}
