/**
 * A VM's tap as an Open vSwitch port, as libvirt's virNetDevOpenvswitchAddPort / RemovePort make it, but as OVSDB
 * operations for one transaction: the Interface with external_ids attached-mac, iface-id (the virtualport's
 * interfaceid), iface-status and vm-id (the owner domain's UUID), the Port with its VLAN (tag, trunks, vlan_mode)
 * and `port-profile` (the profileid), and the QoS rows of the port's bandwidth (backend/tc ovsQosOps). Adding
 * many ports is ONE transaction, waited for until ovs-vswitchd applied it; removing them is one look-up
 * transaction and one change.
 * @module
 */
import type { Vlan } from '../../model/netdev/vlan.js'
import type { NetworkPortDef } from '../../model/networkport.js'
import { ovsMap, ovsSet, uuidAtom, uuidOf } from '../ovsdb/atoms.js'
import type { OvsdbClient } from '../ovsdb/client.js'
import { byUuid, cond, eq, mutation, Op, type OperationResult, type OvsdbOperation } from '../ovsdb/ops.js'
import { addPortsOps, type PortSpec } from '../ovsdb/vswitch-ops.js'
import { transactAndWait, VSWITCH_DB } from '../ovsdb/wait-applied.js'
import { ovsQosOps } from '../tc/ovs-ops.js'

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/** A VM port to add: the tap `ifname` of `port` on OVS bridge `bridge`. */
export interface VmPort {
  readonly bridge: string
  readonly ifname: string
  readonly port: NetworkPortDef
}

/** A VM port to remove. */
export interface VmPortRef {
  readonly bridge: string
  readonly ifname: string
}

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

/** Add the tap of one VM port to its bridge, with its VLAN, external_ids and QoS. */
export function addVmPortOps(p: VmPort): OvsdbOperation[] {
  const { port, ifname } = p
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
  return [...addPortsOps(p.bridge, [spec]), ...qos]
}

/** Look-ups before a removal: the Port row, and the QoS and Queue rows libvirt's QoS left for this interface. */
export function findVmPortOps(ifname: string): OvsdbOperation[] {
  const mine = cond('external_ids', 'includes', ovsMap({ ifname }))
  return [
    Op.select('Port', [eq('name', ifname)], ['_uuid']),
    Op.select('QoS', [mine], ['_uuid']),
    Op.select('Queue', [mine], ['_uuid']),
  ]
}

/** How many results {@link findVmPortOps} gives per port. */
export const FIND_RESULTS_PER_PORT = 3

function uuids(r: OperationResult | undefined): string[] {
  return (r?.rows ?? []).map((row) => uuidOf(row['_uuid']))
}

/** The removal, from the look-ups' results (nothing when the port is not there). */
export function removeVmPortOps(bridge: string, found: readonly OperationResult[]): OvsdbOperation[] {
  const ports = uuids(found[0])
  const out: OvsdbOperation[] = []
  if (ports.length > 0) {
    out.push(Op.mutate('Bridge', [eq('name', bridge)], [mutation('ports', 'delete', ovsSet(ports.map(uuidAtom)))]))
  }
  for (const q of uuids(found[1])) out.push(Op.delete('QoS', [byUuid(q)]))
  for (const q of uuids(found[2])) out.push(Op.delete('Queue', [byUuid(q)]))
  return out
}

/** Add VM ports in ONE transaction, resolved once ovs-vswitchd applied it. */
export async function addVmPorts(client: OvsdbClient, ports: readonly VmPort[]): Promise<void> {
  const ops = ports.flatMap(addVmPortOps)
  if (ops.length > 0) await transactAndWait(client, ops)
}

/** Remove VM ports (and their QoS rows): one look-up transaction, then one change waited for (nothing if none is there). */
export async function removeVmPorts(client: OvsdbClient, ports: readonly VmPortRef[]): Promise<void> {
  if (ports.length === 0) return
  const found = await client.transact(VSWITCH_DB, ports.flatMap((p) => findVmPortOps(p.ifname)))
  const n = FIND_RESULTS_PER_PORT
  const ops = ports.flatMap((p, k) => removeVmPortOps(p.bridge, found.slice(n * k, n * k + n)))
  if (ops.length > 0) await transactAndWait(client, ops)
}
