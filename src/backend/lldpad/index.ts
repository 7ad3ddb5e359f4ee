/**
 * lldpad, the LLDP agent that runs EVB and VDP (802.1Qbg) for a host: which lldpad serves a target.
 * @module
 */
export { lldpadNetlinkPort, lldpadPids, targetNetnsPath } from './discover.js'
export type { DiscoverOptions } from './discover.js'
