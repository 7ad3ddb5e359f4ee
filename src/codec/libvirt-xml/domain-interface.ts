/**
 * Domain `<interface>` XML codec (libvirt's virDomainNetDefParseXML / virDomainNetDefFormat, v9.9.0, the
 * network-relevant parts and `<actual>`; see ./domain-interface-parse.ts and ./domain-interface-format.ts).
 *
 * - `parseDomainInterfaceXml(xml, { inactive })`: status form by default (`portid`, `<actual>`, generated target
 *   names kept); `inactive` parses as a domain definition does. Errors are ValidationErrors (kind
 *   invalid-argument) naming the element or attribute and the interface, with an XPath-like `path`.
 * - `formatDomainInterfaceXml(def, { inactive, live, indentLevel })`: status form by default; `inactive` for the
 *   configuration, `live` for libvirt's public live XML; `indentLevel: 2` for an interface inside
 *   `<domain><devices>`. `domainInterfaceElement` returns the element for embedding in a larger document.
 * @module
 */
import { parseXml } from '../xml/parse.js'
import { writeXml } from '../xml/write.js'
import type { DomainInterfaceDef } from '../../model/domain-interface.js'
import { domainInterfaceElement } from './domain-interface-format.js'
import type { DomainInterfaceFormatOptions } from './domain-interface-format.js'
import { parseDomainInterfaceElement } from './domain-interface-parse.js'
import type { DomainInterfaceParseOptions } from './domain-interface-parse.js'

export type { DomainInterfaceDef, DomainInterfaceFormatOptions, DomainInterfaceParseOptions }
export { domainInterfaceElement, parseDomainInterfaceElement }

/** Parse a document whose root is an `<interface>` element. */
export function parseDomainInterfaceXml(xml: string, opts: DomainInterfaceParseOptions = {}): DomainInterfaceDef {
  return parseDomainInterfaceElement(parseXml(xml), opts)
}

/** Format an interface as libvirt does, indented by `indentLevel` 2-space steps, with a trailing newline. */
export function formatDomainInterfaceXml(def: DomainInterfaceDef, opts: DomainInterfaceFormatOptions = {}): string {
  return writeXml(domainInterfaceElement(def, opts), opts.indentLevel ?? 0)
}
