/**
 * What each forward mode supports (spec §2 table): how ports are plugged, which parts of the definition apply,
 * which virtualport types a port may end up with. Port allocation and define-time validation read this table
 * instead of repeating mode switches.
 * @module
 */
import { assertNever } from '../../errors.js'
import type { VirtualPortType } from '../netdev/virtualport.js'
import type { ForwardMode } from './forward.js'

/** How a port of the network is plugged (networkport `<plug type>`). */
export type PlugKind = 'network' | 'bridge' | 'direct' | 'hostdev-pci'

export interface ForwardCapabilities {
  readonly mode: ForwardMode
  readonly plug: PlugKind
  /** libvirt creates the bridge and runs addressing, DHCP, DNS (ip, dns, domain, mac allowed). */
  readonly l3: boolean
  /** libvirt installs firewall rules for the network. */
  readonly firewall: boolean
  /** `<bridge name>`: generated when absent, optional, or forbidden. */
  readonly bridgeName: 'auto' | 'optional' | 'forbidden'
  /** `<bridge stp delay zone>` may be given. */
  readonly bridgeStpDelayZone: boolean
  readonly macTableManager: boolean
  readonly mtu: boolean
  /** The device pool: none allowed (open), at most one restricting firewall rules (nat/route), or devices. */
  readonly pool: 'none' | 'one-restricting' | 'netdevs-or-pf' | 'pci-or-pf' | 'forbidden'
  /** Each pool device serves one port at a time. */
  readonly exclusivePool: boolean
  /** Network-wide and portgroup `<bandwidth>`. */
  readonly bandwidth: boolean
  /** Ports may request an inbound `floor`. */
  readonly floor: boolean
  /** vlan tagging: always, never, or only with an Open vSwitch virtualport. */
  readonly vlan: 'yes' | 'no' | 'openvswitch'
  /** virtualport types a merged port profile may have; an empty list means none at all. */
  readonly virtualPortTypes: readonly VirtualPortType[]
  /** macvtap mode for direct plugs. */
  readonly directMode?: 'bridge' | 'private' | 'vepa' | 'passthrough'
  /** Why a virtualport type is refused (libvirt's wording: IP forwarding, a bridge device, ...). */
  readonly usesWhat: string
}

const L3: Omit<ForwardCapabilities, 'mode' | 'firewall' | 'pool'> = {
  plug: 'network',
  l3: true,
  bridgeName: 'auto',
  bridgeStpDelayZone: true,
  macTableManager: true,
  mtu: true,
  exclusivePool: false,
  bandwidth: true,
  floor: true,
  vlan: 'no',
  virtualPortTypes: [],
  usesWhat: 'it uses IP forwarding',
}

const DIRECT: Omit<ForwardCapabilities, 'mode' | 'exclusivePool' | 'directMode' | 'vlan'> = {
  plug: 'direct',
  l3: false,
  firewall: false,
  bridgeName: 'forbidden',
  bridgeStpDelayZone: false,
  macTableManager: false,
  mtu: false,
  pool: 'netdevs-or-pf',
  bandwidth: false,
  floor: false,
  virtualPortTypes: ['802.1Qbg', '802.1Qbh'],
  usesWhat: 'it uses a macvtap device',
}

/**
 * Capabilities of a forward mode. Mode `bridge` has two forms: with `<bridge name>` (an existing host or Open
 * vSwitch bridge; pass `hasBridgeName: true`) and without (macvtap in bridge mode over a device pool).
 */
export function forwardCapabilities(mode: ForwardMode, opts: { hasBridgeName?: boolean } = {}): ForwardCapabilities {
  // port allocation asks for every port: the table is built once per (mode, form) and shared (it is read-only)
  const key = opts.hasBridgeName === true && mode === 'bridge' ? 'bridge+name' : mode
  let caps = computed.get(key)
  if (caps === undefined) {
    caps = buildCapabilities(mode, opts.hasBridgeName === true)
    computed.set(key, caps)
  }
  return caps
}

const computed = new Map<string, ForwardCapabilities>()

function buildCapabilities(mode: ForwardMode, hasBridgeName: boolean): ForwardCapabilities {
  switch (mode) {
    case 'none':
      return { ...L3, mode, firewall: true, pool: 'none' }
    case 'nat':
    case 'route':
      return { ...L3, mode, firewall: true, pool: 'one-restricting' }
    case 'open':
      return { ...L3, mode, firewall: false, pool: 'forbidden' }
    case 'bridge':
      if (hasBridgeName) {
        return {
          ...DIRECT,
          mode,
          plug: 'bridge',
          bridgeName: 'optional',
          macTableManager: true,
          pool: 'forbidden',
          exclusivePool: false,
          bandwidth: true,
          vlan: 'openvswitch',
          virtualPortTypes: ['openvswitch'],
          usesWhat: 'it uses a bridge device',
        }
      }
      return {
        ...DIRECT,
        mode,
        bridgeName: 'optional',
        macTableManager: true,
        exclusivePool: false,
        vlan: 'no',
        directMode: 'bridge',
      }
    case 'private':
    case 'vepa':
      return { ...DIRECT, mode, exclusivePool: false, vlan: 'no', directMode: mode }
    case 'passthrough':
      return { ...DIRECT, mode, exclusivePool: true, vlan: 'yes', directMode: mode }
    case 'hostdev':
      return {
        ...DIRECT,
        mode,
        plug: 'hostdev-pci',
        pool: 'pci-or-pf',
        exclusivePool: true,
        vlan: 'yes',
        usesWhat: 'it uses an SR-IOV Virtual Function via PCI passthrough',
      }
    default:
      return assertNever(mode, 'forward mode')
  }
}
