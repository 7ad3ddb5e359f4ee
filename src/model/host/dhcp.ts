/**
 * DHCP on a host interface (nmstate's `ipv4/ipv6: {dhcp: true, auto-dns, auto-gateway, auto-routes,
 * auto-route-table-id, dhcp-client-id | dhcp-duid}`): the client settings one family of an interface asks for,
 * with nmstate's defaults filled in, and the lease a running client holds (read-only, reported by queries).
 * @module
 */
import type { IpConfig } from './iface.js'

export type { DhcpLease } from './dhcp-lease.js'

export type DhcpFamily = 'ipv4' | 'ipv6'

/** What a DHCP client of one interface and family is run with (defaults filled in: comparable as a whole). */
export interface DhcpClientConfig {
  readonly family: DhcpFamily
  /** Name servers of the lease go to the target's resolver. */
  readonly autoDns: boolean
  /** The lease's default route is installed. */
  readonly autoGateway: boolean
  /** The lease's routes (default route included) are installed. */
  readonly autoRoutes: boolean
  /** IPv4: the client identifier (`ll`: from the MAC, as dhcpcd's default; `iaid+duid`; or hex bytes `01:52:54:...`). */
  readonly clientId?: string
  /** IPv6: the DUID (`ll`, `llt`, `uuid`, or hex bytes). */
  readonly duid?: string
  /** IPv6: router advertisements (SLAAC) as well as DHCPv6. */
  readonly autoconf?: boolean
}

/** The client config a family's settings ask for, or undefined when the family runs no DHCP client. */
export function dhcpClientOf(c: IpConfig | undefined, family: DhcpFamily): DhcpClientConfig | undefined {
  if (c === undefined || c.enabled === false || c.dhcp !== true) return undefined
  return {
    family,
    autoDns: c.autoDns ?? true,
    autoGateway: c.autoGateway ?? true,
    autoRoutes: c.autoRoutes ?? true,
    ...(family === 'ipv4' && c.dhcpClientId !== undefined ? { clientId: c.dhcpClientId } : {}),
    ...(family === 'ipv6' && c.dhcpDuid !== undefined ? { duid: c.dhcpDuid } : {}),
    ...(family === 'ipv6' ? { autoconf: c.autoconf ?? true } : {}),
  }
}

export function sameDhcpClient(a: DhcpClientConfig | undefined, b: DhcpClientConfig | undefined): boolean {
  if (a === undefined || b === undefined) return a === b
  return (
    a.family === b.family &&
    a.autoDns === b.autoDns &&
    a.autoGateway === b.autoGateway &&
    a.autoRoutes === b.autoRoutes &&
    a.clientId === b.clientId &&
    a.duid === b.duid &&
    a.autoconf === b.autoconf
  )
}

/** The IpConfig keys of a running client's settings (what a query reports besides `dhcp: true`). */
export function dhcpSettings(cfg: DhcpClientConfig): Partial<IpConfig> {
  return {
    dhcp: true,
    autoDns: cfg.autoDns,
    autoGateway: cfg.autoGateway,
    autoRoutes: cfg.autoRoutes,
    ...(cfg.clientId === undefined ? {} : { dhcpClientId: cfg.clientId }),
    ...(cfg.duid === undefined ? {} : { dhcpDuid: cfg.duid }),
    ...(cfg.autoconf === undefined ? {} : { autoconf: cfg.autoconf }),
  }
}
