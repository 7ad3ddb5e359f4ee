/**
 * The port driver (libvirt's networkPortCreateXML / ListAllPorts / GetXMLDesc / Delete and the plugging a
 * hypervisor would do): allocation in one store transaction (allocate-txn.ts), plugging on this host (plug.ts),
 * deletion (release.ts), recovery (recover.ts), and the network driver's hooks (connections in the live XML,
 * ports released when a network stops). The batch verbs (`createMany`, `deleteMany`) do one store transaction
 * and one kernel batch for all their ports.
 * @module
 */
import type { Target } from '../../model/target.js'
import type { DomainInterfaceDef } from '../../model/domain-interface.js'
import type { NetworkDef } from '../../model/network/network-def.js'
import type { NetworkPortDef } from '../../model/networkport.js'
import { ACTOR_RECOVERY, actingFor, type ActorOptions } from '../../store/index.js'
import type { PortRecord, PortStatus } from '../../store/ports.js'
import { targetKey } from '../../txn/target-key.js'
import { parseIfName } from '../../model/values/ifname.js'
import { parseUuid } from '../../model/values/uuid.js'
import { notFound } from '../network/context.js'
import { associationOf, withLiveState, type PortAssociation } from './association.js'
import { activeNetwork, allocateAll, type CreateOptions, type PortCreateRequest } from './allocate-txn.js'
import { resolvePortContext, type PortContext, type PortDriverDeps } from './context.js'
import { withConnections } from './live-status.js'
import { plugAll } from './plug.js'
import { completeAssociation } from './profile-plug.js'
import { FIELD, portError } from '../../model/port/index.js'
import { deviceLocation, readPlugRecord, type GuestEnd, type PlugRecord } from './plug-record.js'
import { recoverPorts, type PortRecoveryReport } from './recover.js'
import { deletePorts, portNotFound, releaseNetworkPorts } from './release.js'
import { readStoredPort } from './stored.js'
import { formatPortXml, formatStatusInterface, statusInterface } from './xml.js'

export interface PortInfo {
  target: string
  network: string
  uuid: string
  status: PortStatus
  port: NetworkPortDef
  /** The host device (in the target), when one is plugged there. */
  device?: string
  /** Where the guest side is (a guest namespace and the device's name there). */
  guest?: GuestEnd
  /** hostdev: the VF handed to the guest. */
  hostdev?: string
  /** The domain interface the port was made from. */
  iface?: DomainInterfaceDef
  /** The 802.1Qbg/802.1Qbh association of the port's device. */
  association?: PortAssociation
}

/**
 * A port UUID as a user gave it, in libvirt's canonical form for the lookup: libvirt parses UUIDs with or without
 * dashes, in either case (virUUIDParse). A malformed one is invalid input, not an unknown port.
 */
function portUuid(uuid: string): string {
  return parseUuid(uuid, 'network port UUID', '/networkport/uuid')
}

/** Device names a caller chose (the host device, the guest end) follow the one device-name rule. */
function checkRequestNames(req: PortCreateRequest): void {
  if (req.ifname !== undefined) parseIfName(req.ifname, 'port device name', '/interface/target/@dev')
  if (req.guest !== undefined) parseIfName(req.guest.name, 'guest device name', '/interface/guest/@dev')
}

function infoOf(rec: PortRecord): PortInfo {
  const stored = readStoredPort(rec)
  const base = { target: rec.target, network: rec.network, uuid: rec.uuid, status: rec.status, port: stored.port }
  return describe(base, readPlugRecord(rec.plug, rec.uuid), stored.iface)
}

function describe(base: PortInfo, record: PlugRecord | undefined, iface: DomainInterfaceDef | undefined): PortInfo {
  const out: PortInfo = { ...base }
  const d = record?.device
  if (d !== undefined && deviceLocation(d).netns === undefined) out.device = d.ifname
  if (d?.guest !== undefined) out.guest = d.guest
  if (record?.hostdev !== undefined) out.hostdev = record.hostdev
  if (iface !== undefined) out.iface = iface
  if (record?.portProfile !== undefined) out.association = associationOf(record.portProfile)
  return out
}

export class PortDriver {
  readonly ctx: PortContext

  constructor(deps: PortDriverDeps) {
    this.ctx = resolvePortContext(deps)
  }

  /** net-port-create: allocate (or with `reclaim` re-register) a port, and plug it unless told not to. */
  async create(target: Target, network: string, req: PortCreateRequest, opts: CreateOptions = {}): Promise<PortInfo> {
    const [one] = await this.createMany(target, network, [req], opts)
    return one!
  }

  /** Several ports at once: one allocation transaction (all or none), one kernel batch. */
  async createMany(target: Target, network: string, reqs: readonly PortCreateRequest[], opts: CreateOptions = {}): Promise<PortInfo[]> {
    if (reqs.length === 0) return []
    reqs.forEach(checkRequestNames)
    const ctx = actingFor(this.ctx, opts.actor)
    const allocated = allocateAll(ctx, target, network, reqs, opts)
    const records = await plugAll(ctx, target, allocated)
    const key = targetKey(target)
    return allocated.map((a, i) => {
      const status = a.status === 'plugging' ? 'plugged' : a.status
      return describe({ target: key, network, uuid: a.port.uuid, status, port: a.port }, records.get(a.port.uuid) ?? a.record, reqs[i]?.iface)
    })
  }

  /** net-port-delete: release the port and remove what it has on the host. */
  async delete(target: Target, network: string, uuid: string, opts: ActorOptions = {}): Promise<void> {
    await deletePorts(actingFor(this.ctx, opts.actor), target, network, [portUuid(uuid)])
  }

  async deleteMany(target: Target, network: string, uuids: readonly string[], opts: ActorOptions = {}): Promise<void> {
    if (uuids.length > 0) await deletePorts(actingFor(this.ctx, opts.actor), target, network, uuids.map(portUuid))
  }

  /** net-port-list: the ports of an active network, oldest first. */
  list(target: Target, network: string): PortInfo[] {
    const key = targetKey(target)
    activeNetwork(this.ctx, key, network, '(list)')
    return this.ctx.ports.listByNetwork(key, network).map(infoOf)
  }

  /** Every port of a target, by network (whatever the networks' states: the topology reads them all at once). */
  listTarget(target: Target): PortInfo[] {
    return this.ctx.ports.listByTarget(targetKey(target)).map(infoOf)
  }

  get(target: Target, network: string, given: string): PortInfo {
    const uuid = portUuid(given)
    const key = targetKey(target)
    if (this.ctx.networks.get(key, network) === undefined) throw notFound(network)
    const rec = this.ctx.ports.get(key, uuid)
    if (rec === undefined || rec.network !== network) throw portNotFound(network, uuid)
    activeNetwork(this.ctx, key, network, uuid)
    return infoOf(rec)
  }

  /** The ports (all, or `uuids`) with the live state of their associations, asked of lldpad/the driver now. */
  async withLiveAssociations(target: Target, infos: readonly PortInfo[]): Promise<PortInfo[]> {
    const key = targetKey(target)
    return Promise.all(
      infos.map(async (info) => {
        const rec = this.ctx.ports.get(key, info.uuid)
        const profile = rec === undefined ? undefined : readPlugRecord(rec.plug, info.uuid)?.portProfile
        return profile === undefined ? info : { ...info, association: await withLiveState(this.ctx, target, profile) }
      }),
    )
  }

  /** Complete a pre-associated port's association (libvirt's incoming migration finishing). */
  async associate(target: Target, network: string, given: string): Promise<PortInfo> {
    const info = this.get(target, network, given)
    const uuid = info.uuid
    const key = targetKey(target)
    const rec = this.ctx.ports.get(key, uuid)
    const record = rec === undefined ? undefined : readPlugRecord(rec.plug, uuid)
    const profile = record?.portProfile
    if (record === undefined || profile === undefined || rec?.status !== 'plugged') {
      throw portError('invalid-argument', { portUuid: uuid, network }, 'the port has no 802.1Qbg/802.1Qbh association on this host', FIELD.virtualPort)
    }
    const done = await completeAssociation(this.ctx, target, uuid, network, profile)
    const next: PlugRecord = { ...record, portProfile: done }
    this.ctx.ports.transition(key, uuid, { from: ['plugged'], to: 'plugged', plug: next })
    return { ...info, association: associationOf(done) }
  }

  /** net-port-dumpxml: the `<networkport>`, or with `domainInterface` the domain status `<interface>`. */
  dumpXml(target: Target, network: string, uuid: string, opts: { domainInterface?: boolean } = {}): string {
    const info = this.get(target, network, uuid)
    if (opts.domainInterface !== true) return formatPortXml(info.port)
    const rec = this.ctx.ports.get(targetKey(target), info.uuid)
    const record = rec === undefined ? undefined : readPlugRecord(rec.plug, info.uuid)
    return formatStatusInterface(statusInterface(network, info.port, info.iface, record))
  }

  /** The live definition of a running network with its connection counts. */
  liveStatus(target: Target, def: NetworkDef): NetworkDef {
    const usage = this.ctx.ports.usage(targetKey(target), def.name)
    return withConnections(def, usage)
  }

  /** Before a network stops: its ports go (unplugged). Returns how many there were. */
  releaseAll(target: Target, network: string, opts: ActorOptions = {}): Promise<number> {
    return releaseNetworkPorts(actingFor(this.ctx, opts.actor), target, network)
  }

  recover(opts: { scan?: boolean } = {}): Promise<PortRecoveryReport> {
    return recoverPorts(actingFor(this.ctx, ACTOR_RECOVERY), opts)
  }

  close(): Promise<void> {
    return this.ctx.services.close()
  }
}
