/**
 * Entry script of the guest clients, run inside a guest namespace (`ip netns exec NS node client-main.js ...`):
 *   dhcp MAC [HOSTNAME] [TIMEOUT_MS]            prints the ACK as JSON {ip, serverId, leaseSec, router, dns, ...}
 *   dhcp6 MAC IFNAME [TIMEOUT_MS]               prints the DHCPv6 lease as JSON {ip, preferredSec, validSec, serverId, dns}
 *   dns SERVER NAME [A|AAAA|TXT] [TIMEOUT_MS]   prints {rcode, answers} as JSON
 * Exit 1 (and a line `guest-dhcp: WHY` / `guest-dns: WHY` on stderr) on NAK, timeout or a socket error; 2 on a
 * usage error. Importing this module runs it: callers build its argv with ./index.ts.
 * @module
 */
import { errorMessage } from '../../errors.js'
import { requestDhcpLease } from './dhcp-client.js'
import { requestDhcp6Lease } from './dhcp6-client.js'
import { resolveDns } from './dns-client.js'

const USAGE = 'usage: client-main.js dhcp MAC [HOSTNAME] [TIMEOUT_MS] | dhcp6 MAC IFNAME [TIMEOUT_MS] | dns SERVER NAME [A|AAAA|TXT] [TIMEOUT_MS]\n'

const timeout = (text: string | undefined): { timeoutMs?: number } => (text === undefined ? {} : { timeoutMs: Number(text) })

/** The client the arguments ask for, or undefined on a usage error. */
function clientOf(argv: readonly string[]): { label: string; work: () => Promise<unknown> } | undefined {
  const [client, a, b, c, d] = argv
  if (client === 'dhcp' && a !== undefined) {
    return { label: 'guest-dhcp', work: () => requestDhcpLease({ mac: a, ...(b ? { hostname: b } : {}), ...timeout(c) }) }
  }
  if (client === 'dhcp6' && a !== undefined && b !== undefined) {
    return { label: 'guest-dhcp6', work: () => requestDhcp6Lease({ mac: a, ifname: b, ...timeout(c) }) }
  }
  if (client === 'dns' && a !== undefined && b !== undefined) {
    return { label: 'guest-dns', work: () => resolveDns({ server: a, name: b, ...(c === undefined ? {} : { type: c }), ...timeout(d) }) }
  }
  return undefined
}

async function run(argv: readonly string[]): Promise<number> {
  const client = clientOf(argv)
  if (client === undefined) {
    process.stderr.write(USAGE)
    return 2
  }
  try {
    process.stdout.write(`${JSON.stringify(await client.work())}\n`)
    return 0
  } catch (e) {
    process.stderr.write(`${client.label}: ${errorMessage(e)}\n`)
    return 1
  }
}

process.exitCode = await run(process.argv.slice(2))
