/**
 * `<dns>` of a libvirt network (served by dnsmasq).
 * @module
 */
import type { IpAddr } from '../values/ip.js'

/** `<forwarder addr? domain?/>`: at least one of the two. */
export interface DnsForwarder {
  readonly addr?: IpAddr
  readonly domain?: string
}

/** `<txt name value/>`: the name contains no space or comma. */
export interface DnsTxt {
  readonly name: string
  readonly value: string
}

/** `<srv service protocol domain? target? port? priority? weight?/>`. */
export interface DnsSrv {
  readonly service: string
  readonly protocol: string
  readonly domain?: string
  readonly target?: string
  /** 1..65535 */
  readonly port?: number
  readonly priority?: number
  readonly weight?: number
}

/** `<host ip><hostname>…</hostname>…</host>`. */
export interface DnsHost {
  readonly ip: IpAddr
  readonly hostnames: readonly string[]
}

export interface NetworkDns {
  /** `enable='no'` turns DNS off (dnsmasq port=0) and forbids any record. */
  readonly enable?: boolean
  /** `forwardPlainNames='no'`: never forward names without a dot. */
  readonly forwardPlainNames?: boolean
  readonly forwarders: readonly DnsForwarder[]
  readonly txts: readonly DnsTxt[]
  readonly srvs: readonly DnsSrv[]
  readonly hosts: readonly DnsHost[]
}

export function dnsHasRecords(dns: NetworkDns | undefined): boolean {
  return dns !== undefined && (dns.txts.length > 0 || dns.srvs.length > 0 || dns.hosts.length > 0)
}

/** Whether libvirt would print a `<dns>` element at all. */
export function dnsIsSet(dns: NetworkDns | undefined): dns is NetworkDns {
  return (
    dns !== undefined &&
    (dns.enable !== undefined || dns.forwardPlainNames !== undefined || dns.forwarders.length > 0 || dnsHasRecords(dns))
  )
}
