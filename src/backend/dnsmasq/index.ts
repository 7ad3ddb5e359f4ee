/**
 * dnsmasq for libvirt-style virtual networks: the configuration libvirt writes (render), safe file names for a
 * network (names), and a runner that starts, reloads and stops one dnsmasq per network and reads its leases
 * (process, leases).
 * @module
 */
export { DEFAULT_DNSMASQ_VERSION, DNSMASQ_MIN_VERSION, parseDnsmasqVersion, requireDnsmasqVersion } from './caps.js'
export type { DnsmasqVersion } from './caps.js'
export { dnsmasqPaths, networkFileNameProblem, networkFileStem } from './names.js'
export type { DnsmasqPaths } from './names.js'
export { renderAddnHosts, renderDnsmasqConf, renderDnsmasqFiles, renderHostsFile } from './render.js'
export type { DnsmasqConfContext, DnsmasqFiles } from './render.js'
export { parseDnsmasqLeases, readDnsmasqLeases } from './leases.js'
export type { DnsmasqLease, DnsmasqLeaseFile } from './leases.js'
export { removeDnsmasqFiles, writeDnsmasqFiles, writeHostsFiles, writeHostsFilesSync } from './files.js'
export {
  DEFAULT_READY_TIMEOUT_MS,
  DEFAULT_STOP_TIMEOUT_MS,
  dnsmasqBinaryVersion,
  isDnsmasqRunning,
  reloadDnsmasq,
  runningDnsmasqPid,
  startDnsmasq,
  inotifyHint,
  stopDnsmasq,
} from './process.js'
export type { DnsmasqInstance, DnsmasqRunOptions } from './process.js'
