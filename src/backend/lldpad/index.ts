/**
 * lldpad, the LLDP agent that runs EVB and VDP (802.1Qbg) for a host: which lldpad serves a target (its pid is
 * its netlink port for VSI requests), EVB set-up on an interface of a running lldpad (lldptool, read back), and
 * a private lldpad per network namespace (own mount and IPC namespace) with its configuration file.
 * @module
 */
export { checkEvbInterface, DEFAULT_EVB_TIMERS, renderLldpadConf } from './config.js'
export type { EvbInterface, EvbRole, EvbTimers } from './config.js'
export { lldpadNetlinkPort, lldpadPids, targetNetnsPath } from './discover.js'
export type { DiscoverOptions } from './discover.js'
export { enableEvb, readEvb } from './lldptool.js'
export type { EvbSettings } from './lldptool.js'
export { instanceAlive, readInstance, startPrivateLldpad, stopPrivateLldpad } from './private.js'
export type { PrivateLldpadInstance, PrivateLldpadOptions } from './private.js'
