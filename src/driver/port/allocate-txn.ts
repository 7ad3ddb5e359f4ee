/**
 * Allocation inside ONE IMMEDIATE store transaction: look the network up (it must be active), build its pool from
 * a `<pf>` if that was not done yet, read what the network's current ports use (counts kept with the rows), run
 * the pure allocation (model/port: allocatePort, or notifyPort for a reclaim) for every request in turn, and
 * insert the rows, with their plug records, before anything touches the kernel. Any error throws before the
 * commit: no row, no count changes. Two processes allocating at once are serialised by SQLite's write lock, so
 * neither can take a device the other took.
 * @module
 */
import { HostnetError } from '../../errors.js'
import type { Target } from '../../model/target.js'
import { formatNetworkXml } from '../../codec/libvirt-xml/network/index.js'
import type { DomainInterfaceDef } from '../../model/domain-interface.js'
import { formatPciAddress } from '../../model/netdev/pci-address.js'
import type { NetworkDef } from '../../model/network/network-def.js'
import type { NetworkPortDef } from '../../model/networkport.js'
import { allocatePort, FIELD, notifyPort, poolIsExclusive, portError, type FloorPlug } from '../../model/port/index.js'
import type { NetworkRecord } from '../../store/networks.js'
import type { PortStatus, PortUsage } from '../../store/ports.js'
import { targetKey } from '../../txn/target-key.js'
import { notFound } from '../network/context.js'
import { currentDef } from '../network/define.js'
import { portChange, type PortContext } from './context.js'
import type { ActorOptions } from '../../store/index.js'
import { hostPlugFor } from './host-plug.js'
import { recordHasHostState, type GuestEnd, type PlugRecord } from './plug-record.js'
import { needsPfPool, withPfPool } from './pool.js'
import type { StoredPort } from './stored.js'

export interface PortCreateRequest {
  /** A new port (without plug), or with `reclaim` a running guest's port (with its plug). */
  port: NetworkPortDef
  /** The domain interface the port was made from, kept for `--domain-interface` output. */
  iface?: DomainInterfaceDef
  /** Host device name (default: from the port UUID). */
  ifname?: string
  /** Put the guest side into this namespace. */
  guest?: GuestEnd
}

export interface CreateOptions extends ActorOptions {
  /** libvirt's VIR_NETWORK_PORT_CREATE_RECLAIM: re-register a port that already has a plug (nothing is plugged). */
  reclaim?: boolean
  /** Plug on this host (default true); false: allocation only (the floor class is still set up). */
  plug?: boolean
  /**
   * 802.1Qbg/802.1Qbh ports: what to ask the switch for (default associate); a pre-association (with resource
   * reservation: `preassociate-rr`) is libvirt's incoming migration, completed later by `associate()`.
   */
  profileOp?: 'preassociate' | 'preassociate-rr' | 'associate'
}

export interface Allocated {
  readonly port: NetworkPortDef
  readonly network: NetworkDef
  readonly status: PortStatus
  readonly record?: PlugRecord
  readonly floor?: FloorPlug
  readonly portGroup?: string
}

/** The network record, which must exist and be active (libvirt checks both before anything else). */
export function activeNetwork(ctx: PortContext, key: string, name: string, portUuid: string): NetworkRecord {
  const rec = ctx.networks.get(key, name)
  if (rec === undefined) throw notFound(name)
  if (rec.status !== 'active') throw portError('conflict', { portUuid, network: name }, `network '${name}' is not active`, FIELD.network)
  return rec
}

function checkPlugPresence(req: PortCreateRequest, network: string, reclaim: boolean): void {
  const ctx = { portUuid: req.port.uuid, network }
  if (req.port.plug === undefined && reclaim) {
    throw portError('invalid-argument', ctx, 'Port reclaim requested but plug type is none', FIELD.plug)
  }
  if (req.port.plug !== undefined && !reclaim) {
    throw portError('invalid-argument', ctx, 'Port reclaim not requested but plug type is not none', FIELD.plug)
  }
}

/** The live definition, with its pool built from the PF now if needed (written back to the store). */
function liveDefinition(ctx: PortContext, rec: NetworkRecord, firstPort: string): NetworkDef {
  const def = currentDef(rec)
  if (!needsPfPool(def)) return def
  const expanded = withPfPool(def, ctx.services, { portUuid: firstPort, network: rec.name })
  ctx.networks.transition(rec.target, rec.name, { from: ['active'], to: 'active', liveXml: formatNetworkXml(expanded) })
  return expanded
}

function poolDevice(port: NetworkPortDef): string | undefined {
  const plug = port.plug
  if (plug?.type === 'direct') return plug.dev
  if (plug?.type === 'hostdev-pci') return formatPciAddress(plug.address)
  return undefined
}

interface OneResult {
  port: NetworkPortDef
  floor?: FloorPlug
  portGroup?: string
}

function allocateOne(ctx: PortContext, def: NetworkDef, usage: PortUsage, req: PortCreateRequest, reclaim: boolean): OneResult {
  if (reclaim) {
    notifyPort({ network: def, active: true, port: req.port, connections: usage.devices })
    return { port: req.port }
  }
  const a = allocatePort({
    network: def,
    active: true,
    port: req.port,
    uuidGen: ctx.uuidGen,
    connections: usage.devices,
    floor: { floorSum: usage.floorSum, classIds: usage.classIds },
  })
  const out: OneResult = { port: a.port }
  if (a.floor !== undefined) out.floor = a.floor
  if (a.portGroup !== undefined) out.portGroup = a.portGroup
  return out
}

/** Account the new port in the running usage (the next request of the batch sees it). */
function account(usage: PortUsage, port: NetworkPortDef, device: string | undefined, floor: number): void {
  usage.connections += 1
  if (device !== undefined) usage.devices[device] = (usage.devices[device] ?? 0) + 1
  usage.floorSum += floor
  if (port.classId !== undefined) usage.classIds.push(port.classId)
}

function floorOf(port: NetworkPortDef): number {
  return port.classId === undefined ? 0 : (port.bandwidth?.inbound?.floor ?? 0)
}

function insertRow(ctx: PortContext, key: string, network: string, req: PortCreateRequest, a: Allocated): void {
  const device = poolDevice(a.port)
  const stored: StoredPort = req.iface === undefined ? { port: a.port } : { port: a.port, iface: req.iface }
  ctx.ports.insert({
    target: key,
    network,
    uuid: a.port.uuid,
    status: a.status,
    def: stored,
    device,
    exclusive: device !== undefined && poolIsExclusive(a.network.forward.mode, a.port.virtualPort?.type),
    classId: a.port.classId,
    floor: floorOf(a.port),
    plug: a.record,
    ...(a.status === 'plugging' ? { owner: ctx.owner } : {}),
  })
}

/** What the change record says about a new port: its network, and its device when it has one. */
export function createdDetail(network: string, a: Allocated, reclaim = false): Record<string, unknown> {
  const device = a.record?.device?.ifname ?? a.record?.hostdev ?? poolDevice(a.port)
  return { network, ...(device === undefined ? {} : { device }), ...(reclaim ? { reclaim } : {}) }
}

function statusOf(record: PlugRecord | undefined): PortStatus {
  if (recordHasHostState(record)) return 'plugging'
  return record?.hostdev !== undefined ? 'plugged' : 'allocated'
}

function duplicate(network: string, uuid: string): HostnetError {
  return portError('conflict', { portUuid: uuid, network }, `Network port with UUID ${uuid} already exists`, '/networkport/uuid')
}

/** Allocate every request (all or none) and insert their rows; returns what each port needs plugged. */
export function allocateAll(ctx: PortContext, target: Target, network: string, reqs: readonly PortCreateRequest[], opts: CreateOptions): Allocated[] {
  const key = targetKey(target)
  const reclaim = opts.reclaim === true
  return ctx.ports.atomically(() => {
    const rec = activeNetwork(ctx, key, network, reqs[0]?.port.uuid ?? '(new)')
    for (const r of reqs) checkPlugPresence(r, network, reclaim)
    const def = liveDefinition(ctx, rec, reqs[0]?.port.uuid ?? '(new)')
    const usage = ctx.ports.usage(key, network, { classIds: def.bandwidth?.inbound !== undefined })
    const seen = new Set<string>()
    return reqs.map((req) => {
      if (seen.has(req.port.uuid) || ctx.ports.has(key, req.port.uuid)) throw duplicate(network, req.port.uuid)
      seen.add(req.port.uuid)
      const one = allocateOne(ctx, def, usage, req, reclaim)
      const record = reclaim ? undefined : hostPlugFor({ port: one.port, network: def, plug: opts.plug !== false, ifname: req.ifname, guest: req.guest, floor: one.floor, profileOp: opts.profileOp })
      const a: Allocated = { port: one.port, network: def, status: statusOf(record), ...(record === undefined ? {} : { record }), ...(one.floor === undefined ? {} : { floor: one.floor }), ...(one.portGroup === undefined ? {} : { portGroup: one.portGroup }) }
      insertRow(ctx, key, network, req, a)
      // a port with nothing to plug on this host is created now; one being plugged when it is plugged (plug.ts)
      if (a.status !== 'plugging') ctx.ports.record(portChange(ctx, key, a.port.uuid, 'port.created', createdDetail(network, a, reclaim)))
      account(usage, a.port, poolDevice(a.port), floorOf(a.port))
      return a
    })
  })
}
