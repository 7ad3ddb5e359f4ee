/**
 * libvirt `<network>` XML codec: `parseNetworkXml` (libvirt's parse, including every parse-time rule, but no
 * define-time validation: see model/network/validate) and `formatNetworkXml` (byte-identical to libvirt;
 * `inactive` = VIR_NETWORK_XML_INACTIVE). Errors are ValidationErrors (kind invalid-argument) whose message
 * names the element or attribute and the network, and whose `path` locates it (`/network/ip[1]/@prefix`).
 * Lower-level entry points (an already parsed element, an injected UUID source) are in ./parse.ts and
 * ./format.ts.
 * @module
 */
import type { NetworkDef } from '../../../model/network/network-def.js'
import { parseXml } from '../../xml/parse.js'
import { formatNetworkDef } from './format.js'
import { parseNetworkElement } from './parse.js'
import { randomUuid } from './random-uuid.js'

export type { NetworkDef }

/** Parse a network document; a network without `<uuid>` gets a random one (as libvirt does). */
export function parseNetworkXml(xml: string): NetworkDef {
  return parseNetworkElement(parseXml(xml), { newUuid: randomUuid })
}

/** Format a network as libvirt does; `inactive` omits live-only data (connections, a PF-generated pool). */
export function formatNetworkXml(def: NetworkDef, opts: { inactive?: boolean } = {}): string {
  return formatNetworkDef(def, opts)
}
