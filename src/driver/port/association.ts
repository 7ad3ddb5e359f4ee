/**
 * What `net-port-list`, `net-port-dumpxml --json` and the API show of a port's 802.1Qbg/802.1Qbh association:
 * the profile (type, ids), where it was made (pool interface, root device, VLAN), what was asked and answered
 * when it was made, and on request its live state, asked of lldpad or the driver at that moment.
 * @module
 */
import type { AssociationState } from '../../backend/vportprofile/index.js'
import { errorMessage } from '../../errors.js'
import type { Target } from '../../model/target.js'
import type { PortContext } from './context.js'
import type { PortProfileRecord } from './plug-record.js'

export interface PortAssociation {
  readonly type: '802.1Qbg' | '802.1Qbh'
  /** The pool interface under the port's macvtap. */
  readonly dev: string
  /** The device the request went to and the VLAN announced (once made). */
  readonly root?: string
  readonly vlan?: number
  readonly op: 'associate' | 'preassociate' | 'preassociate-rr'
  /** `associated`, `preassociated`, or `pending` while the port is being plugged. */
  readonly state: 'associated' | 'preassociated' | 'pending'
  /** The answer recorded when it was made. */
  readonly status?: string
  readonly managerId?: number
  readonly typeId?: number
  readonly typeIdVersion?: number
  readonly instanceId?: string
  readonly profileId?: string
  /** Asked of lldpad/the driver now (only when requested). */
  readonly live?: { readonly state: AssociationState | 'unknown'; readonly status: string }
}

export function associationOf(p: PortProfileRecord): PortAssociation {
  const vp = p.input.virtualPort
  const op = p.op ?? 'associate'
  return {
    type: p.input.type,
    dev: p.input.dev,
    ...(p.root === undefined ? {} : { root: p.root }),
    ...(p.vlan === undefined ? {} : { vlan: p.vlan }),
    op,
    state: p.status === undefined ? 'pending' : op === 'associate' ? 'associated' : 'preassociated',
    ...(p.status === undefined ? {} : { status: p.status }),
    ...(p.input.type === '802.1Qbg'
      ? { managerId: vp.managerId, typeId: vp.typeId, typeIdVersion: vp.typeIdVersion, instanceId: vp.instanceId }
      : { profileId: vp.profileId, instanceId: p.input.vmUuid }),
  } as PortAssociation
}

/** The association with its live state (an unreachable lldpad or driver gives `unknown` and why). */
export async function withLiveState(ctx: PortContext, target: Target, p: PortProfileRecord): Promise<PortAssociation> {
  const base = associationOf(p)
  try {
    const live = await ctx.services.portProfileStatus(target, p.input)
    return { ...base, live: { state: live.state, status: live.status } }
  } catch (e) {
    return { ...base, live: { state: 'unknown', status: errorMessage(e) } }
  }
}
