/**
 * NetworkDef → the network's nftables ruleset (pure). The design and libvirt's semantics it follows are
 * described in ./index.ts.
 * @module
 */
import { assertNever } from '../../errors.js'
import { forwardDev } from '../../model/network/forward.js'
import type { ForwardMode } from '../../model/network/forward.js'
import type { NetworkDef } from '../../model/network/network-def.js'
import { HOSTNET_TABLE, HOSTNET_TABLE_FAMILY, nftChainName, nftIfNameString } from './names.js'
import { renderNatRules } from './render-nat.js'
import type { NftChain, NftChainSpec, NftRuleset } from './ruleset.js'
import { firewallSubnets } from './subnets.js'
import type { FirewallSubnet } from './subnets.js'

export interface FirewallContext {
  /** The network's bridge device, as created by the driver (not a `virbr%d` template). */
  readonly bridgeName: string
}

/** Kinds of chain a network owns (its chains are `<kind>_<escaped bridge>` in the target's `inet hostnet`). */
export const FORWARD_CHAIN = 'forward'
export const NAT_CHAIN = 'postrouting'

/** The base chains a network on `bridgeName` may own. */
export function ownedChains(bridgeName: string): NftChainSpec[] {
  return [
    { name: nftChainName(FORWARD_CHAIN, bridgeName), type: 'filter', hook: 'forward', priority: 'filter' },
    { name: nftChainName(NAT_CHAIN, bridgeName), type: 'nat', hook: 'postrouting', priority: 'srcnat' },
  ]
}

/** A ruleset with no chains: its `delete` script removes whatever the network on `bridgeName` had. */
export function emptyRuleset(bridgeName: string): NftRuleset {
  return { family: HOSTNET_TABLE_FAMILY, table: HOSTNET_TABLE, comment: '', owned: ownedChains(bridgeName), chains: [] }
}

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

/** The network's whole ruleset; no chains for open and the non-L3 modes. */
export function renderNetworkFirewall(def: NetworkDef, ctx: FirewallContext): NftRuleset {
  const owned = ownedChains(ctx.bridgeName)
  const [fwdSpec, natSpec] = owned as [NftChainSpec, NftChainSpec]
  const comment = `hostnet: network '${def.name}' on bridge ${ctx.bridgeName}`
  const base = { family: HOSTNET_TABLE_FAMILY, table: HOSTNET_TABLE, comment, owned } as const
  if (!modeHasFirewall(def.forward.mode)) return { ...base, chains: [] }

  const bridge = nftIfNameString(ctx.bridgeName, `bridge of network '${def.name}'`)
  const dev = forwardDev(def.forward)
  const devString = dev === undefined ? undefined : nftIfNameString(dev, `forward dev of network '${def.name}'`)
  const subnets = firewallSubnets(def)
  const forward = forwardRules(subnets.map((s) => ({ subnet: s, policy: subnetPolicy(def, s) })), bridge, devString)
  const chains: NftChain[] = [{ ...fwdSpec, rules: forward }]
  const nat = renderNatRules(
    subnets.filter((s) => subnetPolicy(def, s) === 'masquerade'),
    { nat: def.forward.nat, oifMatch: devString === undefined ? '' : `oifname ${devString}`, networkName: def.name },
  )
  if (nat.length > 0) chains.push({ ...natSpec, rules: nat })
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
