/**
 * `<address type='pci' domain='0x0000' bus='0x03' slot='0x00' function='0x1'/>` parse/format (libvirt's
 * virPCIDeviceAddressParseXML / virPCIDeviceAddressFormat). The `type` attribute is the caller's business
 * (networks require `type='pci'`); values are parsed with base 0 (decimal, 0x hex, leading-0 octal).
 * @module
 */
import type { XmlElement } from '../../xml/dom.js'
import { el } from '../../xml/write.js'
import type { OutElement } from '../../xml/write.js'
import { pciAddressIsEmpty, pciAddressProblem } from '../../../model/netdev/pci-address.js'
import type { PciAddress } from '../../../model/netdev/pci-address.js'
import { fail, propEnum, propUnsigned } from './props.js'
import type { ParseContext } from './props.js'

/** Parse domain/bus/slot/function (and validate them unless all are zero, as libvirt does). */
export function parsePciAddress(node: XmlElement, ctx: ParseContext): PciAddress {
  const addr: PciAddress = {
    domain: propUnsigned(node, 'domain', ctx, { base: 0 }) ?? 0,
    bus: propUnsigned(node, 'bus', ctx, { base: 0 }) ?? 0,
    slot: propUnsigned(node, 'slot', ctx, { base: 0 }) ?? 0,
    function: propUnsigned(node, 'function', ctx, { base: 0 }) ?? 0,
  }
  propEnum(node, 'multifunction', ['on', 'off'], ctx)
  if (!pciAddressIsEmpty(addr)) {
    const problem = pciAddressProblem(addr)
    if (problem !== undefined) fail(ctx, problem, { value: addr })
  }
  return addr
}

function hex(n: number, width: number): string {
  return `0x${n.toString(16).padStart(width, '0')}`
}

/** libvirt's format: `0x%04x`, `0x%02x`, `0x%02x`, `0x%x`, optionally preceded by `type='pci'`. */
export function formatPciAddress(a: PciAddress, opts: { withType?: boolean } = {}): OutElement {
  return el('address', [
    ['type', opts.withType ? 'pci' : undefined],
    ['domain', hex(a.domain, 4)],
    ['bus', hex(a.bus, 2)],
    ['slot', hex(a.slot, 2)],
    ['function', `0x${a.function.toString(16)}`],
  ])
}
