/**
 * Step 4 of libvirt's networkAllocatePort, without the pool: how a port of the network is plugged, and whether
 * the merged virtualport type fits the forward mode (capabilities.ts `virtualPortTypes`).
 * @module
 */
import { assertNever, HostnetError } from '../../errors.js'
import type { VirtualPort } from '../netdev/virtualport.js'
import { virtualPortTypeName } from '../netdev/virtualport.js'
import { forwardCapabilities } from '../network/capabilities.js'
import type { ForwardCapabilities } from '../network/capabilities.js'
import type { NetworkDef } from '../network/network-def.js'
import { FIELD, portError } from './port-error.js'
import type { PortContext } from './port-error.js'
import type { PlugPlan } from './types.js'

/** The network's forward capabilities (mode bridge with or without a `<bridge name>`). */
export function networkCapabilities(network: NetworkDef): ForwardCapabilities {
  return forwardCapabilities(network.forward.mode, { hasBridgeName: network.bridge?.name !== undefined })
}

/**
 * Exclusive pool use (libvirt): hostdev and passthrough always, private only with an 802.1Qbh profile. An
 * exclusive port takes a device nobody uses; the others share the least used one.
 */
export function poolIsExclusive(mode: string, virtualPortType: string | undefined): boolean {
  return mode === 'hostdev' || mode === 'passthrough' || (mode === 'private' && virtualPortType === '802.1Qbh')
}

/** The virtualport type check: `<virtualport type='x'> not supported for network 'n' which uses …`. */
export function checkVirtualPortForMode(
  network: NetworkDef,
  virtualPort: VirtualPort | undefined,
  ctx: PortContext,
): void {
  if (virtualPort === undefined) return
  const caps = networkCapabilities(network)
  const type = virtualPort.type
  if (type !== undefined && caps.virtualPortTypes.includes(type)) return
  const uses = caps.usesWhat.replace(/^it /, '')
  const vpType = virtualPortTypeName(virtualPort)
  const msg = `<virtualport type='${vpType}'> not supported for network '${network.name}' which ${uses}`
  throw portError('not-supported', ctx, msg, FIELD.virtualPortType)
}

/** The plug a port of this network gets (the direct device and the PCI address come from the pool). */
export function plugPlan(network: NetworkDef, virtualPort: VirtualPort | undefined): PlugPlan {
  const caps = networkCapabilities(network)
  const mtm = network.bridge?.macTableManager
  const bridge = network.bridge?.name
  switch (caps.plug) {
    case 'network':
    case 'bridge': {
      const base = bridge === undefined ? { kind: caps.plug } : { kind: caps.plug, bridge }
      return mtm === undefined ? base : { ...base, macTableManager: mtm }
    }
    case 'direct': {
      if (caps.directMode === undefined) throw new HostnetError('bug', `no macvtap mode for forward mode ${caps.mode}`)
      return { kind: 'direct', mode: caps.directMode, exclusive: poolIsExclusive(caps.mode, virtualPort?.type) }
    }
    case 'hostdev-pci': {
      // libvirt 9.x: virTristateBoolFromBool(forward.managed), so an unmanaged pool gives managed='no'
      const out: { kind: 'hostdev-pci'; managed?: boolean; driver?: 'kvm' | 'vfio' } = {
        kind: 'hostdev-pci',
        managed: network.forward.managed === true,
      }
      if (network.forward.driver?.name !== undefined) out.driver = network.forward.driver.name
      return out
    }
    default:
      return assertNever(caps.plug, 'plug kind')
  }
}
