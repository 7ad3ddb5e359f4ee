/**
 * A port's tap as an Open vSwitch port, as libvirt's virNetDevOpenvswitchAddPort / RemovePort make it, but as
 * OVSDB operations for one transaction: the Interface with external_ids attached-mac, iface-id (the virtualport's
 * interfaceid), iface-status and vm-id (the owner domain's UUID), the Port with its VLAN (tag, trunks, vlan_mode)
 * and `port-profile` (the profileid), and the QoS rows of the port's bandwidth (backend/tc ovsQosOps).
 * @module
 */
import { ovsQosOps } from '../../backend/tc/index.js'
import { addPortsOps, type PortSpec } from '../../backend/ovsdb/vswitch-ops.js'
import { ovsMap, ovsSet, uuidAtom, uuidOf } from '../../backend/ovsdb/atoms.js'
import { byUuid, cond, eq, mutation, Op, type OperationResult, type OvsdbOperation } from '../../backend/ovsdb/ops.js'
import type { Vlan } from '../../model/netdev/vlan.js'
import type { NetworkPortDef } from '../../model/networkport.js'

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/** libvirt's virNetDevOpenvswitchConstructVlans: trunk → trunks (+ native tag and mode), else the access tag. */
export function ovsVlanColumns(vlan: Vlan | undefined): Pick<PortSpec, 'tag' | 'trunks' | 'vlanMode'> {
  if (vlan === undefined || vlan.tags.length === 0) return {}
  if (!vlan.trunk) return { tag: vlan.tags[0]! }
  const out: Mutable<Pick<PortSpec, 'tag' | 'trunks' | 'vlanMode'>> = { trunks: [...vlan.tags] }
  if (vlan.nativeMode !== undefined && vlan.nativeTag !== undefined) {
    out.tag = vlan.nativeTag
    out.vlanMode = vlan.nativeMode === 'tagged' ? 'native-tagged' : 'native-untagged'
  }
  return out
}

/** Add the tap `ifname` of `port` to `bridge`, with its VLAN, external_ids and QoS. */
export function ovsAddPortOps(bridge: string, ifname: string, port: NetworkPortDef): OvsdbOperation[] {
  const vp = port.virtualPort
  const ifaceIds: Record<string, string> = { 'attached-mac': port.mac, 'iface-status': 'active', 'vm-id': port.owner.uuid }
  if (vp?.interfaceId !== undefined) ifaceIds['iface-id'] = vp.interfaceId
  const spec: PortSpec = {
    name: ifname,
    ...ovsVlanColumns(port.vlan),
    ifaceExternalIds: ifaceIds,
    ...(vp?.profileId === undefined ? {} : { externalIds: { 'port-profile': vp.profileId } }),
  }
  const qos = ovsQosOps(ifname, port.bandwidth, port.owner.uuid, { swapped: true })
  return [...addPortsOps(bridge, [spec]), ...qos]
}

/** Look-ups before a removal: the Port row, and the QoS and Queue rows libvirt's QoS left for this interface. */
export function ovsFindPortOps(ifname: string): OvsdbOperation[] {
  const mine = cond('external_ids', 'includes', ovsMap({ ifname }))
  return [
    Op.select('Port', [eq('name', ifname)], ['_uuid']),
    Op.select('QoS', [mine], ['_uuid']),
    Op.select('Queue', [mine], ['_uuid']),
  ]
}

function uuids(r: OperationResult | undefined): string[] {
  return (r?.rows ?? []).map((row) => uuidOf(row['_uuid']))
}

/** The removal, from the look-ups' results (nothing when the port is not there). */
export function ovsRemovePortOps(bridge: string, found: readonly OperationResult[]): OvsdbOperation[] {
  const ports = uuids(found[0])
  const out: OvsdbOperation[] = []
  if (ports.length > 0) {
    out.push(Op.mutate('Bridge', [eq('name', bridge)], [mutation('ports', 'delete', ovsSet(ports.map(uuidAtom)))]))
  }
  for (const q of uuids(found[1])) out.push(Op.delete('QoS', [byUuid(q)]))
  for (const q of uuids(found[2])) out.push(Op.delete('Queue', [byUuid(q)]))
  return out
}
