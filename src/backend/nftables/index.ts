/**
 * The nftables firewall of libvirt-style virtual networks (spec §15), in a table of hostnet's own.
 *
 * ## Ruleset design
 *
 * - **One table per target, two base chains per network**: hostnet's table `inet hostnet` holds, for each network,
 *   `forward_<bridge>` and `postrouting_<bridge>`, where `<bridge>` is the bridge name with every byte outside
 *   `[A-Za-z0-9.-]` written `_xx` (`virbr0` → `forward_virbr0`, `br_x` → `forward_br_5fx`). The escape is
 *   injective and reversible, so any interface name yields valid identifiers no other network shares, and
 *   `listHostnetFirewalls` recovers the bridges. Base chains are evaluated independently whatever table they are
 *   in, so this behaves exactly as a table per network would; but nft 1.0.6 reads every table of the family
 *   into its cache before it adds a rule (a table per network cost ~40 ms per change with 100 networks; one
 *   table keeps it at a few ms). The network name (which may hold quotes or anything else) only appears,
 *   sanitised, in the chains' comments. `inet` holds the IPv4 and IPv6 rules together: one chain instead of
 *   libvirt's `ip` + `ip6` pair.
 * - **Atomic**: a network's whole ruleset is replaced or deleted by one `nft -f -` transaction (`table inet hostnet
 *   {}`; each of its chains declared, flushed and deleted; then added afresh), which is idempotent and names no
 *   other network's chain. nft 1.0.6 (Debian 12) has no `destroy` command; the declare-then-delete idiom works on
 *   every version. The empty table stays when the last network goes.
 * - **Chains** (base chains, policy accept):
 *   - `forward` (filter, hook forward, priority filter): libvirt's guest_cross / guest_output / guest_input
 *     flattened, in order:
 *     1. `iifname BR oifname BR accept` (guests of the network talk to each other, also across its subnets);
 *     2. per `<ip>` subnet S: nat (IPv4; IPv6 with `<nat ipv6='yes'>`): `iifname BR ip saddr S accept` and
 *        `oifname BR ip daddr S ct state established,related accept`; route (and IPv6 of a nat network
 *        without NAT66): `iifname BR ip saddr S accept` and `oifname BR ip daddr S accept`; isolated: none;
 *        `<forward dev=D>` adds `oifname D` to the outbound accept and `iifname D` to the inbound one;
 *     3. `iifname BR reject`, `oifname BR reject`: everything else forwarded in or out of the bridge is
 *        refused with an ICMP(v6) port-unreachable, like libvirt's REJECT (a TCP connect fails at once
 *        with ECONNREFUSED rather than timing out).
 *     The flattening keeps libvirt's decisions: every accept precedes every reject, and a packet matching
 *     both an outbound accept and the inbound reject enters and leaves the bridge, so rule 1 took it.
 *   - `postrouting` (nat, hook postrouting, priority srcnat), only when a subnet is masqueraded:
 *     `ip daddr { 224.0.0.0/24, 255.255.255.255 } return` (and `ip6 daddr ff02::/16 return` for NAT66), then
 *     per masqueraded subnet S: `ip saddr S ip daddr != S meta l4proto { tcp, udp } masquerade to
 *     :1024-65535` and `ip saddr S ip daddr != S masquerade` for other protocols. `<nat><port>` replaces the
 *     port range; `<nat><address>` turns both into `snat ip to START-END[:ports]` (IPv4 only, as libvirt).
 *     `<forward dev=D>` adds `oifname D`. libvirt's five rules per subnet become two plus one per family.
 *   - No input/output chain. libvirt's nftables backend dropped the DHCP/DNS/TFTP accept rules of its
 *     iptables backend: in base chains of one's own with policy accept they change nothing (an `accept` ends
 *     only the chain it is in; another base chain's `drop` still applies), so they would only cost
 *     objects. Nor is there a DHCP checksum rule (libvirt uses a tc filter for that since 10.9).
 * - **Interfaces by name** (`iifname`/`oifname`, never `iif`/`oif`): a script can be checked (`nft -c`) and
 *   applied before the bridge exists, and survives the bridge being recreated. A trailing `*` is escaped (nft
 *   would treat it as a wildcard); names with `"` or `\` cannot be written and are refused.
 * - **Both families always**: the rejects and the bridge-to-bridge accept match IPv4 and IPv6 even when the
 *   network has no IPv6 address (libvirt adds its ip6 rules only then, and disables IPv6 on such a bridge),
 *   so an IPv4-only network never forwards IPv6 either.
 * - Each network's chains are independent: a packet forwarded from one network's bridge to another's is
 *   accepted only if both networks' chains accept it (libvirt's shared chains let the first match win; the outcome is the same for
 *   well-formed traffic, and stricter for spoofed sources).
 * - Rules carry `counter` (as libvirt's do) so `nft list` shows what each one matched.
 *
 * Open networks and the non-L3 modes (bridge, private, vepa, passthrough, hostdev) have no ruleset: their
 * `replace` script only deletes stale chains. The caller must enable IP forwarding itself, and an
 * administrator's own table dropping forwarded packets still applies (nftables evaluates every table).
 * @module
 */
export { applyNetworkFirewall, checkNftScript, listHostnetFirewalls, removeNetworkFirewall, NFT_TIMEOUT_MS } from './apply.js'
export type { HostnetFirewall, NftRunOptions } from './apply.js'
export { NftError } from './nft-error.js'
export { bridgeFromEscaped, escapeBridgeName, HOSTNET_TABLE, HOSTNET_TABLE_FAMILY, nftChainName, parseChainName } from './names.js'
export { emptyRuleset, ownedChains, renderNetworkFirewall, FORWARD_CHAIN, NAT_CHAIN } from './render.js'
export type { FirewallContext } from './render.js'
export { DEFAULT_NAT_PORT_END, DEFAULT_NAT_PORT_START } from './render-nat.js'
export { countNftObjects, renderNftScript } from './ruleset.js'
export type { NftChain, NftChainSpec, NftObjectCount, NftRuleset, NftScriptOp } from './ruleset.js'
export { NftSessions, NFT_SESSION_IDLE_MS, oneLineScript } from './session.js'
