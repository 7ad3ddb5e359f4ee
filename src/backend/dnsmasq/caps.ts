/**
 * dnsmasq versions. libvirt 9.9.0 requires dnsmasq 2.67 or newer and, from that version on, writes the same
 * configuration for every dnsmasq (bind-dynamic, ra-param, DHCPv6 and router advertisements are always used), so
 * the version only decides whether a configuration can be generated at all.
 * @module
 */
import { HostnetError, ValidationError } from '../../errors.js'

/** The version assumed when none is given (the dnsmasq installed on this project's hosts). */
export const DEFAULT_DNSMASQ_VERSION = '2.90'
/** libvirt's DNSMASQ_MIN_MAJOR / DNSMASQ_MIN_MINOR. */
export const DNSMASQ_MIN_VERSION = { major: 2, minor: 67 } as const

export interface DnsmasqVersion {
  readonly major: number
  readonly minor: number
  readonly micro: number
}

const VERSION_PREFIX = 'Dnsmasq version '

/**
 * Parse `2.90`, `2.89.1`, `2.91test3` or the first line of `dnsmasq --version` (`Dnsmasq version 2.90  Copyright…`).
 * Missing minor/micro parts are 0, as in libvirt's virStringParseVersion with allowMissing.
 */
export function parseDnsmasqVersion(text: string): DnsmasqVersion {
  const body = text.startsWith(VERSION_PREFIX) ? text.slice(VERSION_PREFIX.length).trimStart() : text
  const m = /^(\d{1,6})(?:\.(\d{1,6}))?(?:\.(\d{1,6}))?(?![\d.])/.exec(body)
  if (m === null) {
    const first = text.split('\n')[0] ?? ''
    throw new ValidationError(`cannot parse dnsmasq version number in '${first}'`, { value: text })
  }
  return { major: Number(m[1]), minor: Number(m[2] ?? 0), micro: Number(m[3] ?? 0) }
}

export function formatDnsmasqVersion(v: DnsmasqVersion): string {
  return v.micro === 0 ? `${v.major}.${v.minor}` : `${v.major}.${v.minor}.${v.micro}`
}

/** Parse and check the minimum libvirt requires (HostnetError 'not-supported' below 2.67). */
export function requireDnsmasqVersion(text: string): DnsmasqVersion {
  const v = parseDnsmasqVersion(text)
  const min = DNSMASQ_MIN_VERSION
  if (v.major < min.major || (v.major === min.major && v.minor < min.minor)) {
    throw new HostnetError(
      'not-supported',
      `dnsmasq version >= ${min.major}.${min.minor} required but ${v.major}.${v.minor} found`,
      { details: { version: formatDnsmasqVersion(v) } },
    )
  }
  return v
}
