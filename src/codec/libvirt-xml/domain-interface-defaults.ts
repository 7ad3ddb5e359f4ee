/**
 * Defaults libvirt generates while parsing a domain interface: a random guest MAC with the QEMU/KVM prefix
 * 52:54:00 (virDomainNetGenerateMAC). The randomness comes from Web Crypto's getRandomValues (a global in
 * Node and browsers, so the codec layer stays free of node: imports).
 * @module
 */
import { HostnetError } from '../../errors.js'
import { GENERATED_MAC_PREFIX } from '../../model/domain-interface.js'
import { macFromBytes } from '../../model/values/mac.js'
import type { MacAddr } from '../../model/values/mac.js'

export function randomGuestMac(): MacAddr {
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint8Array) => Uint8Array } }).crypto
  if (c?.getRandomValues === undefined) {
    throw new HostnetError('dependency', 'no Web Crypto random source to generate a MAC address')
  }
  const tail = c.getRandomValues(new Uint8Array(3))
  return macFromBytes([...GENERATED_MAC_PREFIX, tail[0]!, tail[1]!, tail[2]!])
}
