/**
 * Bridge MAC addresses for the L3 modes, as libvirt generates them (virNetworkSetBridgeMacAddr): QEMU/KVM's
 * locally administered prefix 52:54:00 and three random bytes. Generated once at define/create and kept in the
 * definition, so the bridge keeps its MAC across restarts.
 * @module
 */
import { randomBytes } from 'node:crypto'
import { macFromBytes, type MacAddr } from '../../model/values/mac.js'

export const NETWORK_MAC_PREFIX = [0x52, 0x54, 0x00] as const

/** `random(3)` supplies the three low bytes (tests inject it). */
export function generateNetworkMac(random: (n: number) => Uint8Array = randomBytes): MacAddr {
  const tail = random(3)
  return macFromBytes([...NETWORK_MAC_PREFIX, tail[0] ?? 0, tail[1] ?? 0, tail[2] ?? 0])
}
