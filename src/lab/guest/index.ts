/**
 * DHCPv4, DHCPv6 and DNS clients for guest namespaces (the sandbox's guests and the tests' guests; Debian's minimal hosts
 * have no dhclient, udhcpc or dig). A client runs as its own node process inside the guest's namespace: the argv
 * built here runs the compiled entry script next to this module (`ip netns exec NS node .../client-main.js ...`,
 * through the Runner's `netns` option or by prepending it).
 * @module
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { HostnetError } from '../../errors.js'
import type { DhcpClientOptions } from './dhcp-client.js'
import type { Dhcp6ClientOptions } from './dhcp6-client.js'
import type { DnsClientOptions } from './dns-client.js'

export { DEFAULT_DHCP_TIMEOUT_MS, requestDhcpLease } from './dhcp-client.js'
export type { DhcpAck, DhcpClientOptions } from './dhcp-client.js'
export { DEFAULT_DHCP6_TIMEOUT_MS, requestDhcp6Lease } from './dhcp6-client.js'
export type { Dhcp6ClientOptions, Dhcp6Lease } from './dhcp6-client.js'
export { DEFAULT_DNS_TIMEOUT_MS, resolveDns } from './dns-client.js'
export type { DnsAnswer, DnsClientOptions } from './dns-client.js'

/** The compiled entry script (client-main.js beside this module); 'dependency' when it was not built. */
export function guestClientScript(): string {
  const path = fileURLToPath(new URL('./client-main.js', import.meta.url))
  if (!existsSync(path)) throw new HostnetError('dependency', `the guest client '${path}' is missing (run the build)`)
  return path
}

const timeoutArg = (timeoutMs: number | undefined): string[] => (timeoutMs === undefined ? [] : [String(timeoutMs)])

/** argv of the DHCP client: prints the ACK (DhcpAck) as JSON; exit 1 on NAK or timeout. */
export function dhcpClientArgv(o: DhcpClientOptions): string[] {
  return [process.execPath, guestClientScript(), 'dhcp', o.mac, o.hostname ?? '', ...timeoutArg(o.timeoutMs)]
}

/** argv of the DHCPv6 client: prints the lease (Dhcp6Lease) as JSON; exit 1 on refusal or timeout. */
export function dhcp6ClientArgv(o: Dhcp6ClientOptions): string[] {
  return [process.execPath, guestClientScript(), 'dhcp6', o.mac, o.ifname, ...timeoutArg(o.timeoutMs)]
}

/** argv of the DNS client: prints the answer (DnsAnswer) as JSON; exit 1 on timeout. */
export function dnsClientArgv(o: DnsClientOptions): string[] {
  return [process.execPath, guestClientScript(), 'dns', o.server, o.name, o.type ?? 'A', ...timeoutArg(o.timeoutMs)]
}
