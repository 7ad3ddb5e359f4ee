/**
 * `resolvePortSettings`: the effective settings of a port on a network and how it is plugged, without touching
 * a device pool — libvirt's networkAllocatePort minus the pool: portgroup selection, precedence, Merge3, the
 * virtualport type check for the forward mode, the floor check against the network's inbound QoS and the floors
 * already granted, and CheckComplete with generated instanceid/interfaceid. `allocatePort` (./allocate.ts)
 * adds the active check, the pool device and the resulting `<networkport>`.
 * @module
 */
import { HostnetError } from '../../errors.js'
import { checkVirtualPortComplete } from '../netdev/virtualport.js'
import type { VirtualPort } from '../netdev/virtualport.js'
import type { NetworkDef } from '../network/network-def.js'
import type { Uuid } from '../values/uuid.js'
import { planFloorPlug } from './floor.js'
import type { FloorPlug } from './floor.js'
import { mergePortSettings } from './merge.js'
import { FIELD, PortError } from './port-error.js'
import type { PortContext } from './port-error.js'
import { checkVirtualPortForMode, plugPlan } from './plug-plan.js'
import { INITIAL_FLOOR_STATE } from './types.js'
import type { FloorState, PlugPlan, PortSettings } from './types.js'

export interface ResolveInput {
  network: NetworkDef
  /** `<source portgroup>` / `<group>`: unknown names select no portgroup; none selects the default one. */
  portgroupName?: string | undefined
  port: PortSettings
  /** Generates a missing 802.1Qbg instanceid or openvswitch interfaceid. */
  uuidGen: () => Uuid
  /** Names the port in errors (default `(new)`). */
  portUuid?: string
  /** The network's floor accounting (default: nothing granted yet). */
  floor?: FloorState
}

export interface ResolvedPort {
  readonly settings: PortSettings
  /** The portgroup whose settings were applied. */
  readonly portGroup?: string
  readonly plug: PlugPlan
  /** Present when the port's floor is accounted on the network. */
  readonly floor?: FloorPlug
}

/** CheckComplete with generation, as a PortError naming the missing parameter. */
export function completeVirtualPort(
  vp: VirtualPort | undefined,
  uuidGen: () => Uuid,
  ctx: PortContext,
): VirtualPort | undefined {
  if (vp === undefined) return undefined
  try {
    return checkVirtualPortComplete(vp, { generateUuid: uuidGen, where: `network '${ctx.network}'` })
  } catch (e) {
    if (!(e instanceof HostnetError)) throw e
    const param = /^missing (\w+) /.exec(e.message)?.[1] ?? 'type'
    throw new PortError('invalid-argument', ctx, e.message, FIELD.virtualPortParam(param), e)
  }
}

export function resolvePortSettings(input: ResolveInput): ResolvedPort {
  const { network } = input
  const ctx: PortContext = { portUuid: input.portUuid ?? '(new)', network: network.name }
  const request = input.portgroupName === undefined ? input.port : { ...input.port, group: input.portgroupName }
  const merged = mergePortSettings(network, request, ctx)
  const vp = merged.settings.virtualPort
  checkVirtualPortForMode(network, vp, ctx)
  const state = input.floor ?? INITIAL_FLOOR_STATE
  const { mac, bandwidth } = merged.settings
  const floor = planFloorPlug({ network, mac, bandwidth, state, port: ctx })
  const complete = completeVirtualPort(vp, input.uuidGen, ctx)
  const settings = complete === undefined ? merged.settings : { ...merged.settings, virtualPort: complete }
  const out: { -readonly [K in keyof ResolvedPort]: ResolvedPort[K] } = { settings, plug: plugPlan(network, vp) }
  if (merged.portGroup !== undefined) out.portGroup = merged.portGroup.name
  if (floor !== undefined) out.floor = floor
  return out
}
