/**
 * Port-profile operations for a port's device, as the port driver asks for them: from the pool interface (and
 * VF) and the port's merged `<virtualport>` to the request libvirt would send (802.1Qbg: the root device and
 * VLAN under the macvtap, the MAC, manager/type ids, instance id; 802.1Qbh: the profile, the VM's UUID and the
 * host's UUID), run to its end, and the live state of an association (one status query).
 * @module
 */
import { readFileSync } from 'node:fs'
import { HostnetError } from '../../errors.js'
import type { VirtualPort } from '../../model/netdev/virtualport.js'
import type { Target } from '../../model/target.js'
import type { MacAddr } from '../../model/values/mac.js'
import { tryParseUuid, type Uuid } from '../../model/values/uuid.js'
import type { Runner } from '../../sys/exec.js'
import type { NetlinkChannel } from '../netlink/index.js'
import { isSuccess, PORT_PROFILE_RESPONSE_INPROGRESS, PORT_SELF_VF, responseName, type PortOp } from './codes.js'
import { runPortProfileOp, type ExchangeDeps } from './exchange.js'
import { rootDevice, type RootDevice } from './lower.js'
import { findStatus, getLinkMessage, statusEntries, type PortProfileRequest } from './messages.js'

export type PortProfileType = '802.1Qbg' | '802.1Qbh'

/** What a port's association is about (recorded with the port, so a later process can disassociate it). */
export interface PortProfileInput {
  readonly type: PortProfileType
  /** The pool interface the port's macvtap sits on (802.1Qbh: the device, or the PF of `vf`). */
  readonly dev: string
  /** 802.1Qbh: a VF of `dev` (absent: the device itself). */
  readonly vf?: number
  readonly mac: MacAddr
  readonly virtualPort: VirtualPort
  /** The owner domain's UUID (802.1Qbh's instance). */
  readonly vmUuid: Uuid
}

export interface PortProfileOutcome {
  readonly root: RootDevice
  readonly response: number
  readonly status: string
  readonly elapsedMs: number
}

export type AssociationState = 'associated' | 'in-progress' | 'failed' | 'absent'

export interface PortProfileLive {
  readonly root: RootDevice
  readonly state: AssociationState
  readonly status: string
  readonly response?: number
}

export interface PortProfileServiceOptions {
  runner: Runner
  channel: NetlinkChannel
  lldpadPort: (target: Target) => number
  timeoutMs?: number
  pollIntervalMs?: number
  /** The host's UUID for 802.1Qbh (default: SMBIOS product UUID, else /etc/machine-id). */
  hostUuid?: () => Uuid
}

/** libvirt's virGetHostUUID in short: the SMBIOS system UUID, else the machine id. */
export function readHostUuid(): Uuid {
  for (const path of ['/sys/class/dmi/id/product_uuid', '/etc/machine-id']) {
    try {
      const u = tryParseUuid(readFileSync(path, 'utf8').trim())
      if (u !== undefined) return u
    } catch {
      // not readable here: try the next source
    }
  }
  throw new HostnetError('dependency', 'cannot read a host UUID (/sys/class/dmi/id/product_uuid, /etc/machine-id) for 802.1Qbh')
}

function need(v: number | undefined, what: string): number {
  if (v === undefined) throw new HostnetError('invalid-argument', `missing ${what} in <virtualport type='802.1Qbg'>`)
  return v
}

export class PortProfileService {
  constructor(private readonly o: PortProfileServiceOptions) {}

  private deps(): ExchangeDeps {
    const d: ExchangeDeps = { channel: this.o.channel, lldpadPort: this.o.lldpadPort }
    if (this.o.timeoutMs !== undefined) d.timeoutMs = this.o.timeoutMs
    if (this.o.pollIntervalMs !== undefined) d.pollIntervalMs = this.o.pollIntervalMs
    return d
  }

  /** The device the request goes to: Qbg's root under VLANs and macvtaps, Qbh's device itself. */
  async root(target: Target, input: PortProfileInput): Promise<RootDevice> {
    return rootDevice(this.o.runner, target, input.dev, { stacked: input.type === '802.1Qbg' })
  }

  request(input: PortProfileInput, root: RootDevice, op: PortOp): PortProfileRequest {
    const vp = input.virtualPort
    if (input.type === '802.1Qbg') {
      if (vp.instanceId === undefined) throw new HostnetError('invalid-argument', "missing instanceid in <virtualport type='802.1Qbg'>")
      return {
        kind: '802.1Qbg',
        op,
        ifindex: root.ifindex,
        ifname: root.ifname,
        mac: input.mac,
        vlan: root.vlan,
        managerId: need(vp.managerId, 'managerid'),
        typeId: need(vp.typeId, 'typeid'),
        typeIdVersion: need(vp.typeIdVersion, 'typeidversion'),
        instanceId: vp.instanceId,
      }
    }
    const vf = input.vf ?? PORT_SELF_VF
    if (op === 'disassociate') return { kind: '802.1Qbh', op, ifindex: root.ifindex, vf }
    if (vp.profileId === undefined) throw new HostnetError('invalid-argument', "missing profileid in <virtualport type='802.1Qbh'>")
    const hostUuid = (this.o.hostUuid ?? readHostUuid)()
    return { kind: '802.1Qbh', op, ifindex: root.ifindex, vf, mac: input.mac, profileId: vp.profileId, instanceId: input.vmUuid, hostUuid }
  }

  /** Run `op` for the port to its end; throws a PortProfileError when refused or timed out. */
  async run(target: Target, input: PortProfileInput, op: PortOp): Promise<PortProfileOutcome> {
    const root = await this.root(target, input)
    const res = await runPortProfileOp(this.deps(), target, this.request(input, root, op))
    return { root, ...res }
  }

  /** Every VSI lldpad reports for an interface (802.1Qbg), with its answer so far. */
  async lldpadAssociations(target: Target, ifname: string): Promise<Array<{ instanceId: string; state: AssociationState; status: string }>> {
    const dev = await rootDevice(this.o.runner, target, ifname, { stacked: false })
    const entries = statusEntries(await this.o.channel.request(target, this.o.lldpadPort(target), getLinkMessage(dev.ifindex, 1)))
    return entries.map((e) => {
      const r = e.response
      const state: AssociationState = r === undefined || r === PORT_PROFILE_RESPONSE_INPROGRESS ? 'in-progress' : isSuccess(r) ? 'associated' : 'failed'
      return { instanceId: e.instanceId ?? '-', state, status: r === undefined ? 'in progress' : responseName(r) }
    })
  }

  /** The association's state as lldpad (802.1Qbg) or the driver (802.1Qbh) reports it now. */
  async status(target: Target, input: PortProfileInput): Promise<PortProfileLive> {
    const root = await this.root(target, input)
    const req = this.request(input, root, 'associate')
    const port = req.kind === '802.1Qbg' ? this.o.lldpadPort(target) : 0
    const entry = findStatus(statusEntries(await this.o.channel.request(target, port, getLinkMessage(root.ifindex, 1))), req)
    if (entry === undefined) return { root, state: 'absent', status: 'no association' }
    const r = entry.response
    if (r === undefined || r === PORT_PROFILE_RESPONSE_INPROGRESS) return { root, state: 'in-progress', status: 'in progress', ...(r === undefined ? {} : { response: r }) }
    return { root, state: isSuccess(r) ? 'associated' : 'failed', status: responseName(r), response: r }
  }
}
