/**
 * A random version-4 UUID from the platform's CSPRNG (Web Crypto's getRandomValues: a global in Node and
 * browsers, so the codec layer stays free of node: imports). Used for networks without `<uuid>`.
 * @module
 */
import { HostnetError } from '../../../errors.js'
import { uuidFromRandomBytes } from '../../../model/values/uuid.js'
import type { Uuid } from '../../../model/values/uuid.js'

export function randomUuid(): Uuid {
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint8Array) => Uint8Array } }).crypto
  if (c?.getRandomValues === undefined) throw new HostnetError('dependency', 'no Web Crypto random source to generate a UUID')
  return uuidFromRandomBytes(c.getRandomValues(new Uint8Array(16)))
}
