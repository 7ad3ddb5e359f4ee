/**
 * dnsmasq's lease database (`--dhcp-leasefile`), read into typed leases. The file has one line per lease:
 * IPv4 `EXPIRY MAC IP HOSTNAME CLIENT-ID`, then, after a `duid SERVER-DUID` line, IPv6
 * `EXPIRY IAID IP HOSTNAME CLIENT-DUID`. EXPIRY is a Unix time in seconds, 0 for an infinite lease; `*` marks an
 * absent hostname or client id; a non-Ethernet hardware address is written `TYPE-aa:bb:…`.
 * @module
 */
import { readFile } from 'node:fs/promises'
import { cut, HostnetError, ValidationError } from '../../errors.js'
import { tryParseIpv4, tryParseIpv6 } from '../../model/values/ip.js'
import type { IpAddr } from '../../model/values/ip.js'
import { tryParseMac } from '../../model/values/mac.js'
import type { MacAddr } from '../../model/values/mac.js'

export interface DnsmasqLease {
  readonly family: 'ipv4' | 'ipv6'
  /** When the lease ends (Unix time, seconds), or 'infinite'. */
  readonly expiresAtEpochSec: number | 'infinite'
  /** The client's Ethernet address (IPv4 leases; IPv6 lease lines carry none). */
  readonly mac?: MacAddr
  /** IPv6: the identity association id (`T` prefix in the file for temporary addresses). */
  readonly iaid?: string
  readonly ip: IpAddr
  readonly hostname?: string
  /** IPv4: the DHCP client identifier; IPv6: the client DUID. */
  readonly clientId?: string
}

export interface DnsmasqLeaseFile {
  readonly leases: readonly DnsmasqLease[]
  /** The server's DUID, when dnsmasq runs DHCPv6. */
  readonly serverDuid?: string
}

function bad(line: string, lineNo: number, what: string): never {
  throw new ValidationError(`malformed dnsmasq lease line ${lineNo} (${what}): '${cut(line)}'`, { value: line })
}

function parseLine(line: string, lineNo: number, v6: boolean): DnsmasqLease {
  const f = line.split(' ')
  if (f.length !== 5) bad(line, lineNo, `${f.length} fields, expected 5`)
  const [expiry, hw, ipText, host, client] = f as [string, string, string, string, string]
  if (!/^\d+$/.test(expiry)) bad(line, lineNo, 'expiry')
  const expiresAtEpochSec = expiry === '0' ? 'infinite' : Number(expiry)
  const optional = (s: string): string | undefined => (s === '*' ? undefined : s)
  const named = {
    ...(optional(host) === undefined ? {} : { hostname: host }),
    ...(optional(client) === undefined ? {} : { clientId: client }),
  }
  if (v6) {
    const value = tryParseIpv6(ipText)
    if (value === undefined) bad(line, lineNo, 'IPv6 address')
    return { family: 'ipv6', expiresAtEpochSec, iaid: hw, ip: { family: 'ipv6', value }, ...named }
  }
  const value = tryParseIpv4(ipText)
  if (value === undefined) bad(line, lineNo, 'IPv4 address')
  const mac = tryParseMac(hw)
  return { family: 'ipv4', expiresAtEpochSec, ...(mac === undefined ? {} : { mac }), ip: { family: 'ipv4', value }, ...named }
}

/**
 * Parse the lease file text. A last line without its newline is dropped when it does not parse (dnsmasq may be
 * rewriting the file); any other malformed line is a ValidationError.
 */
export function parseDnsmasqLeases(text: string): DnsmasqLeaseFile {
  const lines = text.split('\n')
  const partial = lines.pop() ?? ''
  const leases: DnsmasqLease[] = []
  let serverDuid: string | undefined
  const take = (line: string, i: number): void => {
    if (line === '') return
    if (line.startsWith('duid ')) serverDuid = line.slice(5)
    else leases.push(parseLine(line, i + 1, serverDuid !== undefined))
  }
  lines.forEach(take)
  if (partial !== '') {
    try {
      take(partial, lines.length)
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e // a half-written last line: the next read sees it whole
    }
  }
  return { leases, ...(serverDuid === undefined ? {} : { serverDuid }) }
}

/** Read and parse a lease file; a file that does not exist yet has no leases. */
export async function readDnsmasqLeases(path: string): Promise<DnsmasqLeaseFile> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { leases: [] }
    throw new HostnetError('backend-failure', `cannot read dnsmasq lease file '${path}': ${(e as Error).message}`, { cause: e })
  }
  return parseDnsmasqLeases(text)
}
