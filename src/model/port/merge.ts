/**
 * Step 1-3 of libvirt's networkAllocatePort: the portgroup (§5), bandwidth, vlan, trustGuestRxFilters and
 * isolation precedence (§8-§10), and the three-level virtualport merge (§7, virNetDevVPortProfileMerge3).
 * @module
 */
import { HostnetError } from '../../errors.js'
import { selectBandwidth } from '../netdev/bandwidth.js'
import { mergeVirtualPorts, virtualPortParamApplies } from '../netdev/virtualport.js'
import type { VirtualPort, VirtualPortParam } from '../netdev/virtualport.js'
import { selectVlan } from '../netdev/vlan.js'
import type { NetworkDef } from '../network/network-def.js'
import { selectPortGroup } from '../network/portgroup.js'
import type { PortGroup } from '../network/portgroup.js'
import { FIELD, PortError } from './port-error.js'
import type { PortContext } from './port-error.js'
import type { PortSettings } from './types.js'

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

export interface MergedPort {
  readonly settings: PortSettings
  /** The portgroup whose settings were applied (the named one, or the default when none was named). */
  readonly portGroup?: PortGroup
}

const PARAM_KEYS: ReadonlyArray<readonly [VirtualPortParam, keyof VirtualPort]> = [
  ['managerid', 'managerId'],
  ['typeid', 'typeId'],
  ['typeidversion', 'typeIdVersion'],
  ['instanceid', 'instanceId'],
  ['profileid', 'profileId'],
  ['interfaceid', 'interfaceId'],
]

/**
 * A typed profile keeps only the parameters of its type: libvirt keeps the others in memory, but never formats
 * them, so they vanish in the `<networkport>` XML the hypervisor reads back.
 */
export function onlyApplicableParams(vp: VirtualPort): VirtualPort {
  if (vp.type === undefined) return vp
  const out: Mutable<VirtualPort> = { type: vp.type }
  for (const [param, key] of PARAM_KEYS) {
    const v = vp[key]
    if (v !== undefined && virtualPortParamApplies(vp.type, param)) (out as Record<string, unknown>)[key] = v
  }
  return out
}

function mergeWhere(network: NetworkDef, pg: PortGroup | undefined): string {
  return pg === undefined ? `network '${network.name}'` : `network '${network.name}' (portgroup '${pg.name}')`
}

/** Merge3, rethrown as a PortError naming the port and the mismatched parameter. */
function mergeProfiles(
  fromPort: VirtualPort | undefined,
  network: NetworkDef,
  pg: PortGroup | undefined,
  ctx: PortContext,
): VirtualPort | undefined {
  let merged: VirtualPort | undefined
  try {
    merged = mergeVirtualPorts(fromPort, network.virtualPort, pg?.virtualPort, mergeWhere(network, pg))
  } catch (e) {
    if (!(e instanceof HostnetError)) throw e
    const m = /mismatched (\w+?)s \(/.exec(e.message)
    const param = m?.[1] ?? 'type'
    const field = param === 'type' ? FIELD.virtualPortType : FIELD.virtualPortParam(param)
    throw new PortError('invalid-argument', ctx, e.message, field, e)
  }
  // Merge3 gives nothing when every level is absent or typeless: the port then keeps its own profile (libvirt
  // only replaces it with a merged one), typeless or not
  if (merged === undefined) return fromPort
  return onlyApplicableParams(merged)
}

/**
 * The port's effective settings before the forward mode is considered. An unknown portgroup name selects no
 * portgroup (not the default). The port's own bandwidth wins over the portgroup's (the network's is never
 * copied); vlan: port (with a tag) > portgroup > network; trustGuestRxFilters: port > portgroup > network (each
 * when explicit); isolatedPort: port, else the network's.
 */
export function mergePortSettings(
  network: NetworkDef,
  request: PortSettings & { group?: string },
  ctx: PortContext,
): MergedPort {
  const pg = selectPortGroup(network.portGroups, request.group)
  const out: Mutable<PortSettings> = { mac: request.mac }
  const bandwidth = selectBandwidth(request.bandwidth, pg?.bandwidth)
  if (bandwidth !== undefined) out.bandwidth = bandwidth
  const vlan = selectVlan(request.vlan, pg?.vlan, network.vlan)
  if (vlan !== undefined) out.vlan = vlan
  const trust = request.trustGuestRxFilters ?? pg?.trustGuestRxFilters ?? network.trustGuestRxFilters
  if (trust !== undefined) out.trustGuestRxFilters = trust
  const isolated = request.isolatedPort ?? network.isolatedPort
  if (isolated !== undefined) out.isolatedPort = isolated
  const vp = mergeProfiles(request.virtualPort, network, pg, ctx)
  if (vp !== undefined) out.virtualPort = vp
  return pg === undefined ? { settings: out } : { settings: out, portGroup: pg }
}
