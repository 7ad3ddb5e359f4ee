/**
 * Deleting ports (libvirt's networkPortDelete → networkReleasePort): in one IMMEDIATE transaction the ports are
 * looked up, checked against the network (model/port releasePort: a pool device must be in the pool), their floor
 * classes' effect on the default class computed, and their rows claimed ('unplugging', or deleted at once when
 * nothing of them is on the host); then the host side is removed (unplug.ts) and the rows deleted. What could not
 * be removed keeps its row, ownerless, for recovery to retry: counts never drop below what is plugged.
 * @module
 */
import { HostnetError } from '../../errors.js'
import type { Target } from '../../model/target.js'
import type { NetworkDef } from '../../model/network/network-def.js'
import { FIELD, portError, releasePort, type FloorState } from '../../model/port/index.js'
import type { PortRecord } from '../../store/ports.js'
import { processRunning, sameProcess } from '../../sys/process.js'
import { errorBrief } from '../../txn/error-json.js'
import { targetKey } from '../../txn/target-key.js'
import { notFound } from '../network/context.js'
import { currentDef } from '../network/define.js'
import { portChange, type PortContext } from './context.js'
import { readPlugRecord, recordHasHostState } from './plug-record.js'
import { readStoredPort } from './stored.js'
import { unplugAll, type UnplugItem } from './unplug.js'

export function portNotFound(network: string, uuid: string): HostnetError {
  return portError('not-found', { portUuid: uuid, network }, `Network port with UUID ${uuid} does not exist`, '/networkport/uuid')
}

function checkNotBusy(ctx: PortContext, rec: PortRecord): void {
  if (rec.status !== 'plugging' && rec.status !== 'unplugging') return
  const o = rec.owner
  if (o === undefined || sameProcess(o, ctx.owner) || !processRunning(o)) return
  throw portError('conflict', { portUuid: rec.uuid, network: rec.network }, `network port is ${rec.status} by process ${o.pid}`, '/networkport')
}

/** The default class's rate after a port's floor goes, and the floor state after it (undefined: not computable). */
function released(network: NetworkDef, rec: PortRecord, devices: Record<string, number>, floor: FloorState, strict: boolean): ReturnType<typeof releasePort> | undefined {
  const { port } = readStoredPort(rec)
  try {
    return releasePort({ network, port, connections: devices, floor })
  } catch (e) {
    if (strict || !(e instanceof HostnetError)) throw e
    return undefined // a network being torn down: its port goes whatever the check says
  }
}

/** What the change record says about a port that goes: its network, its device, and why when not asked for. */
function deletedDetail(rec: PortRecord, device: string | undefined, reason: string | undefined): Record<string, unknown> {
  return { network: rec.network, ...(device === undefined ? {} : { device }), ...(reason === undefined ? {} : { reason }) }
}

/**
 * Claim the ports and compute their unplug work (inside the transaction). `reason`: why they go when nobody
 * asked for these ports in particular (recorded in the change record).
 */
function claim(
  ctx: PortContext,
  key: string,
  network: NetworkDef | undefined,
  recs: readonly PortRecord[],
  strict: boolean,
  reason?: string,
): UnplugItem[] {
  const usage = network === undefined ? undefined : ctx.ports.usage(key, network.name, { classIds: network.bandwidth?.inbound !== undefined })
  let floor: FloorState = { floorSum: usage?.floorSum ?? 0, classIds: usage?.classIds ?? [] }
  const items: UnplugItem[] = []
  for (const rec of recs) {
    const release = network === undefined || usage === undefined ? undefined : released(network, rec, usage.devices, floor, strict)
    if (release !== undefined) floor = release.floorState
    if (rec.device !== undefined && usage !== undefined) usage.devices[rec.device] = (usage.devices[rec.device] ?? 1) - 1
    const record = readPlugRecord(rec.plug, rec.uuid)
    if (record === undefined || !recordHasHostState(record)) {
      if (ctx.ports.delete(key, rec.uuid)) ctx.ports.record(portChange(ctx, key, rec.uuid, 'port.deleted', deletedDetail(rec, rec.device, reason)))
      continue
    }
    ctx.ports.transition(key, rec.uuid, { from: [rec.status], to: 'unplugging', owner: ctx.owner })
    const rate = release?.floor?.defaultClassRate
    items.push({
      uuid: rec.uuid,
      record,
      detail: deletedDetail(rec, record.device?.ifname ?? rec.device, reason),
      ...(network === undefined ? {} : { network }),
      ...(rate === undefined ? {} : { defaultClassRate: rate }),
    })
  }
  return items
}

/** Remove the host side of claimed ports and delete their rows (failures keep the row for recovery). */
export async function finishRelease(ctx: PortContext, target: Target, items: readonly UnplugItem[]): Promise<void> {
  if (items.length === 0) return
  const key = targetKey(target)
  const problems = await unplugAll(ctx, target, items)
  if (problems.length > 0) {
    const e = new HostnetError('backend-failure', `cannot unplug network port(s): ${problems.join('; ')}`, { details: { problems } })
    ctx.ports.atomically(() =>
      items.forEach((i) => {
        const change = portChange(ctx, key, i.uuid, 'port.deleted', { ...i.detail, error: errorBrief(e) }, 'failed')
        ctx.ports.transition(key, i.uuid, { from: ['unplugging'], to: 'unplugging', owner: null, change })
      }),
    )
    throw e
  }
  ctx.ports.atomically(() =>
    items.forEach((i) => {
      if (ctx.ports.delete(key, i.uuid, 'unplugging')) ctx.ports.record(portChange(ctx, key, i.uuid, 'port.deleted', i.detail ?? {}))
    }),
  )
}

/** net-port-delete for one or many ports of a network. */
export async function deletePorts(ctx: PortContext, target: Target, network: string, uuids: readonly string[]): Promise<void> {
  const key = targetKey(target)
  const items = ctx.ports.atomically(() => {
    const rec = ctx.networks.get(key, network)
    if (rec === undefined) throw notFound(network)
    const recs = uuids.map((uuid) => {
      const p = ctx.ports.get(key, uuid)
      if (p === undefined || p.network !== network) throw portNotFound(network, uuid)
      return p
    })
    if (rec.status !== 'active') throw portError('conflict', { portUuid: uuids[0] ?? '', network }, `network '${network}' is not active`, FIELD.network)
    recs.forEach((p) => checkNotBusy(ctx, p))
    return claim(ctx, key, currentDef(rec), recs, true)
  })
  await finishRelease(ctx, target, items)
}

/** Every port of a network goes (network destroy; libvirt deletes a network's ports when it stops). */
export async function releaseNetworkPorts(ctx: PortContext, target: Target, network: string): Promise<number> {
  const key = targetKey(target)
  const items = ctx.ports.atomically(() => {
    const rec = ctx.networks.get(key, network)
    const recs = ctx.ports.listByNetwork(key, network)
    return { n: recs.length, items: claim(ctx, key, rec === undefined ? undefined : currentDef(rec), recs, false, 'network stopped') }
  })
  await finishRelease(ctx, target, items.items)
  return items.n
}
