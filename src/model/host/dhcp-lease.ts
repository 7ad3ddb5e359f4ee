/** The lease of a host interface's DHCP client (model/host/dhcp.ts), as `show` reports it under `ipv4.lease`. */
export interface DhcpLease {
  /** `10.0.0.5/24`. */
  readonly address: string
  readonly server?: string
  readonly routers?: readonly string[]
  readonly dns?: readonly string[]
  readonly domain?: string
  readonly leaseTimeSec?: number
}
