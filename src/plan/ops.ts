/**
 * Operations: what a plan asks a backend to do, as plain serialisable data (journaled in the store).
 * Ordered by the planner; backends render them (iproute2 batch lines, OVSDB ops) and apply them in order.
 * @module
 */
import type { BridgeOptions, BridgePortOptions, Iface, IpAddress } from '../model/host/iface.js'
import type { Route } from '../model/host/route.js'
import type { RouteRule } from '../model/host/route-rule.js'
import type { DhcpClientConfig, DhcpFamily } from '../model/host/dhcp.js'
import type { OvsChange } from './ovs/ops.js'

export type HostOp =
  /** Create a link from the type-specific section of `iface` (and its mtu/mac if set); created down. */
  | { kind: 'link.create'; iface: Iface }
  /** Delete links (in one bulk kernel call where the backend can). Deleting a veth also deletes its peer. */
  | { kind: 'link.delete'; names: string[] }
  | { kind: 'link.set-state'; name: string; state: 'up' | 'down' }
  | { kind: 'link.set-mtu'; name: string; mtu: number }
  | { kind: 'link.set-mac'; name: string; mac: string }
  /** Attach to / detach from (null) a controller. */
  | { kind: 'link.set-controller'; name: string; controller: string | null }
  | { kind: 'bridge.set-options'; name: string; options: BridgeOptions }
  | { kind: 'bridge-port.set-options'; name: string; options: BridgePortOptions }
  | { kind: 'bond.set-options'; name: string; options: Record<string, string | number> }
  | { kind: 'addr.add'; name: string; address: IpAddress }
  | { kind: 'addr.del'; name: string; address: IpAddress }
  | { kind: 'route.add'; route: Route }
  /** Head-end replication entries of a VXLAN (all-zero-MAC FDB entries): `del` removed, then `add` added. */
  | { kind: 'vxlan.set-remotes'; name: string; add: string[]; del: string[] }
  | { kind: 'route.del'; route: Route }
  /** Policy routing rules (IPv4). A deleted rule is given whole, as the query read it. */
  | { kind: 'rule.add'; rule: RouteRule }
  | { kind: 'rule.del'; rule: RouteRule }
  /**
   * Start a DHCP client for one family of an interface (the backend owns and supervises it; the client configures
   * the lease's address, routes and name servers as `client` asks).
   */
  | { kind: 'dhcp.start'; name: string; client: DhcpClientConfig }
  /** Stop the interface's DHCP client of `family`: it removes what it configured. */
  | { kind: 'dhcp.stop'; name: string; family: DhcpFamily }
  /** Open vSwitch: every OVS change of one apply, in ONE OVSDB transaction, waited for until ovs-vswitchd applied it. */
  | { kind: 'ovs.transact'; changes: OvsChange[] }

export type HostOpKind = HostOp['kind']
