/**
 * Native OVSDB client (RFC 7047) for Open vSwitch: JSON-RPC over unix/tcp sockets, operation builders,
 * typed errors, a monitor-backed cache, reconnect with resync, settling of transactions whose answer was lost,
 * and "wait until ovs-vswitchd applied". Modelled on libovsdb: builders return plain op lists; callers send all
 * the changes of one reconcile in one `transact`.
 * @module
 */
export { parseOvsdbAddress, formatOvsdbAddress, type OvsdbAddress } from './address.js'
export * from './atoms.js'
export {
  OvsdbClient,
  type OvsdbClientOptions,
  type ReconnectOptions,
  type MonitorRequest,
  type MonitorHandlers,
  type MonitorMethod,
  type TransactOptions,
  type ClientState,
} from './client.js'
export * from './errors.js'
export { JsonStreamSplitter } from './json-splitter.js'
export { MonitorCache, type CacheEvent, type CacheListener, type RowUpdate, type TableUpdates } from './monitor-cache.js'
export { openMonitorCache, type MonitoredCache, type MonitorCacheOptions } from './monitor.js'
export { update2ToUpdates, applyMapDiff, applySetDiff, type RowUpdate2, type TableUpdates2 } from './update2.js'
export * from './ops.js'
export * from './outcome.js'
export * from './schema.js'
export * from './vswitch-ops.js'
export * from './vswitch-rows.js'
export * from './wait-applied.js'
