/**
 * The port driver's documents: a `<networkport>` in (with libvirt's VALIDATE flag, checked against the shape of
 * networkport.rng first), a domain `<interface type='network'>` in (mapped like virDomainNetDefToNetworkPort),
 * and out: the `<networkport>`, or the domain interface as libvirt keeps it in the domain status (`portid`,
 * `<actual>`, the host device as `<target dev>`).
 * @module
 */
import { ValidationError } from '../../errors.js'
import { formatDomainInterfaceXml, parseDomainInterfaceXml } from '../../codec/libvirt-xml/domain-interface.js'
import { formatNetworkPortXml, parseNetworkPortElement } from '../../codec/libvirt-xml/networkport.js'
import type { XmlElement } from '../../codec/xml/dom.js'
import { parseXml } from '../../codec/xml/parse.js'
import type { DomainInterfaceDef } from '../../model/domain-interface.js'
import type { NetworkPortDef, NetworkPortOwner } from '../../model/networkport.js'
import { interfaceWithActual, portRequestFromInterface } from '../../model/port/index.js'
import type { Uuid } from '../../model/values/uuid.js'
import { deviceLocation, type PlugRecord } from './plug-record.js'

/** networkport.rng's elements: each at most once, `owner` holding name and uuid. */
const PORT_CHILDREN = ['uuid', 'owner', 'group', 'mac', 'virtualport', 'bandwidth', 'vlan', 'port', 'rxfilters', 'plug']
const OWNER_CHILDREN = ['name', 'uuid']

function invalid(detail: string, path: string): never {
  throw new ValidationError(`XML document failed to validate against schema: ${detail}`, { path, value: detail })
}

function checkChildren(el: XmlElement, allowed: readonly string[], path: string): void {
  if (el.attrs.length > 0 && path === '/networkport') invalid(`Invalid attribute ${el.attrs[0]![0]} for element networkport`, path)
  const seen = new Set<string>()
  for (const c of el.children) {
    if (c.type === 'text' && c.text.trim() !== '') invalid(`Element ${el.name} has extra content: text`, path)
    if (c.type !== 'element') continue
    if (!allowed.includes(c.name) || seen.has(c.name)) invalid(`Element ${el.name} has extra content: ${c.name}`, `${path}/${c.name}`)
    seen.add(c.name)
  }
}

/** VIR_NETWORK_PORT_CREATE_VALIDATE: the document's structure as networkport.rng allows it. */
export function validateNetworkPortShape(root: XmlElement): void {
  if (root.name !== 'networkport') invalid(`Expecting element networkport, got ${root.name}`, `/${root.name}`)
  checkChildren(root, PORT_CHILDREN, '/networkport')
  const owner = root.children.find((c): c is XmlElement => c.type === 'element' && c.name === 'owner')
  if (owner !== undefined) checkChildren(owner, OWNER_CHILDREN, '/networkport/owner')
}

export function parsePortInput(xml: string, opts: { validate?: boolean } = {}): NetworkPortDef {
  const root = parseXml(xml)
  if (opts.validate === true) validateNetworkPortShape(root)
  return parseNetworkPortElement(root)
}

/** A domain `<interface type='network'>` as a new port of `owner` (virDomainNetDefToNetworkPort). */
export function portFromInterfaceXml(xml: string, owner: NetworkPortOwner, uuidGen: () => Uuid): { port: NetworkPortDef; iface: DomainInterfaceDef } {
  const iface = parseDomainInterfaceXml(xml, { inactive: true, newUuid: uuidGen })
  return { port: portRequestFromInterface(owner, iface, uuidGen()), iface }
}

export function formatPortXml(port: NetworkPortDef): string {
  return formatNetworkPortXml(port)
}

/** The interface libvirt's domain status would hold for this port. */
export function statusInterface(network: string, port: NetworkPortDef, iface: DomainInterfaceDef | undefined, record: PlugRecord | undefined): DomainInterfaceDef {
  const base: DomainInterfaceDef = iface ?? { type: 'network', network, mac: port.mac, ...(port.group === undefined ? {} : { portGroup: port.group }) }
  const withActual = interfaceWithActual(base, port)
  const d = record?.device
  if (d === undefined || deviceLocation(d).netns !== undefined) return withActual
  return { ...withActual, target: { ...withActual.target, dev: d.ifname } }
}

export function formatStatusInterface(def: DomainInterfaceDef): string {
  return formatDomainInterfaceXml(def)
}
