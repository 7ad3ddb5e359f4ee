/**
 * Names and addresses of the host devices of ports. A port's device is named after its UUID (`hnp` + the first 12
 * hex digits), so a name is known before anything exists (it is written to the store first); a caller may choose the
 * name instead (the sandbox's `vg-GUEST`). Every port device carries hostnet's alias with its port's UUID: clean-up
 * goes by that mark, never by the name (someone else's device may have any name).
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

/** The alias (IFLA_IFALIAS) of a port device: hostnet's mark with the port's UUID, set in the batch that makes it. */
const PORT_ALIAS_PREFIX = 'hostnet:port:'

export function portDeviceAlias(uuid: string): string {
  return `${PORT_ALIAS_PREFIX}${uuid}`
}

/** The port UUID a device's alias names, when hostnet marked it as a port device; undefined for anything else. */
export function portOfAlias(alias: string | undefined): string | undefined {
  if (alias === undefined || !alias.startsWith(PORT_ALIAS_PREFIX)) return undefined
  const uuid = alias.slice(PORT_ALIAS_PREFIX.length)
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(uuid) ? uuid : undefined
}

/** libvirt's tap MAC: the guest's with the first byte 0xfe, so the bridge never adopts the guest's address. */
export function tapMac(guestMac: MacAddr): MacAddr {
  const b = macBytes(guestMac)
  b[0] = 0xfe
  return macFromBytes(b)
}
