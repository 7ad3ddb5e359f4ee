/**
 * Removing what ports have on the host, from their plug records: floor classes (and the default class's new
 * rate), Open vSwitch ports with their QoS rows, 802.1Qbg/Qbh associations (withdrawn before their device goes),
 * then the devices (many at once: one link-group deletion per
 * namespace), then the MACs passthrough took from pool interfaces. Every step tolerates what is already gone,
 * so the same code serves net-port-delete, network destroy, a failed plug's rollback and crash recovery; what
 * could not be removed is returned as problems. A failed or interrupted plug deletes only devices that carry the
 * port's alias: the record names a device before it exists, and the name may have been taken by someone else.
 * @module
 */
import { errorMessage } from '../../errors.js'
import type { Target } from '../../model/target.js'
import type { NetworkDef } from '../../model/network/network-def.js'
import type { PortContext } from './context.js'
import { deletionGroup } from '../../backend/iproute2/index.js'
import { restoreLowerMacOps } from './device-ops.js'
import { portOfAlias } from './names.js'
import { disassociateProfiles } from './profile-plug.js'
import { deviceLocation, type PlugRecord, type PortDevice } from './plug-record.js'
import { floorUnplugCommands } from './shaping.js'

export interface UnplugItem {
  readonly uuid: string
  readonly record: PlugRecord
  /** The network (undefined when it is gone: floor classes are then not touched). */
  readonly network?: NetworkDef
  /** The default class's rate once this port's floor class is gone (floor ports only). */
  readonly defaultClassRate?: number
  /** Its port profile was never left with lldpad/the driver (a failed plug): nothing to withdraw. */
  readonly skipProfile?: boolean
  /** The detail of the port's change record once it is gone (network, device, reason). */
  readonly detail?: Record<string, unknown>
  /**
   * Its device may not have been made (a failed or interrupted plug): delete it only when it carries this port's
   * alias, so a device another tool made under the recorded name stays.
   */
  readonly markedOnly?: boolean
}

/** A device to delete: where it is, and whether it must carry its port's alias. */
interface Doomed {
  readonly device: PortDevice
  readonly uuid: string
  readonly markedOnly: boolean
}

const netns = (name: string): Target => ({ kind: 'netns', name })

async function unplugFloors(ctx: PortContext, target: Target, items: readonly UnplugItem[], problems: string[]): Promise<void> {
  for (const it of items) {
    const f = it.record.floor
    if (f === undefined || it.defaultClassRate === undefined || it.network === undefined) continue
    try {
      await ctx.services.tc(target, floorUnplugCommands(f.bridge, it.network, f.classId, it.defaultClassRate))
    } catch (e) {
      problems.push(`floor class ${f.classId} of port '${it.uuid}' on '${f.bridge}': ${errorMessage(e)}`)
    }
  }
}

async function unplugOvs(ctx: PortContext, target: Target, items: readonly UnplugItem[], problems: string[]): Promise<void> {
  const ovs = items.filter((i) => i.record.ovsBridge !== undefined && i.record.device !== undefined)
  if (ovs.length === 0) return
  try {
    await ctx.services.ovsRemovePorts(target, ovs.map((i) => ({ bridge: i.record.ovsBridge!, ifname: i.record.device!.ifname })))
  } catch (e) {
    problems.push(`Open vSwitch ports ${ovs.map((i) => i.record.device!.ifname).join(', ')}: ${errorMessage(e)}`)
  }
}

/**
 * Delete the devices of one namespace; a failed batch is checked against the namespace's links. Devices that must
 * carry their port's alias are first looked up with their aliases (one listing).
 */
async function deleteIn(ctx: PortContext, ns: Target, doomed: readonly Doomed[], problems: string[]): Promise<void> {
  if (doomed.length === 0 || !ctx.services.namespaceExists(ns)) return
  let kept = doomed
  if (doomed.some((d) => d.markedOnly)) {
    const aliases = await ctx.services.linkAliases(ns)
    kept = doomed.filter((d) => !d.markedOnly || portOfAlias(aliases.get(deviceLocation(d.device).name)) === d.uuid)
  }
  const names = kept.map((d) => deviceLocation(d.device).name)
  if (names.length === 0) return
  const res = await ctx.services.linkBatch(ns, [{ kind: 'links.delete', names, group: deletionGroup() }], { force: true })
  if (res.ok) return
  const left = await ctx.services.linkNames(ns).then(
    (have) => names.filter((n) => have.has(n)),
    () => [...names],
  )
  if (left.length > 0) problems.push(`cannot delete ${left.join(', ')}: ${res.stderr.trim().split('\n')[0] ?? ''}`)
}

async function deleteDevices(ctx: PortContext, target: Target, doomed: readonly Doomed[], problems: string[]): Promise<void> {
  const byNs = new Map<string | undefined, Doomed[]>()
  for (const d of doomed) {
    const at = deviceLocation(d.device)
    byNs.set(at.netns, [...(byNs.get(at.netns) ?? []), d])
  }
  await Promise.all([...byNs].map(([ns, list]) => deleteIn(ctx, ns === undefined ? target : netns(ns), list, problems)))
  const restore = restoreLowerMacOps(doomed.map((d) => d.device))
  if (restore.length > 0 && ctx.services.namespaceExists(target)) {
    const res = await ctx.services.linkBatch(target, restore, { force: true })
    if (!res.ok) problems.push(`cannot restore the MAC of a pool interface: ${res.stderr.trim()}`)
  }
}

/** The devices of the items (in their namespaces: `moved` only those moved into guest namespaces). */
function doomedOf(items: readonly UnplugItem[], moved = false): Doomed[] {
  return items.flatMap((i) => {
    const d = i.record.device
    if (d === undefined || (moved && deviceLocation(d).netns === undefined)) return []
    return [{ device: d, uuid: i.uuid, markedOnly: i.markedOnly === true }]
  })
}

/** Undo the host side of every item; returns what could not be undone (empty: all gone). */
export async function unplugAll(ctx: PortContext, target: Target, items: readonly UnplugItem[]): Promise<string[]> {
  const problems: string[] = []
  if (!ctx.services.namespaceExists(target)) {
    // the target (and everything in it) is gone; only devices moved into guest namespaces may remain
    await deleteDevices(ctx, target, doomedOf(items, true), problems)
    return problems
  }
  await unplugFloors(ctx, target, items, problems)
  await unplugOvs(ctx, target, items, problems)
  await disassociateProfiles(ctx, target, items.filter((i) => i.skipProfile !== true))
  await deleteDevices(ctx, target, doomedOf(items), problems)
  return problems
}
