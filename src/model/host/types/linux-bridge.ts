/**
 * `linux-bridge` (kernel kind `bridge`): a controller whose ports carry options of their own (`bridge-port`).
 *
 * ```yaml
 * bridge:
 *   options:
 *     stp: {enabled: false, forward-delay: 0, hello-time: 2, max-age: 20, priority: 32768}
 *     mac-ageing-time: 300
 *     multicast-snooping: true
 *     group-forward-mask: 0
 *   port:
 *     - name: veth0
 *       stp-hairpin-mode: false
 *       isolated: true
 * ```
 * Time values are seconds (the kernel keeps centiseconds). Bounds are the kernel's (net/bridge/br_private.h,
 * br_stp.c); forward delay 2..30 applies only with STP on (checked on the target).
 * @module
 */
import { defineType, notSupported, type Field } from './descriptor.js'

export interface BridgeOptions {
  stp?: boolean
  /** STP forward delay in seconds (kernel: centiseconds). */
  forwardDelaySec?: number
  helloTimeSec?: number
  maxAgeSec?: number
  /** Bridge priority 0..65535. */
  priority?: number
  macAgeingTimeSec?: number
  multicastSnooping?: boolean
  vlanFiltering?: boolean
  groupFwdMask?: number
}

export interface BridgePortOptions {
  hairpin?: boolean
  isolated?: boolean
  stpPathCost?: number
  stpPriority?: number
  learning?: boolean
  unicastFlood?: boolean
}

export interface BridgePort {
  name: string
  options?: BridgePortOptions
}

export interface BridgeConfig {
  options?: BridgeOptions
  /** Replaces the current port list when given. */
  ports?: BridgePort[]
}

declare module '../iface.js' {
  interface IfaceTypeMap {
    'linux-bridge': BridgeConfig
  }
  interface Iface {
    bridge?: BridgeConfig
    /** Options of this interface as a port of its Linux-bridge controller. */
    bridgePort?: BridgePortOptions
  }
}

/** Forward delays the kernel accepts while STP is on (BR_MIN/MAX_FORWARD_DELAY); any while it is off. */
export const STP_FORWARD_DELAY_MIN_SEC = 2
export const STP_FORWARD_DELAY_MAX_SEC = 30

/** Whether the kernel accepts forward delay `d` on a bridge with STP on. */
export function stpAcceptsForwardDelay(d: number): boolean {
  return d >= STP_FORWARD_DELAY_MIN_SEC && d <= STP_FORWARD_DELAY_MAX_SEC
}

/** Defaults hostnet gives a new bridge: STP off, forward delay 0 (what libvirt's networks use for VMs). */
export const NEW_BRIDGE_DEFAULTS: BridgeOptions = { stp: false, forwardDelaySec: 0 }

const int = (min: number, max: number) => ({ kind: 'int', min, max }) as const
const BOOL = { kind: 'bool' } as const

/** Options of a port (the port-side `bridge-port:` section, and each item of `bridge.port`). Kernel defaults as for a 10 Gb/s link. */
const PORT_OPTIONS: readonly Field[] = [
  { key: 'hairpin', yaml: 'stp-hairpin-mode', value: BOOL, kernelDefault: false },
  { key: 'isolated', yaml: 'isolated', value: BOOL, kernelDefault: false },
  { key: 'stpPathCost', yaml: 'stp-path-cost', value: int(1, 65535), kernelDefault: 100 },
  { key: 'stpPriority', yaml: 'stp-priority', value: int(0, 63), kernelDefault: 32 },
  { key: 'learning', yaml: 'learning', value: BOOL, kernelDefault: true },
  { key: 'unicastFlood', yaml: 'unicast-flood', value: BOOL, kernelDefault: true },
]

/** BR_GROUPFWD_RESTRICTED: 01:80:c2:00:00:00 (STP), :01 (pause) and :02 (LACP) are never forwarded. */
function groupFwdMaskProblem(n: number, field: string): string | undefined {
  return (n & 0x7) !== 0 ? `invalid ${field} ${n}: bits 0, 1 and 2 (STP, pause, LACP) cannot be forwarded` : undefined
}

/** A bridge's options (`bridge.options`), with the kernel's defaults for a new bridge (net/bridge/br_device.c, br_stp_if.c). */
export const BRIDGE_OPTIONS: readonly Field[] = [
  {
    yaml: 'stp',
    fields: [
      { key: 'stp', yaml: 'enabled', value: BOOL, kernelDefault: false },
      { key: 'forwardDelaySec', yaml: 'forward-delay', value: int(0, 30), kernelDefault: 15 },
      { key: 'helloTimeSec', yaml: 'hello-time', value: int(1, 10), kernelDefault: 2 },
      { key: 'maxAgeSec', yaml: 'max-age', value: int(6, 40), kernelDefault: 20 },
      { key: 'priority', yaml: 'priority', value: int(0, 65535), kernelDefault: 32768 },
    ],
  },
  { key: 'macAgeingTimeSec', yaml: 'mac-ageing-time', value: int(0, 1_000_000), kernelDefault: 300 },
  { key: 'multicastSnooping', yaml: 'multicast-snooping', value: BOOL, kernelDefault: true },
  { key: 'vlanFiltering', yaml: 'vlan-filtering', value: BOOL, kernelDefault: false },
  // nmstate's name; group-fwd-mask (the kernel's) is accepted too
  { key: 'groupFwdMask', yaml: 'group-forward-mask', alias: 'group-fwd-mask', value: int(0, 65535), kernelDefault: 0, check: groupFwdMaskProblem },
]

export const linuxBridge = defineType({
  type: 'linux-bridge',
  aliases: ['bridge'],
  kernelKind: 'bridge',
  creatable: true,
  section: {
    prop: 'bridge',
    key: 'bridge',
    fields: [
      { key: 'options', yaml: 'options', fields: BRIDGE_OPTIONS },
      { key: 'ports', yaml: 'port', alias: 'ports', value: { kind: 'ports', options: PORT_OPTIONS } },
    ],
    keyHint: (k) => (k === 'vlan-protocol' ? notSupported('bridge vlan-protocol is not supported') : undefined),
    checkTarget: (target: BridgeConfig, desired: BridgeConfig | undefined) => {
      const d = desired?.options?.forwardDelaySec
      if (target.options?.stp !== true || d === undefined || stpAcceptsForwardDelay(d)) return undefined
      const range = `${STP_FORWARD_DELAY_MIN_SEC}..${STP_FORWARD_DELAY_MAX_SEC}`
      return { field: 'options/stp/forward-delay', message: `forward-delay ${d} must be in ${range} while STP is enabled`, value: d }
    },
  },
  controller: {
    kernel: true,
    portsField: 'ports',
    portOptions: { prop: 'bridgePort', key: 'bridge-port', fields: PORT_OPTIONS },
    refusesPort: (portType) => (portType === 'linux-bridge' ? 'a bridge cannot be a port of bridge' : undefined),
  },
  createDefaults: (s: BridgeConfig | undefined): BridgeConfig => {
    const want = s?.options
    // with STP on, the kernel's forward delay applies
    return { options: want?.stp === true ? { ...want } : { ...NEW_BRIDGE_DEFAULTS, ...want } }
  },
})
