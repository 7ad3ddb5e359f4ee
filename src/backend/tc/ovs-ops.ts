/**
 * The OVS form of libvirt's port QoS as one OVSDB transaction (for the native client in backend/ovsdb) instead
 * of ovs-vsctl commands: the same rows and columns `renderOvsQos` writes. Map keys are set the way
 * `ovs-vsctl set T r col:key=value` does (delete the key, insert the new pair), so other keys survive.
 * @module
 */
import type { Bandwidth, BandwidthRate } from '../../model/netdev/bandwidth.js'
import { namedUuid, ovsMap, ovsSet, uuidAtom } from '../ovsdb/atoms.js'
import type { OvsdbAtom } from '../ovsdb/atoms.js'
import { byUuid, eq, mutation, Op } from '../ovsdb/ops.js'
import type { Mutation, OvsdbOperation } from '../ovsdb/ops.js'
import { NOTHING_FOUND } from './render-ovs.js'
import type { OvsQosOptions, OvsQosFound } from './render-ovs.js'

function setKeys(column: string, entries: Readonly<Record<string, OvsdbAtom>>): Mutation[] {
  return [
    mutation(column, 'delete', ovsSet(Object.keys(entries))),
    mutation(column, 'insert', ovsMap(entries)),
  ]
}

function externalIds(ifname: string, vmUuid: string): Record<string, string> {
  return { 'vm-id': vmUuid, ifname }
}

function txConfig(tx: BandwidthRate): Record<string, string> {
  const out: Record<string, string> = { 'min-rate': String(BigInt(tx.average ?? 0) * 8000n) }
  if (tx.burst !== undefined) out['burst'] = String(BigInt(tx.burst) * 8192n)
  if (tx.peak !== undefined) out['max-rate'] = String(BigInt(tx.peak) * 8000n)
  return out
}

function setTxOps(ifname: string, tx: BandwidthRate, vmUuid: string, found: OvsQosFound): OvsdbOperation[] {
  const ids = externalIds(ifname, vmUuid)
  const config = txConfig(tx)
  const out: OvsdbOperation[] = []
  const queue = found.queues[0]
  if (queue !== undefined) {
    out.push(Op.mutate('Queue', [byUuid(queue)], [...setKeys('other_config', config), ...setKeys('external_ids', ids)]))
  } else {
    out.push(Op.insert('Queue', { other_config: ovsMap(config), external_ids: ovsMap(ids) }, 'queue0'))
    out.push(
      Op.insert('QoS', {
        type: 'linux-htb',
        other_config: ovsMap(config),
        queues: ovsMap(new Map<OvsdbAtom, OvsdbAtom>([[0, namedUuid('queue0')]])),
        external_ids: ovsMap(ids),
      }, 'qos1'),
    )
    out.push(Op.update('Port', [eq('name', ifname)], { qos: namedUuid('qos1') }))
    out.push(Op.mutate('Port', [eq('name', ifname)], setKeys('external_ids', ids)))
  }
  const qos = found.qos[0]
  if (qos !== undefined) {
    out.push(Op.mutate('QoS', [byUuid(qos)], [...setKeys('other_config', config), ...setKeys('external_ids', ids)]))
  }
  return out
}

function clearTxOps(ifname: string, found: OvsQosFound): OvsdbOperation[] {
  const out: OvsdbOperation[] = []
  for (const qos of found.qos) {
    out.push(Op.mutate('Port', [eq('name', ifname)], [mutation('qos', 'delete', ovsSet([uuidAtom(qos)]))]))
    out.push(Op.delete('QoS', [byUuid(qos)]))
  }
  for (const queue of found.queues) out.push(Op.delete('Queue', [byUuid(queue)]))
  return out
}

function rxOps(ifname: string, rx: BandwidthRate | undefined): OvsdbOperation {
  const row: Record<string, number> = { ingress_policing_rate: rx === undefined ? 0 : Number(rx.average ?? 0) * 8 }
  if (rx === undefined) row['ingress_policing_burst'] = 0
  else if (rx.burst !== undefined) row['ingress_policing_burst'] = rx.burst * 8
  return Op.update('Interface', [eq('name', ifname)], row)
}

/** The operations equivalent to `renderOvsQos(ifname, bandwidth, vmUuid, opts)` (without the look-ups). */
export function ovsQosOps(
  ifname: string,
  bandwidth: Bandwidth | undefined,
  vmUuid: string,
  opts: OvsQosOptions,
): OvsdbOperation[] {
  if (bandwidth === undefined) return []
  const found = opts.found ?? NOTHING_FOUND
  const rx = opts.swapped ? bandwidth.outbound : bandwidth.inbound
  const tx = opts.swapped ? bandwidth.inbound : bandwidth.outbound
  const txOps = tx?.average ? setTxOps(ifname, tx, vmUuid, found) : clearTxOps(ifname, found)
  return [...txOps, rxOps(ifname, rx)]
}
