/**
 * Names and addresses of the host devices of ports. A port's device is named after its UUID (`hnp` + the first 12
 * hex digits), so a name is known before anything exists (it is written to the store first) and recovery can
 * recognise hostnet's port devices; a caller may choose the name instead (the sandbox's `vg-GUEST`).
 * @module
 */
import { macBytes, macFromBytes, type MacAddr } from '../../model/values/mac.js'

export const PORT_DEVICE_PREFIX = 'hnp'

/** `hnp` + 12 hex digits of the port UUID (15 characters: the kernel's limit). */
export function portDeviceName(uuid: string): string {
  return `${PORT_DEVICE_PREFIX}${uuid.replace(/-/g, '').slice(0, 12).toLowerCase()}`
}

export function isPortDeviceName(name: string): boolean {
  return name.length === 15 && name.startsWith(PORT_DEVICE_PREFIX) && /^[0-9a-f]{12}$/.test(name.slice(3))
}

/** libvirt's tap MAC: the guest's with the first byte 0xfe, so the bridge never adopts the guest's address. */
export function tapMac(guestMac: MacAddr): MacAddr {
  const b = macBytes(guestMac)
  b[0] = 0xfe
  return macFromBytes(b)
}
