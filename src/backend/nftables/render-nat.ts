/**
 * The postrouting NAT rules of a `<forward mode='nat'>` network: per masqueraded subnet, a tcp/udp rule with a
 * source-port range and a rule for every other protocol, after one `return` per family for destinations that
 * must never be rewritten (local multicast; the IPv4 limited broadcast).
 * @module
 */
import { ValidationError } from '../../errors.js'
import type { ForwardNat } from '../../model/network/forward.js'
import { formatIpv4 } from '../../model/values/ip.js'
import type { FirewallSubnet } from './subnets.js'

/** libvirt's default source-port range for masqueraded tcp/udp: never a privileged port (NFS trusts those). */
export const DEFAULT_NAT_PORT_START = 1024
export const DEFAULT_NAT_PORT_END = 65535

const IPV4_NEVER_NAT = '{ 224.0.0.0/24, 255.255.255.255 }'
const IPV6_NEVER_NAT = 'ff02::/16'

export interface NatRuleOptions {
  readonly nat: ForwardNat | undefined
  /** `oifname "dev"` when `<forward dev>` restricts the network, else ''. */
  readonly oifMatch: string
  readonly networkName: string
}

/** Rules of the nat chain for the subnets to masquerade (empty when there are none). */
export function renderNatRules(subnets: readonly FirewallSubnet[], opts: NatRuleOptions): string[] {
  if (subnets.length === 0) return []
  const rules: string[] = []
  if (subnets.some((s) => s.family === 'ipv4')) rules.push(`ip daddr ${IPV4_NEVER_NAT} counter return`)
  if (subnets.some((s) => s.family === 'ipv6')) rules.push(`ip6 daddr ${IPV6_NEVER_NAT} counter return`)
  const ports = natPortRange(opts.nat, opts.networkName)
  for (const s of subnets) {
    const match = [opts.oifMatch, `${s.keyword} saddr ${s.cidr}`, `${s.keyword} daddr != ${s.cidr}`]
      .filter((m) => m !== '')
      .join(' ')
    const addresses = s.family === 'ipv4' ? natAddressRange(opts.nat) : undefined
    rules.push(`${match} meta l4proto { tcp, udp } counter ${natStatement(addresses, ports)}`)
    rules.push(`${match} counter ${natStatement(addresses, '')}`)
  }
  return rules
}

/** `snat ip to A[-B][:ports]` with an address range, else `masquerade [to :ports]`. */
function natStatement(addresses: string | undefined, ports: string): string {
  if (addresses !== undefined) return `snat ip to ${addresses}${ports}`
  return ports === '' ? 'masquerade' : `masquerade to ${ports}`
}

/** `<nat><address start end>` as nft writes a range (a single address when start = end). */
function natAddressRange(nat: ForwardNat | undefined): string | undefined {
  const start = nat?.addressStart
  if (start === undefined) return undefined
  const end = nat?.addressEnd ?? start
  return end.value === start.value ? formatIpv4(start.value) : `${formatIpv4(start.value)}-${formatIpv4(end.value)}`
}

/**
 * `:start-end` for tcp/udp: `<nat><port>` or 1024-65535 (port 0-0 counts as unset, as in libvirt). A one-port
 * range is written `:port` (libvirt refuses start = end; nft accepts it, so hostnet does too).
 */
function natPortRange(nat: ForwardNat | undefined, networkName: string): string {
  const start = nat?.portStart ?? 0
  const end = nat?.portEnd ?? start
  if (start === 0 && end === 0) return `:${DEFAULT_NAT_PORT_START}-${DEFAULT_NAT_PORT_END}`
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 1 && start <= end && end <= 65535)) {
    throw new ValidationError(`invalid port range '${start}-${end}' in <nat> of network '${networkName}'`, {
      path: '/network/forward/nat/port',
      value: { start, end },
      object: `network '${networkName}'`,
    })
  }
  return start === end ? `:${start}` : `:${start}-${end}`
}
