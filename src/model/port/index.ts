/**
 * The pure core of network ports (libvirt's networkAllocatePort / NotifyPort / ReleasePort and the
 * domain ↔ port mapping), for the port driver:
 *
 * ```ts
 * const req = portRequestFromInterface(owner, iface, newUuid())          // or a parsed <networkport>
 * const a = allocatePort({ network: liveDef, active, port: req, uuidGen: newUuid, vfs, connections, floor })
 * // a.port: the <networkport> with plug and class id; a.pool / a.deviceIndex / a.networkConnections /
 * // a.floorState: the counters to persist; a.floor: the floor class to plug (backend/tc/render-floor.ts)
 * const status = interfaceWithActual(iface, a.port)                      // domain status <interface>
 * ```
 * Errors are PortErrors (a HostnetError with kind) naming the port, the network and the field.
 * @module
 */
export { allocatePort } from './allocate.js'
export type { AllocateInput, Allocation } from './allocate.js'
export {
  formatClassIdBitmap,
  nextClassId,
  normalizeClassIds,
  parseClassIdBitmap,
  RESERVED_CLASS_IDS,
} from './class-ids.js'
export { interfaceWithActual, portFromActual, portRequestFromInterface } from './domain-port.js'
export { checkFloor, planFloorPlug, planFloorUnplug, planFloorUpdate } from './floor.js'
export type { FloorCheckInput, FloorPlug, FloorUnplug, FloorUnplugInput, FloorUpdate } from './floor.js'
export { mergePortSettings, onlyApplicableParams } from './merge.js'
export type { MergedPort } from './merge.js'
export { notifyPort, releasePort } from './notify.js'
export type { PortCounters, PortStateInput, Release, ReleaseInput } from './notify.js'
export { checkVirtualPortForMode, networkCapabilities, plugPlan, poolIsExclusive } from './plug-plan.js'
export { FIELD, PortError, portError } from './port-error.js'
export type { PortContext } from './port-error.js'
export { buildPool, choosePoolDevice, findPoolDevice, poolDeviceKey, withConnections } from './pool.js'
export type { BuildPoolOptions, ChooseDeviceInput } from './pool.js'
export { completeVirtualPort, resolvePortSettings } from './resolve.js'
export type { ResolvedPort, ResolveInput } from './resolve.js'
export { INITIAL_FLOOR_STATE } from './types.js'
export type { FloorState, PlugPlan, PoolDevice, PortRequest, PortSettings, VirtualFunction } from './types.js'
