/**
 * Open vSwitch as part of the host-interface engine: the composite backend (kernel + OVSDB), reading and merging
 * OVS state into the host state, rendering and applying `ovs.transact` ops, OVSDB address resolution, and VMs'
 * ports (vm-ports.ts) for the port driver.
 * @module
 */
export { OvsHostBackend, OvsApplyError, defaultDatapath, type OvsHostBackendOptions, type KernelBackend } from './backend.js'
export { OvsConnections, OvsTargetClients, defaultOvsdbResolver, sandboxOvsDir, sandboxOvsAddress, SYSTEM_OVSDB_ADDRESS, OVSDB_ENV, type OvsdbResolver } from './connections.js'
export { mergeOvsState, DATAPATH_DEVICES } from './merge.js'
export { readOvsDb, snapshotFromCache, MONITORED_COLUMNS, type OvsDbSnapshot, type OvsPortRow, type OvsInterfaceRow } from './read.js'
export { renderOvsChanges, needsUuids } from './render.js'
export { transactOvsChanges, type OvsTransactOptions, type OvsTransactResult } from './transact.js'
export { ovsStatus, type OvsStatus, type OvsBridgeStatus, type OvsPortStatus } from './status.js'
export { addVmPortOps, addVmPorts, findVmPortOps, ovsVlanColumns, removeVmPortOps, removeVmPorts, type VmPort, type VmPortRef } from './vm-ports.js'
