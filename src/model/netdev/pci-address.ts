/**
 * PCI device addresses (libvirt's virPCIDeviceAddress) as used by hostdev networks, network ports
 * (`<plug type='hostdev-pci'>`) and domain hostdev interfaces.
 * @module
 */

export interface PciAddress {
  readonly domain: number
  readonly bus: number
  readonly slot: number
  readonly function: number
}

export const PCI_BUS_MAX = 0xff
export const PCI_SLOT_MAX = 0x1f
export const PCI_FUNCTION_MAX = 7

export function pciAddressEquals(a: PciAddress, b: PciAddress): boolean {
  return a.domain === b.domain && a.bus === b.bus && a.slot === b.slot && a.function === b.function
}

export function pciAddressIsEmpty(a: PciAddress): boolean {
  return a.domain === 0 && a.bus === 0 && a.slot === 0 && a.function === 0
}

/** Why `a` is not a valid address (libvirt's virPCIDeviceAddressIsValid), or undefined. */
export function pciAddressProblem(a: PciAddress): string | undefined {
  if (a.bus > PCI_BUS_MAX) return `Invalid PCI address bus='0x${a.bus.toString(16)}', must be <= 0xFF`
  if (a.slot > PCI_SLOT_MAX) return `Invalid PCI address slot='0x${a.slot.toString(16)}', must be <= 0x1F`
  if (a.function > PCI_FUNCTION_MAX) return `Invalid PCI address function=0x${a.function.toString(16)}, must be <= 7`
  if (a.domain === 0 && a.bus === 0 && a.slot === 0) {
    return 'Invalid PCI address 0000:00:00, at least one of domain, bus, or slot must be > 0'
  }
  return undefined
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0')
}

/** `DDDD:BB:SS.F`, the form sysfs and libvirt's messages use. */
export function formatPciAddress(a: PciAddress): string {
  return `${hex(a.domain, 4)}:${hex(a.bus, 2)}:${hex(a.slot, 2)}.${a.function.toString(16)}`
}
