/**
 * A free IPv4 subnet for a new network of a target (the console's creation form suggests it, as Kimchi assigns
 * one): the first block of the asked size, from 192.168.100.0 upwards through 192.168.0.0/16 and then 10.0.0.0/8,
 * that overlaps no subnet of any network of the target (defined or running), no address of its interfaces and
 * no route of it. The gateway is the first address, DHCP hands out the rest but the broadcast.
 * @module
 */
import { HostnetError } from '../errors.js'
import { networkIpPrefix } from '../model/network/ip.js'
import type { NetworkDef } from '../model/network/network-def.js'
import type { HostState } from '../model/host/state.js'
import { formatIpv4, lastAddress, parseCidr, subnetsOverlap, type IpAddr } from '../model/values/ip.js'
import type { Target } from '../model/target.js'
import { targetKey } from '../txn/target-key.js'
import { currentDef } from '../driver/network/define.js'
import { showState } from './host.js'
import type { Runtime } from './runtime.js'

export const MIN_SUGGESTED_PREFIX = 16
export const MAX_SUGGESTED_PREFIX = 29
export const DEFAULT_SUGGESTED_PREFIX = 24

export interface FreeSubnet {
  /** `192.168.100.0/24` */
  subnet: string
  /** The gateway (the network's bridge address). */
  address: string
  prefix: number
  dhcpStart: string
  dhcpEnd: string
}

interface Block {
  addr: IpAddr
  prefix: number
}

/** Where the search looks, in order: 192.168.100.0 upwards, the rest of 192.168.0.0/16, then 10.0.0.0/8. */
const RANGES: ReadonlyArray<readonly [number, number]> = [
  [0xc0a86400, 0xc0a8ffff],
  [0xc0a80000, 0xc0a863ff],
  [0x0a000000, 0x0affffff],
]

/**
 * The first free block of `prefix` bits that overlaps none of `used`. A block that overlaps something used skips
 * past the end of what it overlaps, so the search costs O(used) per range, not O(blocks).
 */
export function suggestSubnet(used: readonly Block[], prefix: number): FreeSubnet {
  if (!Number.isInteger(prefix) || prefix < MIN_SUGGESTED_PREFIX || prefix > MAX_SUGGESTED_PREFIX) {
    throw new HostnetError('invalid-argument', `invalid prefix '${prefix}': expected ${MIN_SUGGESTED_PREFIX} to ${MAX_SUGGESTED_PREFIX}`, { details: { path: 'prefix', value: prefix } })
  }
  const size = 2 ** (32 - prefix)
  const v4 = used.filter((u) => u.addr.family === 'ipv4' && u.prefix > 0)
  for (const [lo, hi] of RANGES) {
    let a = Math.ceil(lo / size) * size
    while (a + size - 1 <= hi) {
      const addr: IpAddr = { family: 'ipv4', value: a }
      const clash = v4.find((u) => subnetsOverlap(addr, prefix, u.addr, u.prefix))
      if (clash === undefined) {
        return { subnet: `${formatIpv4(a)}/${prefix}`, address: formatIpv4(a + 1), prefix, dhcpStart: formatIpv4(a + 2), dhcpEnd: formatIpv4(a + size - 2) }
      }
      const clashEnd = lastAddress(clash.addr, clash.prefix).value as number
      a = Math.max(a + size, Math.ceil((clashEnd + 1) / size) * size)
    }
  }
  throw new HostnetError('conflict', `no free IPv4 subnet of prefix ${prefix} in 192.168.0.0/16 or 10.0.0.0/8`)
}

/** What a target uses: its networks' subnets, its interfaces' addresses and its routes (default routes aside). */
export function usedBlocks(state: HostState, defs: readonly NetworkDef[]): Block[] {
  const out: Block[] = []
  for (const d of defs) {
    for (const ip of d.ips) {
      const prefix = networkIpPrefix(ip)
      if (prefix !== undefined) out.push({ addr: ip.address, prefix })
    }
  }
  for (const i of state.interfaces) {
    for (const a of i.ipv4?.addresses ?? []) out.push(parseCidr(`${a.ip}/${a.prefixLength}`))
  }
  for (const r of state.routes) {
    if (r.destination.includes(':') || !r.destination.includes('/')) continue
    const c = parseCidr(r.destination, 'route')
    if (c.prefix > 0) out.push(c)
  }
  return out.map((b) => ({ addr: b.addr, prefix: b.prefix }))
}

export async function freeSubnet(rt: Runtime, target: Target, prefix = DEFAULT_SUGGESTED_PREFIX): Promise<FreeSubnet> {
  const driver = rt.networks()
  const key = targetKey(target)
  const defs = driver.ctx.networks.list(key).flatMap((rec) => (rec.configXml === undefined && rec.liveXml === undefined ? [] : [currentDef(rec)]))
  return suggestSubnet(usedBlocks(await showState(rt, target, []), defs), prefix)
}
