/**
 * UUIDs in libvirt's canonical form (lower-case 8-4-4-4-12). Parsing follows virUUIDParse: 32 hex digits,
 * dashes allowed between digit pairs, surrounding whitespace ignored.
 * @module
 */
import { cut, ValidationError } from '../../errors.js'

export type Uuid = string & { readonly __brand: 'Uuid' }

export function parseUuid(s: string, what = 'UUID', path?: string): Uuid {
  const u = tryParseUuid(s)
  if (u === undefined) throw new ValidationError(`malformed ${what} '${cut(s)}'`, { value: s, ...(path ? { path } : {}) })
  return u
}

/** Like parseUuid, but undefined instead of an error. */
export function tryParseUuid(s: string): Uuid | undefined {
  const t = s.trim()
  let hex = ''
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i)
    if (c === 0x2d) {
      // '-' only between digit pairs
      if (hex.length % 2 !== 0) return undefined
      continue
    }
    const isHex = (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46)
    if (!isHex || hex.length === 32) return undefined
    hex += t[i]
  }
  if (hex.length !== 32) return undefined
  const h = hex.toLowerCase()
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}` as Uuid
}

/** Format 16 random bytes (from the caller: the model does no I/O) as an RFC 4122 version-4 UUID. */
export function uuidFromRandomBytes(bytes: ArrayLike<number>): Uuid {
  if (bytes.length < 16) throw new ValidationError('need 16 random bytes for a UUID')
  const b = Array.from({ length: 16 }, (_, i) => bytes[i]! & 0xff)
  b[6] = (b[6]! & 0x0f) | 0x40
  b[8] = (b[8]! & 0x3f) | 0x80
  const h = b.map((x) => x.toString(16).padStart(2, '0')).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}` as Uuid
}
