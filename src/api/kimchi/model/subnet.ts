/**
 * A Kimchi subnet (`192.168.10.0/24`, `192.168.10.0/255.255.255.0`, host bits allowed) as a network's gateway and
 * DHCP range, with the arithmetic Kimchi meant (its Python 2 code) rather than what its Python 3 port does:
 * the gateway is the first host address (or the host address the user gave), the DHCP range the upper half of
 * the subnet up to the last host address (`.129`-`.254` for a /24). The port's regression (`.0` as the gateway,
 * `.128`-`.253`, an inverted range for a /30) is not copied; prefixes longer than /29 leave no room for a range
 * and are refused, as are prefixes shorter than /8 (a DHCP range of millions of addresses).
 * @module
 */
import { formatIpv4, netmaskToPrefix, prefixToNetmask, tryParseIpv4 } from '../../../model/values/ip.js'

export const KIMCHI_MIN_PREFIX = 8
export const KIMCHI_MAX_PREFIX = 29

export interface KimchiSubnet {
  /** Network address / prefix, e.g. `192.168.10.0/24` (what GET reports). */
  subnet: string
  gateway: string
  netmask: string
  prefix: number
  dhcpStart: string
  dhcpEnd: string
}

/** undefined when the text is not a subnet Kimchi (or this facade) accepts. */
export function parseKimchiSubnet(text: string): KimchiSubnet | undefined {
  const m = /^([0-9.]{7,15})\/([0-9.]{1,15})$/.exec(text.trim())
  if (m === null) return undefined
  const addr = tryParseIpv4(m[1]!)
  if (addr === undefined) return undefined
  let prefix: number | undefined
  if (/^[0-9]{1,2}$/.test(m[2]!)) prefix = Number(m[2])
  else {
    const mask = tryParseIpv4(m[2]!)
    prefix = mask === undefined ? undefined : netmaskToPrefix(mask)
  }
  if (prefix === undefined || prefix < KIMCHI_MIN_PREFIX || prefix > KIMCHI_MAX_PREFIX) return undefined
  return subnetOf(addr, prefix)
}

export function subnetOf(addr: number, prefix: number): KimchiSubnet {
  const mask = prefixToNetmask(prefix)
  const size = 2 ** (32 - prefix)
  const network = (addr & mask) >>> 0
  const broadcast = network + size - 1
  // a host address given by the user is the gateway; the network or broadcast address means "the first host"
  const gateway = addr !== network && addr !== broadcast ? addr : network + 1
  let start = network + size / 2 + 1
  let end = broadcast - 1
  // a gateway inside the upper half splits it: the range keeps the larger side
  if (gateway >= start && gateway <= end) {
    if (gateway - start >= end - gateway) end = gateway - 1
    else start = gateway + 1
  }
  return {
    subnet: `${formatIpv4(network)}/${prefix}`,
    gateway: formatIpv4(gateway),
    netmask: formatIpv4(mask),
    prefix,
    dhcpStart: formatIpv4(start),
    dhcpEnd: formatIpv4(end),
  }
}
