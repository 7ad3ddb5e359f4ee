/**
 * Helpers for reading the per-kind sections of `ip -json -details` (each type's reader is in kinds/): id
 * resolution for tun/tap owners, canonical addresses, string lists. Kernel time values arrive in centiseconds
 * (USER_HZ clock ticks).
 * @module
 */
import { formatIp, tryParseIpv4, tryParseIpv6 } from '../../model/values/ip.js'
import { asArray } from './json-read.js'

/** Resolves the user and group names iproute2 prints for tun/tap owners (it prints names when it can). */
export interface IdResolver {
  userId(name: string): number | undefined
  groupId(name: string): number | undefined
}

export const CENTISECONDS_PER_SECOND = 100

/** Canonical text of an address iproute2 printed, or undefined when it is not an IP address. */
export function canonicalIp(s: string | undefined): string | undefined {
  if (s === undefined) return undefined
  const v4 = tryParseIpv4(s)
  if (v4 !== undefined) return formatIp({ family: 'ipv4', value: v4 })
  const v6 = tryParseIpv6(s)
  return v6 === undefined ? undefined : formatIp({ family: 'ipv6', value: v6 })
}

/** Names in a JSON array of strings (ignoring anything else). */
export function stringList(v: unknown): string[] {
  return asArray(v).filter((x): x is string => typeof x === 'string')
}
