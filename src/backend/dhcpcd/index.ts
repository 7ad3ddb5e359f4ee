/**
 * DHCP clients of host interfaces (dhcpcd, one per interface and family, owned by hostnet through records in the
 * state directory) and the HostBackend wrapper that runs them inside host transactions.
 * @module
 */
export { dhcpcdArgv, DHCPCD } from './argv.js'
export { parseDhcpv4Lease } from './lease.js'
export { DhcpcdClients, DHCP_LEASE_TIMEOUT_MS, type DhcpcdClientsOptions, type RunningDhcpClient } from './clients.js'
export { DhcpHostBackend } from './host-backend.js'
