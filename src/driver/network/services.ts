/**
 * The southbound services the network driver combines, as narrow interfaces: the bridge and its addresses
 * (iproute2), the firewall (nftables), DHCP/DNS (dnsmasq) and sysctls. The real implementations are in the
 * `*-service.ts` files next to this one; tests substitute fakes with fault injection.
 * @module
 */
import type { Target } from '../../model/target.js'
import type { NetworkDef } from '../../model/network/network-def.js'
import type { BridgeSpec, RouteEntry } from '../../backend/iproute2/index.js'
import type { ProcessIdentity } from '../../sys/process.js'
import type { Bandwidth } from '../../model/netdev/bandwidth.js'

/** A bridge to create (typed addresses and routes), and a kernel route as the subnet checks see it. */
export type { BridgeSpec, RouteEntry } from '../../backend/iproute2/index.js'

export interface LinkService {
  /**
   * Create the bridge with its addresses and routes and bring it up, in one kernel round trip. With `routesV4`,
   * the same round trip first dumps the main table's IPv4 routes (as `routes` would) and returns them.
   */
  createBridge(target: Target, spec: BridgeSpec, opts?: { routesV4?: boolean }): Promise<RouteEntry[]>
  /**
   * Take the bridge out of service at once (down, addresses flushed, renamed to a tombstone name); the slow
   * kernel deletion happens later in {@link LinkService.deleteTombstones}. Returns the tombstone name, or
   * undefined when the bridge did not exist.
   */
  retireBridge(target: Target, name: string): Promise<string | undefined>
  /** Delete every tombstone of the target (one bulk kernel call). Returns how many were deleted. */
  deleteTombstones(target: Target): Promise<number>
  /** Names of the target's devices. */
  linkNames(target: Target): Promise<Set<string>>
  /** Whether a device exists, and its kind (`bridge`, `openvswitch`, ...). */
  linkKind(target: Target, name: string): Promise<string | undefined>
  /** The main table's routes of the families asked for. */
  routes(target: Target, families: { v4: boolean; v6: boolean }): Promise<RouteEntry[]>
  /** Whether the target exists (a namespace that was deleted, or the host). */
  targetExists(target: Target): boolean
}

export interface FirewallService {
  /** Install the network's ruleset atomically (replacing a stale one). Returns the nft objects created. */
  apply(target: Target, def: NetworkDef, bridgeName: string): Promise<number>
  /** Remove the network's table (idempotent). */
  remove(target: Target, bridgeName: string): Promise<void>
  /** nft objects the network's ruleset consists of (no system access). */
  objectCount(def: NetworkDef, bridgeName: string): number
  /** The network's ruleset as text (no system access): an update rebuilds the firewall only when it changes. */
  render(def: NetworkDef, bridgeName: string): string
  /** Release long-lived helpers (nft sessions). */
  close?(): void
}

export interface DhcpContext {
  target: Target
  def: NetworkDef
  bridgeName: string
}

export interface DhcpService {
  /** Write the network's dnsmasq files and start it; resolves once it runs (its pid). */
  start(ctx: DhcpContext): Promise<ProcessIdentity>
  /** Stop the network's dnsmasq (idempotent: by pid when known, else by its pid file) and remove its files. */
  stop(ctx: DhcpContext, pid: ProcessIdentity | undefined): Promise<void>
  /**
   * The network is gone for good (undefined, or a transient one stopped): remove whatever of its files remain,
   * its lease database included, so a later network of the same name starts without its leases.
   */
  forget(target: Target, name: string): void
  isRunning(pid: ProcessIdentity): boolean
  /**
   * Rewrite the files a running dnsmasq re-reads on SIGHUP (static DHCP hosts, DNS hosts) from `ctx.def`,
   * synchronously: net-update calls it inside the store transaction that commits the new definition, so the files
   * always match the committed definition whatever other processes update at the same time.
   */
  writeHostsFiles(ctx: DhcpContext): void
  /** Make the running dnsmasq `pid` re-read its hosts files (SIGHUP; its leases stay). False when it is not running. */
  hangup(pid: ProcessIdentity): boolean
  /** The network's current DHCP leases. */
  leases(target: Target, def: NetworkDef): Promise<DhcpLeaseEntry[]>
}

export interface DhcpLeaseEntry {
  /** Unix time in seconds, or 'infinite'. */
  expires: number | 'infinite'
  /** IPv4 leases: the client's MAC. */
  mac?: string
  ip: string
  hostname?: string
  clientId?: string
}

export interface SysctlService {
  /** Write sysctls inside the target (name → value), all in one process. */
  set(target: Target, values: ReadonlyArray<readonly [string, string]>): Promise<void>
}

/** A network's own `<bandwidth>` on its bridge (tc). */
export interface ShapingService {
  /** Give the bridge the network's htb tree and ingress policer (replacing whatever qdiscs it had, as libvirt does). */
  setBridge(target: Target, bridge: string, bandwidth: Bandwidth): Promise<void>
  /** Remove the bridge's root and ingress qdiscs (idempotent). */
  clearBridge(target: Target, bridge: string): Promise<void>
}

export interface NetworkServices {
  links: LinkService
  firewall: FirewallService
  dhcp: DhcpService
  sysctl: SysctlService
  shaping: ShapingService
}
