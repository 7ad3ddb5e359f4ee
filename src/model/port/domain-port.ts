/**
 * Domain `<interface type='network'>` ↔ network port (libvirt's virDomainNetDefToNetworkPort,
 * virDomainNetDefActualFromNetworkPort and virDomainNetDefActualToNetworkPort):
 *
 * - `portRequestFromInterface(owner, iface, uuid)`: the `<networkport>` a starting guest asks for;
 * - `interfaceWithActual(iface, port)`: the interface as libvirt keeps it in the domain status — `portid` set
 *   and an `<actual>` built from the allocated port's plug and settings;
 * - `portFromActual(owner, iface, uuidGen)`: the port a running guest's status describes (reclaim after a
 *   restart).
 * @module
 */
import { assertNever, HostnetError } from '../../errors.js'
import type { DomainInterfaceActual, DomainInterfaceDef, NetworkInterfaceData } from '../domain-interface.js'
import type { NetworkPortDef, NetworkPortOwner, NetworkPortPlug } from '../networkport.js'
import type { Uuid } from '../values/uuid.js'
import type { PortRequest } from './types.js'

type Mutable<T> = { -readonly [K in keyof T]: T[K] }
type NetworkInterface = DomainInterfaceDef & NetworkInterfaceData

function requireNetworkType(iface: DomainInterfaceDef): NetworkInterface {
  if (iface.type !== 'network') {
    throw new HostnetError('invalid-argument', `Expected an interface of type 'network' not '${iface.type}'`, {
      details: { object: `interface '${iface.mac}'`, field: '/interface/@type' },
    })
  }
  return iface
}

type Qos = Pick<NetworkPortDef, 'virtualPort' | 'bandwidth' | 'vlan' | 'isolatedPort' | 'trustGuestRxFilters'>

function copyQos<T extends object>(out: T, from: Qos): T {
  const o = out as Mutable<Qos>
  if (from.virtualPort !== undefined) o.virtualPort = from.virtualPort
  if (from.bandwidth !== undefined) o.bandwidth = from.bandwidth
  if (from.vlan !== undefined) o.vlan = from.vlan
  if (from.isolatedPort !== undefined) o.isolatedPort = from.isolatedPort
  if (from.trustGuestRxFilters !== undefined) o.trustGuestRxFilters = from.trustGuestRxFilters
  return out
}

/** virDomainNetDefToNetworkPort: a new port (uuid from the caller) for the interface of domain `owner`. */
export function portRequestFromInterface(owner: NetworkPortOwner, iface: DomainInterfaceDef, uuid: Uuid): PortRequest {
  const net = requireNetworkType(iface)
  const out: Mutable<PortRequest> = { uuid, owner, mac: net.mac }
  if (net.portGroup !== undefined) out.group = net.portGroup
  return copyQos(out, net)
}

function actualOfPlug(plug: NetworkPortPlug, classId: number | undefined): Mutable<DomainInterfaceActual> {
  switch (plug.type) {
    case 'network':
    case 'bridge': {
      const a: Mutable<DomainInterfaceActual & { type: 'network' | 'bridge' }> = { type: plug.type, bridge: plug.bridge }
      if (plug.macTableManager !== undefined) a.macTableManager = plug.macTableManager
      if (classId) a.classId = classId
      return a
    }
    case 'direct':
      return { type: 'direct', dev: plug.dev, mode: plug.mode }
    case 'hostdev-pci': {
      const a: Mutable<DomainInterfaceActual & { type: 'hostdev' }> = { type: 'hostdev', address: plug.address }
      if (plug.managed === true) a.managed = true
      if (plug.driver !== undefined) a.driver = plug.driver
      return a
    }
    default:
      return assertNever(plug, 'plug')
  }
}

/** virDomainNetDefActualFromNetworkPort plus the `portid`: the interface as the domain status keeps it. */
export function interfaceWithActual(iface: DomainInterfaceDef, port: NetworkPortDef): DomainInterfaceDef {
  const net = requireNetworkType(iface)
  if (port.plug === undefined) {
    throw new HostnetError('invalid-argument', `network port '${port.uuid}' has no plug: it was not allocated`, {
      details: { object: `network port '${port.uuid}'`, field: '/networkport/plug' },
    })
  }
  const actual = copyQos(actualOfPlug(port.plug, port.classId), port)
  return { ...net, portId: port.uuid, actual }
}

function plugOfActual(a: DomainInterfaceActual, iface: NetworkInterface): NetworkPortPlug {
  switch (a.type) {
    case 'network':
    case 'bridge': {
      if (a.bridge === undefined) {
        throw new HostnetError('invalid-argument', `interface '${iface.mac}': <actual type='${a.type}'> has no bridge`)
      }
      const p: Mutable<NetworkPortPlug & { type: 'network' | 'bridge' }> = { type: a.type, bridge: a.bridge }
      if (a.macTableManager !== undefined) p.macTableManager = a.macTableManager
      return p
    }
    case 'direct':
      if (a.dev === undefined) {
        throw new HostnetError('invalid-argument', `interface '${iface.mac}': <actual type='direct'> has no dev`)
      }
      return { type: 'direct', dev: a.dev, mode: a.mode }
    case 'hostdev': {
      if (a.driver === 'xen') throw new HostnetError('not-supported', "Unexpected PCI backend 'xen'")
      const p: Mutable<NetworkPortPlug & { type: 'hostdev-pci' }> = { type: 'hostdev-pci', address: a.address }
      p.managed = a.managed === true
      if (a.driver !== undefined) p.driver = a.driver
      return p
    }
    default:
      return assertNever(a, 'actual')
  }
}

/** virDomainNetDefActualToNetworkPort: the port of a running guest's interface (uuid: `portid`, else new). */
export function portFromActual(owner: NetworkPortOwner, iface: DomainInterfaceDef, uuidGen: () => Uuid): NetworkPortDef {
  const net = requireNetworkType(iface)
  const a = net.actual
  if (a === undefined) {
    throw new HostnetError('invalid-argument', `Missing actual data for interface '${net.target?.dev ?? net.mac}'`)
  }
  const out: Mutable<NetworkPortDef> = { uuid: net.portId ?? uuidGen(), owner, mac: net.mac }
  if (net.portGroup !== undefined) out.group = net.portGroup
  copyQos(out, a)
  if ((a.type === 'network' || a.type === 'bridge') && a.classId) out.classId = a.classId
  out.plug = plugOfActual(a, net)
  return out
}
