/**
 * dhcpcd's command line for one interface and family (pure). dhcpcd runs in the foreground (`-B`: hostnet owns
 * the process and its pid), with no configuration file (`-f /dev/null`: nothing of the host's /etc/dhcpcd.conf)
 * and no hook scripts (`-c /bin/true`: Debian's hooks would write the host's resolv.conf and hostname; hostnet
 * writes the target's resolver itself). It configures the lease's address and, as asked, its routes.
 * @module
 */
import { HostnetError } from '../../errors.js'
import type { DhcpClientConfig } from '../../model/host/dhcp.js'

export const DHCPCD = 'dhcpcd'
/** Where dhcpcd keeps its leases and DUID; hostnet binds a directory of its own there per client. */
export const DHCPCD_DB_DIR = '/var/lib/dhcpcd'
const NO_HOOKS = '/bin/true'
const HEX_ID_RE = /^[0-9a-f]{1,2}(?::[0-9a-f]{1,2}){0,127}$/
const DUID_KEYWORDS: Readonly<Record<string, string>> = { ll: 'll', llt: 'lt', uuid: 'uuid' }

function clientIdArgs(id: string | undefined): string[] {
  if (id === undefined || id === 'll') return [] // dhcpcd's default without a configuration: type 1 and the MAC
  if (id === 'iaid+duid') return ['--duid']
  if (HEX_ID_RE.test(id)) return ['--clientid', id]
  throw new HostnetError('bug', `invalid DHCP client id '${id}' reached dhcpcd's argv`)
}

function duidArgs(duid: string | undefined): string[] {
  if (duid === undefined) return []
  const keyword = DUID_KEYWORDS[duid]
  if (keyword !== undefined) return [`--duid=${keyword}`]
  if (HEX_ID_RE.test(duid)) return [`--duid=${duid}`]
  throw new HostnetError('bug', `invalid DUID '${duid}' reached dhcpcd's argv`)
}

/** dhcpcd's argv (after any namespace or mount wrapper) for `ifname`. */
export function dhcpcdArgv(ifname: string, client: DhcpClientConfig): string[] {
  if (ifname.startsWith('-') || ifname.length === 0) throw new HostnetError('bug', `invalid interface name '${ifname}' reached dhcpcd's argv`)
  const family = client.family === 'ipv4' ? ['--ipv4only'] : ['--ipv6only']
  const routes = client.autoRoutes ? [] : ['--nooption', 'classless_static_routes', '--nooption', 'static_routes']
  const gateway = client.autoRoutes && client.autoGateway ? [] : ['--nogateway']
  const dns = client.autoDns ? ['--option', 'domain_name_servers', '--option', 'domain_name'] : []
  const ids = client.family === 'ipv4' ? clientIdArgs(client.clientId) : duidArgs(client.duid)
  // --noarp: no address probe before using the lease (about 5 s), as NetworkManager's default
  return [DHCPCD, '-f', '/dev/null', '-B', '--noarp', '-c', NO_HOOKS, ...family, ...ids, ...routes, ...gateway, ...dns, ifname]
}
