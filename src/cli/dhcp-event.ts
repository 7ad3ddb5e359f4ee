/**
 * dnsmasq's lease-change script (bin/hostnet-dhcp-event, given to dnsmasq as `--dhcp-script`): dnsmasq runs it as
 * `add|old|del MAC IP [HOSTNAME]` (for DHCPv6 the client's DUID instead of a MAC) with the network's store, target
 * and network in its environment (driver/network/dhcp-event-env.ts). `add` is recorded as dhcp.lease-granted, `del`
 * (released or expired) as dhcp.lease-released, by actor `dnsmasq`; `old` (a renewal, or a lease dnsmasq read back
 * at its start) and other actions are not changes. Values come from DHCP clients: they are cut and cleaned.
 * @module
 */
import { DHCP_EVENT_ENV } from '../driver/network/dhcp-event-env.js'
import { ACTOR_DNSMASQ, cut, openStore, type ChangeKind } from '../store/index.js'
import { netnsNameProblem } from '../sys/netns.js'

const KINDS: Readonly<Record<string, ChangeKind>> = { add: 'dhcp.lease-granted', del: 'dhcp.lease-released' }
const MAC_RE = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/i

/** A value from a DHCP client: printable characters only, at most `max`. */
function clean(v: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  return cut(v.replace(/[\x00-\x1f\x7f]/g, '?'), max)
}

function validTarget(key: string): boolean {
  return key === 'host' || (key.startsWith('netns:') && netnsNameProblem(key.slice('netns:'.length)) === undefined)
}

/** Record one lease change; returns the exit status (dnsmasq logs a non-zero one). */
export function main(args: readonly string[], env: Readonly<Record<string, string | undefined>>): number {
  const [action = '', hw = '', ip = '', hostname] = args
  const kind = KINDS[action]
  if (kind === undefined) return 0
  const stateDir = env[DHCP_EVENT_ENV.stateDir]
  const target = env[DHCP_EVENT_ENV.target]
  const network = env[DHCP_EVENT_ENV.network]
  if (stateDir === undefined || target === undefined || network === undefined || !validTarget(target)) {
    process.stderr.write('hostnet-dhcp-event: not started by a hostnet network (no store, target or network in the environment)\n')
    return 1
  }
  const detail = {
    ip: clean(ip, 64),
    ...(MAC_RE.test(hw) ? { mac: hw.toLowerCase() } : { client: clean(hw, 160) }),
    ...(hostname === undefined || hostname === '' ? {} : { hostname: clean(hostname, 64) }),
  }
  try {
    const store = openStore(stateDir, { actor: ACTOR_DNSMASQ })
    try {
      store.changes.append({ target, kind, object: clean(network, 256), actor: ACTOR_DNSMASQ, detail })
    } finally {
      store.close()
    }
    return 0
  } catch (e) {
    process.stderr.write(`hostnet-dhcp-event: cannot record ${kind} of ${detail.ip} on network '${cut(network, 64)}': ${(e as Error).message}\n`)
    return 1
  }
}
