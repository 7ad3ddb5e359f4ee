/**
 * Making the host side of freshly allocated ports (their rows are 'plugging' with their plug records): the
 * devices of all ports in one `ip -batch` (plus one per guest namespace to bring the guest ends up), the Open
 * vSwitch ports in one OVSDB transaction waited for until ovs-vswitchd applied it, 802.1Qbg/802.1Qbh
 * associations (profile-plug.ts), tc bandwidth per port, floor classes on the network bridge. Any failure undoes everything these ports got (unplug.ts) and rethrows.
 * @module
 */
import { errorMessage, HostnetError, RollbackError } from '../../errors.js'
import type { Target } from '../../model/target.js'
import type { NetworkPortDef } from '../../model/networkport.js'
import { FIELD, portError } from '../../model/port/index.js'
import { targetKey } from '../../txn/target-key.js'
import { errorBrief } from '../../txn/error-json.js'
import { createdDetail, type Allocated } from './allocate-txn.js'
import { portChange, type PortContext } from './context.js'
import { devicePlugOps, guestUpOps } from './device-ops.js'
import { portDeviceAlias } from './names.js'
import { associateProfiles } from './profile-plug.js'
import type { PlugRecord, PortDevice } from './plug-record.js'
import { deviceShaping, floorPlugCommands, networkTree, removeNetworkTree } from './shaping.js'
import { unplugAll } from './unplug.js'

type Plugging = Allocated & { record: PlugRecord }

function failure(what: string, stderr: string): HostnetError {
  return new HostnetError('backend-failure', `${what}: ${stderr.trim().split('\n')[0] ?? 'failed'}`, { details: { stderr } })
}

/** passthrough: remember each pool interface's own MAC in the store before the guest's replaces it. */
async function rememberLowerMacs(ctx: PortContext, target: Target, items: Plugging[]): Promise<Plugging[]> {
  const out: Plugging[] = []
  for (const it of items) {
    const d = it.record.device
    if (d?.kind !== 'macvtap' || d.mode !== 'passthrough') {
      out.push(it)
      continue
    }
    const lowerMac = await ctx.services.linkMac(target, d.dev)
    const record: PlugRecord = { ...it.record, device: { ...d, ...(lowerMac === undefined ? {} : { lowerMac }) } }
    ctx.ports.transition(targetKey(target), it.port.uuid, { from: ['plugging'], to: 'plugging', plug: record })
    out.push({ ...it, record })
  }
  return out
}

/**
 * Make the devices in one batch. `made` gets the ports whose devices this batch made: all of them, or, when it
 * failed, those whose creating line came before the failing one (lines before it took effect), marked or not.
 */
async function makeDevices(ctx: PortContext, target: Target, items: readonly Plugging[], made: Set<string>): Promise<void> {
  const marked = items.flatMap((it) => (it.record.device === undefined ? [] : [{ uuid: it.port.uuid, device: it.record.device, ops: devicePlugOps(it.record.device, portDeviceAlias(it.port.uuid)) }]))
  if (marked.length === 0) return
  const devices = marked.map((m) => m.device)
  const res = await ctx.services.linkBatch(target, marked.flatMap((m) => m.ops))
  if (!res.ok) {
    let first = 0
    for (const m of marked) {
      if (res.failedOp === undefined || first >= res.failedOp) break
      made.add(m.uuid)
      first += m.ops.length
    }
    throw failure(`cannot create the port devices ${devices.map((d) => d.ifname).join(', ')}`, res.stderr)
  }
  for (const m of marked) made.add(m.uuid)
  for (const [ns, ops] of guestUpOps(devices)) {
    const up = await ctx.services.linkBatch({ kind: 'netns', name: ns }, ops)
    if (!up.ok) throw failure(`cannot bring up the guest side in namespace '${ns}'`, up.stderr)
  }
}

async function addOvsPorts(ctx: PortContext, target: Target, items: Plugging[]): Promise<void> {
  const ports = items.flatMap((it) => {
    const d = it.record.device
    return it.record.ovsBridge === undefined || d === undefined ? [] : [{ bridge: it.record.ovsBridge, ifname: d.ifname, port: it.port }]
  })
  if (ports.length > 0) await ctx.services.ovsAddPorts(target, ports)
}

/** A tc step of one port; a failure names the port, its network and the device (tc's own message after it). */
async function tcFor(ctx: PortContext, it: Plugging, what: string, run: () => Promise<void>): Promise<void> {
  try {
    await run()
  } catch (e) {
    const pctx = { portUuid: it.port.uuid, network: it.network.name }
    throw portError('backend-failure', pctx, `cannot set ${what} of port '${it.port.uuid}' on network '${it.network.name}': ${errorMessage(e)}`, FIELD.bandwidth)
  }
}

/**
 * Port UUID → the rate (kB/s) the default class 1:2 of its network's tree had before this batch, for the first
 * floor port of the batch on each bridge whose tree existed: a failed plug gives it back exactly (the floor
 * accounting alone would give the network's peak minus the floors, while a tree fresh from net-start has the
 * average).
 */
type RatesBefore = Map<string, number>

async function shape(ctx: PortContext, target: Target, items: Plugging[], ratesBefore: RatesBefore): Promise<void> {
  for (const it of items) {
    const d = it.record.device
    if (d === undefined || it.record.shaped !== true) continue
    const step = deviceShaping(d, it.port)
    if (step !== undefined) {
      const ns: Target = step.netns === undefined ? target : { kind: 'netns', name: step.netns }
      await tcFor(ctx, it, `the bandwidth of device '${d.ifname}'`, () => ctx.services.tc(ns, step.commands))
    }
  }
  // a network's tree built here goes again when the plug fails (the target is left as it was)
  const built: string[] = []
  const seen = new Set<string>()
  try {
    for (const it of items) {
      const f = it.record.floor
      const floor = it.floor
      if (f === undefined || floor === undefined) continue
      await tcFor(ctx, it, `the floor class 1:${floor.classId.toString(16)} on bridge '${f.bridge}'`, async () => {
        if (!seen.has(f.bridge)) {
          seen.add(f.bridge)
          if (!(await ctx.services.hasHtbRoot(target, f.bridge))) {
            built.push(f.bridge)
            await ctx.services.tc(target, networkTree(f.bridge, it.network))
          } else {
            const rate = await ctx.services.defaultClassRate(target, f.bridge)
            if (rate !== undefined) ratesBefore.set(it.port.uuid, rate)
          }
        }
        await ctx.services.tc(target, floorPlugCommands(f.bridge, it.network, it.port, floor))
      })
    }
  } catch (e) {
    for (const bridge of built) await ctx.services.tc(target, removeNetworkTree(bridge)).catch(() => undefined)
    throw e
  }
}

/**
 * A "tap" with a guest (a veth: host end on the bridge, peer in the guest namespace) on an Open vSwitch bridge:
 * the guest end sends with partial checksums, which the userspace datapath's packet sockets pass on unfinished;
 * software checksums on the guest end make its traffic correct on any datapath (taps held by a VM, and macvtaps,
 * need nothing).
 */
async function finishGuestChecksums(ctx: PortContext, items: Plugging[]): Promise<void> {
  for (const it of items) {
    const d = it.record.device
    if (it.record.ovsBridge === undefined || d?.kind !== 'tap' || d.guest === undefined) continue
    await ctx.services.txChecksumOff({ kind: 'netns', name: d.guest.netns }, d.guest.name)
  }
}

async function plugSteps(
  ctx: PortContext,
  target: Target,
  items: Plugging[],
  sent: Set<string>,
  made: Set<string>,
  ratesBefore: RatesBefore,
): Promise<Plugging[]> {
  await makeDevices(ctx, target, items, made)
  await finishGuestChecksums(ctx, items)
  const associated = await associateProfiles(ctx, target, items, sent)
  await addOvsPorts(ctx, target, associated)
  await shape(ctx, target, associated, ratesBefore)
  return associated
}

/**
 * Undo a failed plug and forget the ports (their rows go: no count changes). A device goes when this plug made it
 * (`made`) or when it carries the port's alias; a device of the recorded name that the plug did not make (another
 * tool took the name after the check) stays.
 */
async function rollBack(
  ctx: PortContext,
  target: Target,
  items: Plugging[],
  original: unknown,
  sent?: ReadonlySet<string>,
  made?: ReadonlySet<string>,
  ratesBefore?: RatesBefore,
): Promise<never> {
  const key = targetKey(target)
  // last plugged first: removing each floor class gives the default class back the rate it had before that port
  // came, so after the last one it has the rate from before the batch; a port profile that no switch request was
  // left for needs no withdrawal
  const undo = [...items].reverse().map((it) => {
    const rate = it.floor === undefined ? undefined : (ratesBefore?.get(it.port.uuid) ?? it.floor.defaultClassRate + (it.port.bandwidth?.inbound?.floor ?? 0))
    return {
      uuid: it.port.uuid,
      record: it.record,
      network: it.network,
      markedOnly: made?.has(it.port.uuid) !== true,
      ...(rate === undefined ? {} : { defaultClassRate: rate }),
      ...(sent === undefined || sent.has(it.port.uuid) ? {} : { skipProfile: true }),
    }
  })
  const problems = await unplugAll(ctx, target, undo)
  if (problems.length > 0) {
    ctx.log(`warning: a failed plug left something behind (recovery retries): ${problems.join('; ')}`)
    throw new RollbackError(original, problems)
  }
  ctx.ports.atomically(() =>
    items.forEach((it) => {
      const detail = { ...createdDetail(it.network.name, it), error: errorBrief(original) }
      if (ctx.ports.delete(key, it.port.uuid, 'plugging')) ctx.ports.record(portChange(ctx, key, it.port.uuid, 'port.created', detail, 'failed'))
    }),
  )
  throw original
}

/** The domain interface's `<target dev>` / `<guest dev>`: where a port's device names come from. */
const FIELD_TARGET_DEV = '/interface/target/@dev'
const FIELD_GUEST_DEV = '/interface/guest/@dev'

/**
 * Before anything is made: every device name is free (in the target, and in its guest namespace, which must exist)
 * and not used twice in the batch. Creating a device under a taken name fails, and the rollback would then delete
 * the device that had the name (the caller's `ifname`, another port's device, the guest's own interface).
 */
async function checkDeviceNames(ctx: PortContext, target: Target, items: readonly Plugging[]): Promise<void> {
  const devices = items.flatMap((it) => (it.record.device === undefined ? [] : [{ it, d: it.record.device }]))
  if (devices.length === 0) return
  const inTarget = await ctx.services.linkNames(target)
  const inGuest = new Map<string, Set<string>>()
  const claimed = new Set<string>()
  const where = target.kind === 'netns' ? `namespace '${target.name}'` : 'the host'
  for (const { it, d } of devices) {
    const pctx = { portUuid: it.port.uuid, network: it.network.name }
    if (inTarget.has(d.ifname) || claimed.has(`\0${d.ifname}`)) {
      throw portError('conflict', pctx, `device '${d.ifname}' already exists in ${where} (network '${it.network.name}')`, FIELD_TARGET_DEV)
    }
    claimed.add(`\0${d.ifname}`)
    if (d.guest === undefined) continue
    const ns: Target = { kind: 'netns', name: d.guest.netns }
    if (!ctx.services.namespaceExists(ns)) {
      throw portError('not-found', pctx, `guest namespace '${d.guest.netns}' does not exist (network '${it.network.name}')`, FIELD_GUEST_DEV)
    }
    const have = inGuest.get(d.guest.netns) ?? (await ctx.services.linkNames(ns))
    inGuest.set(d.guest.netns, have)
    if (have.has(d.guest.name) || claimed.has(`${d.guest.netns}\0${d.guest.name}`)) {
      throw portError('conflict', pctx, `device '${d.guest.name}' already exists in guest namespace '${d.guest.netns}' (network '${it.network.name}')`, FIELD_GUEST_DEV)
    }
    claimed.add(`${d.guest.netns}\0${d.guest.name}`)
  }
}

/** Plug the host side of allocated ports; on success their rows are 'plugged'. Returns their final plug records. */
export async function plugAll(ctx: PortContext, target: Target, allocated: readonly Allocated[]): Promise<Map<string, PlugRecord>> {
  const key = targetKey(target)
  let items = allocated.filter((a): a is Plugging => a.status === 'plugging' && a.record !== undefined)
  if (items.length === 0) return new Map()
  try {
    await checkDeviceNames(ctx, target, items)
  } catch (e) {
    // nothing was made: the rows go (no count changes)
    ctx.ports.atomically(() => items.forEach((it) => ctx.ports.delete(key, it.port.uuid, 'plugging')))
    throw e
  }
  const sent = new Set<string>()
  const made = new Set<string>()
  const ratesBefore: RatesBefore = new Map()
  try {
    items = await rememberLowerMacs(ctx, target, items)
    items = await plugSteps(ctx, target, items, sent, made, ratesBefore)
    if (ctx.pauseAfterPlugMs !== undefined) await new Promise((r) => setTimeout(r, ctx.pauseAfterPlugMs))
  } catch (e) {
    return rollBack(ctx, target, items, e, sent, made, ratesBefore)
  }
  const lost = markPlugged(ctx, key, items)
  if (lost.length > 0) {
    const e = new HostnetError('conflict', `network port(s) ${lost.map((p) => `'${p.uuid}'`).join(', ')} were deleted while being plugged (network destroyed?)`)
    await rollBack(ctx, target, items.filter((it) => lost.includes(it.port)), e, undefined, made)
  }
  return new Map(items.map((it) => [it.port.uuid, it.record]))
}

/** 'plugging' → 'plugged' for every port; returns the ports whose rows vanished meanwhile. */
function markPlugged(ctx: PortContext, key: string, items: readonly Plugging[]): NetworkPortDef[] {
  return ctx.ports.atomically(() =>
    items.flatMap((it) => {
      const change = portChange(ctx, key, it.port.uuid, 'port.created', createdDetail(it.network.name, it))
      const ok = ctx.ports.transition(key, it.port.uuid, { from: ['plugging'], to: 'plugged', expectOwner: ctx.owner, owner: null, change })
      return ok ? [] : [it.port]
    }),
  )
}

