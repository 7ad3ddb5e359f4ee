/**
 * Ports as the edges see them: the creation request built from a `<networkport>` or a domain `<interface>`, and
 * the port's view (the CLI's --json, the API's JSON).
 * @module
 */
import { randomUUID } from 'node:crypto'
import { cut, ValidationError } from '../errors.js'
import type { PortCreateRequest, PortInfo } from '../driver/port/index.js'
import { parsePortInput, portFromInterfaceXml } from '../driver/port/index.js'
import { parseIfName } from '../model/values/ifname.js'
import { tryParseUuid, type Uuid } from '../model/values/uuid.js'
import type { PortSource, PortView } from './ops.js'

export function portView(p: PortInfo): PortView {
  const v: PortView = { uuid: p.uuid, network: p.network, target: p.target, status: p.status, owner: p.port.owner, mac: p.port.mac, plug: p.port.plug }
  if (p.port.group !== undefined) v.group = p.port.group
  if (p.port.vlan !== undefined) v.vlan = p.port.vlan
  if (p.port.bandwidth !== undefined) v.bandwidth = p.port.bandwidth
  if (p.device !== undefined) v.device = p.device
  if (p.guest !== undefined) v.guest = p.guest
  if (p.hostdev !== undefined) v.hostdev = p.hostdev
  if (p.association !== undefined) v.association = p.association
  return v
}

function ownerUuid(given: string | undefined, field: string): Uuid {
  if (given === undefined) return randomUUID() as Uuid
  const u = tryParseUuid(given)
  if (u === undefined) throw new ValidationError(`invalid domain UUID '${cut(given)}'`, { path: field, value: given })
  return u
}

/** The driver's request for a port source; `fields` names the options the way the caller's user wrote them. */
export function portRequest(src: PortSource, fields: { domainUuid: string; ifname: string } = { domainUuid: '--domain-uuid', ifname: '--ifname' }): PortCreateRequest {
  const base: PortCreateRequest =
    src.kind === 'interface'
      ? portFromInterfaceXml(src.xml, { name: src.domain ?? 'hostnet', uuid: ownerUuid(src.domainUuid, fields.domainUuid) }, () => randomUUID() as Uuid)
      : { port: parsePortInput(src.xml, src.validate === true ? { validate: true } : {}) }
  return src.ifname === undefined ? base : { ...base, ifname: parseIfName(src.ifname, fields.ifname, fields.ifname) }
}
