/**
 * NetworkDef → the network's nftables ruleset (pure). The design and libvirt's semantics it follows are
 * described in ./index.ts.
 * @module
 */
import { assertNever } from '../../errors.js'
import { forwardDev } from '../../model/network/forward.js'
import type { ForwardMode } from '../../model/network/forward.js'
import type { NetworkDef } from '../../model/network/network-def.js'
import { HOSTNET_TABLE_FAMILY, nftIfNameString, nftTableName } from './names.js'
import { renderNatRules } from './render-nat.js'
import type { NftChain, NftRuleset } from './ruleset.js'
import { firewallSubnets } from './subnets.js'
import type { FirewallSubnet } from './subnets.js'

export interface FirewallContext {
  /** The network's bridge device, as created by the driver (not a `virbr%d` template). */
  readonly bridgeName: string
}

export const FORWARD_CHAIN = 'forward'
export const NAT_CHAIN = 'postrouting'

/** How forwarding treats one subnet: NAT (replies only inbound), routed (both ways), or not at all. */
type SubnetPolicy = 'masquerade' | 'route' | 'isolate'

/** Whether the mode gets a firewall at all: isolated, nat and route do; open and the non-L3 modes do not. */
function modeHasFirewall(mode: ForwardMode): boolean {
  switch (mode) {
    case 'none':
    case 'nat':
    case 'route':
      return true
    case 'open':
    case 'bridge':
    case 'private':
    case 'vepa':
    case 'passthrough':
    case 'hostdev':
      return false
    default:
      return assertNever(mode, 'forward mode')
  }
}

function subnetPolicy(def: NetworkDef, subnet: FirewallSubnet): SubnetPolicy {
  switch (def.forward.mode) {
    case 'nat':
      // IPv6 is routed on a NAT network unless <nat ipv6='yes'> asks for NAT66
      return subnet.family === 'ipv4' || def.forward.nat?.ipv6 === true ? 'masquerade' : 'route'
    case 'route':
      return 'route'
    case 'none':
    case 'open':
    case 'bridge':
    case 'private':
    case 'vepa':
    case 'passthrough':
    case 'hostdev':
      return 'isolate'
    default:
      return assertNever(def.forward.mode, 'forward mode')
  }
}

/** The network's whole ruleset; no chains (so no table) for open and the non-L3 modes. */
export function renderNetworkFirewall(def: NetworkDef, ctx: FirewallContext): NftRuleset {
  const table = nftTableName(ctx.bridgeName)
  const comment = `hostnet: network '${def.name}' on bridge ${ctx.bridgeName}`
  const base = { family: HOSTNET_TABLE_FAMILY, table, comment } as const
  if (!modeHasFirewall(def.forward.mode)) return { ...base, chains: [] }

  const bridge = nftIfNameString(ctx.bridgeName, `bridge of network '${def.name}'`)
  const dev = forwardDev(def.forward)
  const devString = dev === undefined ? undefined : nftIfNameString(dev, `forward dev of network '${def.name}'`)
  const subnets = firewallSubnets(def)
  const forward = forwardRules(subnets.map((s) => ({ subnet: s, policy: subnetPolicy(def, s) })), bridge, devString)
  const chains: NftChain[] = [{ name: FORWARD_CHAIN, type: 'filter', hook: 'forward', priority: 'filter', rules: forward }]
  const nat = renderNatRules(
    subnets.filter((s) => subnetPolicy(def, s) === 'masquerade'),
    { nat: def.forward.nat, oifMatch: devString === undefined ? '' : `oifname ${devString}`, networkName: def.name },
  )
  if (nat.length > 0) chains.push({ name: NAT_CHAIN, type: 'nat', hook: 'postrouting', priority: 'srcnat', rules: nat })
  return { ...base, chains }
}

/**
 * libvirt's guest_cross / guest_output / guest_input chains flattened into one: bridge-to-bridge accepted,
 * then each subnet's accepts, then everything else entering or leaving through the bridge rejected.
 */
function forwardRules(
  subnets: ReadonlyArray<{ subnet: FirewallSubnet; policy: SubnetPolicy }>,
  bridge: string,
  dev: string | undefined,
): string[] {
  const toDev = dev === undefined ? '' : ` oifname ${dev}`
  const fromDev = dev === undefined ? '' : `iifname ${dev} `
  const rules = [`iifname ${bridge} oifname ${bridge} counter accept`]
  for (const { subnet: s, policy } of subnets) {
    switch (policy) {
      case 'isolate':
        break
      case 'masquerade':
        rules.push(`iifname ${bridge}${toDev} ${s.keyword} saddr ${s.cidr} counter accept`)
        rules.push(`${fromDev}oifname ${bridge} ${s.keyword} daddr ${s.cidr} ct state established,related counter accept`)
        break
      case 'route':
        rules.push(`iifname ${bridge}${toDev} ${s.keyword} saddr ${s.cidr} counter accept`)
        rules.push(`${fromDev}oifname ${bridge} ${s.keyword} daddr ${s.cidr} counter accept`)
        break
      default:
        assertNever(policy, 'subnet policy')
    }
  }
  rules.push(`iifname ${bridge} counter reject`, `oifname ${bridge} counter reject`)
  return rules
}
