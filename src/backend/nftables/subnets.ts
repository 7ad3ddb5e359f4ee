/**
 * The subnets of a network's `<ip>` elements as the firewall writes them (network address / prefix).
 * @module
 */
import { ValidationError } from '../../errors.js'
import { networkIpPrefix } from '../../model/network/ip.js'
import type { NetworkDef } from '../../model/network/network-def.js'
import { formatCidr, networkAddress } from '../../model/values/ip.js'
import type { IpFamily } from '../../model/values/ip.js'

export interface FirewallSubnet {
  readonly family: IpFamily
  /** nft's payload keyword for the family: `ip` or `ip6`. */
  readonly keyword: 'ip' | 'ip6'
  /** `192.168.122.0/24`: the network address, never the host address. */
  readonly cidr: string
}

/** One entry per `<ip>`, in document order. */
export function firewallSubnets(def: NetworkDef): FirewallSubnet[] {
  return def.ips.map((ip, i) => {
    const prefix = networkIpPrefix(ip)
    if (prefix === undefined) {
      throw new ValidationError(`invalid prefix or netmask of <ip> ${i + 1} in network '${def.name}'`, {
        path: `/network/ip[${i + 1}]`,
        object: `network '${def.name}'`,
      })
    }
    const family = ip.address.family
    const cidr = formatCidr({ addr: networkAddress(ip.address, prefix), prefix })
    return { family, keyword: family === 'ipv4' ? 'ip' : 'ip6', cidr }
  })
}
