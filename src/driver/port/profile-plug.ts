/**
 * 802.1Qbg/802.1Qbh associations of plugged ports (libvirt's virNetDevVPortProfileAssociate/Disassociate around
 * a macvtap): after the devices exist, each port with a port profile is (pre-)associated in turn, waiting for
 * the switch's answer through lldpad (802.1Qbg) or the driver (802.1Qbh); a refusal or a timeout fails the plug
 * with a PortError that names the port, the network and the VDP status (the caller undoes the plug). Before
 * the devices go, the associations are withdrawn; a withdrawal that fails is a warning (lldpad drops a VSI
 * whose interface or EVB session ends; a device cannot stay associated without the host), as in libvirt.
 * @module
 */
import { errorMessage, HostnetError } from '../../errors.js'
import type { PortProfileInput } from '../../backend/vportprofile/index.js'
import type { Target } from '../../model/target.js'
import { FIELD, PortError } from '../../model/port/index.js'
import { targetKey } from '../../txn/target-key.js'
import type { Allocated } from './allocate-txn.js'
import type { PortContext } from './context.js'
import type { PlugRecord, PortProfileRecord } from './plug-record.js'

type Plugging = Allocated & { record: PlugRecord }

function describeInput(i: PortProfileInput): string {
  return `${i.type} ${i.type === '802.1Qbg' ? `(typeid ${i.virtualPort.typeId ?? '?'}, instance ${i.virtualPort.instanceId ?? '?'})` : `(profile '${i.virtualPort.profileId ?? '?'}')`} on '${i.dev}'`
}

function plugFailure(it: Plugging, profile: PortProfileRecord, e: unknown): PortError {
  const ctx = { portUuid: it.port.uuid, network: it.network.name }
  const status = e instanceof HostnetError && typeof e.details?.['status'] === 'string' ? e.details['status'] : errorMessage(e)
  const kind = e instanceof HostnetError ? e.kind : 'backend-failure'
  const op = profile.op ?? 'associate'
  const msg = `${op} of ${describeInput(profile.input)} failed (network '${it.network.name}'): VDP status ${status}`
  return new PortError(kind, ctx, msg, FIELD.virtualPort, e, { vdpStatus: status, device: profile.input.dev })
}

/**
 * A failure that left nothing with lldpad or the driver: the request itself was refused (lldpad keeps no VSI
 * for a request it refuses), or never sent (no lldpad, a device that is gone, no driver support).
 */
function leftNothing(e: unknown): boolean {
  return e instanceof HostnetError && (typeof e.details?.['errno'] === 'string' || e.kind === 'dependency' || e.kind === 'not-found' || e.kind === 'not-supported')
}

/**
 * Associate every port that has a port profile; returns the items with their records completed. `sent` collects
 * the ports whose request lldpad/the driver may hold (what a rollback must withdraw).
 */
export async function associateProfiles(ctx: PortContext, target: Target, items: readonly Plugging[], sent: Set<string>): Promise<Plugging[]> {
  const out: Plugging[] = []
  const changed: Plugging[] = []
  for (const it of items) {
    const profile = it.record.portProfile
    if (profile === undefined) {
      out.push(it)
      continue
    }
    let done
    sent.add(it.port.uuid)
    try {
      done = await ctx.services.portProfile(target, profile.input, profile.op ?? 'associate')
    } catch (e) {
      if (leftNothing(e)) sent.delete(it.port.uuid)
      throw plugFailure(it, profile, e)
    }
    const record: PlugRecord = { ...it.record, portProfile: { ...profile, root: done.root.ifname, vlan: done.root.vlan, status: done.status } }
    const next = { ...it, record }
    out.push(next)
    changed.push(next)
  }
  if (changed.length > 0) {
    const key = targetKey(target)
    ctx.ports.atomically(() => changed.forEach((it) => ctx.ports.transition(key, it.port.uuid, { from: ['plugging'], to: 'plugging', plug: it.record })))
  }
  return out
}

/** Complete a pre-association (libvirt's incoming migration finishing): associate now. */
export async function completeAssociation(ctx: PortContext, target: Target, uuid: string, network: string, profile: PortProfileRecord): Promise<PortProfileRecord> {
  try {
    const done = await ctx.services.portProfile(target, profile.input, 'associate')
    return { input: profile.input, root: done.root.ifname, vlan: done.root.vlan, status: done.status }
  } catch (e) {
    const status = e instanceof HostnetError && typeof e.details?.['status'] === 'string' ? e.details['status'] : errorMessage(e)
    const kind = e instanceof HostnetError ? e.kind : 'backend-failure'
    throw new PortError(kind, { portUuid: uuid, network }, `associate of ${describeInput(profile.input)} failed (network '${network}'): VDP status ${status}`, FIELD.virtualPort, e, { vdpStatus: status })
  }
}

/** Withdraw the associations of ports about to be unplugged (failures are warnings). */
export async function disassociateProfiles(ctx: PortContext, target: Target, items: ReadonlyArray<{ uuid: string; record: PlugRecord }>): Promise<void> {
  for (const it of items) {
    const profile = it.record.portProfile
    if (profile === undefined) continue
    try {
      await ctx.services.portProfile(target, profile.input, 'disassociate')
    } catch (e) {
      ctx.log(`warning: network port '${it.uuid}': disassociation of ${describeInput(profile.input)} failed: ${errorMessage(e)}`)
    }
  }
}
