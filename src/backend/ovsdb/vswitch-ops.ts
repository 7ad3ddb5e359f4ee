/**
 * Operation builders for common vswitch changes (what `ovs-vsctl add-br / add-port / del-port / del-br` do),
 * as plain op lists to concatenate into one transaction. Rows are linked with named UUIDs; names are unique per
 * builder call so several calls can share a transaction. Ports and bridges are referenced by name behind a
 * precondition (`wait` with timeout 0), so a missing bridge fails the whole transaction instead of silently
 * inserting rows that OVSDB would garbage-collect.
 * @module
 */
import { ValidationError } from '../../errors.js'
import { namedUuid, ovsMap, ovsSet, uuidAtom, type OvsdbAtom, type OvsdbRow } from './atoms.js'
import { Op, eq, mutation, type OvsdbOperation } from './ops.js'
import type { FailMode, PortVlanMode } from './vswitch-rows.js'

export interface PortSpec {
  name: string
  /** Interface type: '' (system, the default), 'internal', 'patch', ... */
  type?: string
  /** Access VLAN tag, 0..4095. */
  tag?: number
  trunks?: readonly number[]
  vlanMode?: PortVlanMode
  options?: Readonly<Record<string, string>>
  mtuRequest?: number
  externalIds?: Readonly<Record<string, string>>
  /** external_ids of the Interface row (libvirt puts iface-id / vm-uuid / attached-mac here). */
  ifaceExternalIds?: Readonly<Record<string, string>>
}

export interface BridgeSpec {
  name: string
  /** 'netdev' (userspace) or '' / 'system' (kernel); default 'netdev'. */
  datapathType?: string
  failMode?: FailMode
  stpEnable?: boolean
  otherConfig?: Readonly<Record<string, string>>
  externalIds?: Readonly<Record<string, string>>
}

let callSeq = 0

function checkVlan(v: number, what: string, port: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 4095) {
    throw new ValidationError(`invalid ${what} ${v} for OVS port '${port}': must be an integer in 0..4095`, { value: v, object: `port '${port}'` })
  }
  return v
}

function checkName(name: string, what: string): void {
  if (name === '') throw new ValidationError(`invalid ${what} name '': must not be empty`, { value: name })
}

export function interfaceRow(p: PortSpec): OvsdbRow {
  const row: Record<string, OvsdbRow[string]> = { name: p.name, type: p.type ?? '' }
  if (p.options) row['options'] = ovsMap(p.options)
  if (p.mtuRequest !== undefined) row['mtu_request'] = p.mtuRequest
  if (p.ifaceExternalIds) row['external_ids'] = ovsMap(p.ifaceExternalIds)
  return row
}

export function portRow(p: PortSpec, interfaceRef: OvsdbAtom): OvsdbRow {
  const row: Record<string, OvsdbRow[string]> = { name: p.name, interfaces: interfaceRef }
  if (p.tag !== undefined) row['tag'] = checkVlan(p.tag, 'VLAN tag', p.name)
  if (p.trunks) row['trunks'] = ovsSet(p.trunks.map((t) => checkVlan(t, 'trunk VLAN', p.name)))
  if (p.vlanMode) row['vlan_mode'] = p.vlanMode
  if (p.externalIds) row['external_ids'] = ovsMap(p.externalIds)
  return row
}

/** A precondition: one row of `table` is named `name` (fails the transaction with kind 'conflict' otherwise). */
export function expectNamedRow(table: string, name: string): OvsdbOperation {
  return Op.wait(table, [eq('name', name)], { columns: ['name'], until: '==', rows: [{ name }], timeoutMs: 0 })
}

/** Insert Interface + Port rows for `ports` and add them to bridge `bridge` (by name). */
export function addPortsOps(bridge: string, ports: readonly PortSpec[]): OvsdbOperation[] {
  checkName(bridge, 'bridge')
  const seq = ++callSeq
  const ops: OvsdbOperation[] = [expectNamedRow('Bridge', bridge)]
  const refs: OvsdbAtom[] = []
  ports.forEach((p, i) => {
    checkName(p.name, 'port')
    const ifName = `hn${seq}_i${i}`
    const portName = `hn${seq}_p${i}`
    ops.push(Op.insert('Interface', interfaceRow(p), ifName))
    ops.push(Op.insert('Port', portRow(p, namedUuid(ifName)), portName))
    refs.push(namedUuid(portName))
  })
  ops.push(Op.mutate('Bridge', [eq('name', bridge)], [mutation('ports', 'insert', ovsSet(refs))]))
  return ops
}

/** Create a bridge with its local internal port (same name) and attach it to Open_vSwitch.bridges. */
export function addBridgeOps(spec: BridgeSpec): OvsdbOperation[] {
  checkName(spec.name, 'bridge')
  const seq = ++callSeq
  const [ifName, portName, brName] = [`hn${seq}_i`, `hn${seq}_p`, `hn${seq}_b`]
  const row: Record<string, OvsdbRow[string]> = {
    name: spec.name,
    datapath_type: spec.datapathType ?? 'netdev',
    ports: namedUuid(portName),
  }
  if (spec.failMode) row['fail_mode'] = spec.failMode
  if (spec.stpEnable !== undefined) row['stp_enable'] = spec.stpEnable
  if (spec.otherConfig) row['other_config'] = ovsMap(spec.otherConfig)
  if (spec.externalIds) row['external_ids'] = ovsMap(spec.externalIds)
  return [
    Op.insert('Interface', interfaceRow({ name: spec.name, type: 'internal' }), ifName),
    Op.insert('Port', portRow({ name: spec.name }, namedUuid(ifName)), portName),
    Op.insert('Bridge', row, brName),
    Op.mutate('Open_vSwitch', [], [mutation('bridges', 'insert', ovsSet([namedUuid(brName)]))]),
  ]
}

/** Detach ports (by name) from a bridge; OVSDB garbage-collects the Port and Interface rows. */
export function deletePortsOps(bridge: string, portUuids: readonly string[]): OvsdbOperation[] {
  return [Op.mutate('Bridge', [eq('name', bridge)], [mutation('ports', 'delete', ovsSet(portUuids.map(uuidAtom)))])]
}

/** Detach a bridge from Open_vSwitch.bridges; its ports and interfaces go with it. */
export function deleteBridgeOps(bridgeUuid: string): OvsdbOperation[] {
  return [Op.mutate('Open_vSwitch', [], [mutation('bridges', 'delete', ovsSet([uuidAtom(bridgeUuid)]))])]
}

/** A fresh vswitch database's root row (`Open_vSwitch`, empty), as `ovs-vsctl init` makes it. */
export function vswitchRootOps(): OvsdbOperation[] {
  return [Op.insert('Open_vSwitch', {})]
}
