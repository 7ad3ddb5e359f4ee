/**
 * Ethernet MAC addresses, canonical form lower-case `aa:bb:cc:dd:ee:ff`.
 * @module
 */
import { ValidationError } from '../../errors.js'

export type MacAddr = string & { readonly __brand: 'MacAddr' }

const MAC_RE = /^[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2}){5}$/

/** Parse a MAC as libvirt does (`virMacAddrParse`: six colon-separated hex groups of 1-2 digits). */
export function parseMac(s: string, what = 'MAC address', path?: string): MacAddr {
  const m = tryParseMac(s)
  if (m === undefined) throw new ValidationError(`unable to parse ${what} '${s}'`, { value: s, ...(path ? { path } : {}) })
  return m
}

/** Like parseMac, but undefined instead of an error. */
export function tryParseMac(s: string): MacAddr | undefined {
  if (isCanonicalMac(s)) return s as MacAddr
  if (!MAC_RE.test(s)) return undefined
  return s
    .split(':')
    .map((p) => p.padStart(2, '0').toLowerCase())
    .join(':') as MacAddr
}

/** Already `aa:bb:cc:dd:ee:ff` (lower-case, two digits per group): nearly every MAC in a document. */
function isCanonicalMac(s: string): boolean {
  if (s.length !== 17) return false
  for (let i = 0; i < 17; i++) {
    const c = s.charCodeAt(i)
    if (i % 3 === 2) {
      if (c !== 0x3a) return false
    } else if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false
  }
  return true
}

export function isMulticastMac(mac: MacAddr): boolean {
  return (parseInt(mac.slice(0, 2), 16) & 1) === 1
}

export function macBytes(mac: MacAddr): number[] {
  return mac.split(':').map((p) => parseInt(p, 16))
}

export function macFromBytes(b: readonly number[]): MacAddr {
  return b.map((x) => x.toString(16).padStart(2, '0')).join(':') as MacAddr
}
