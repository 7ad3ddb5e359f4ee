/**
 * net-update (libvirt's networkUpdate): change one section of a network's live definition, its persistent one,
 * or both, and make a running network follow as libvirt does.
 *
 * Everything is decided before anything is touched: the scope (live, config), the edit of each definition
 * (codec/libvirt-xml/network/update.ts, refusing what libvirt refuses) and its effects on the running network
 * (model/network/update.ts). Then:
 * - DHCP and DNS hosts (a SIGHUP in libvirt): one IMMEDIATE store transaction writes the new definitions, the
 *   change record and dnsmasq's hosts files, so the files always match the committed definition whatever other
 *   processes update at the same time; after the commit dnsmasq is told to re-read them (SIGHUP: no restart, no
 *   lease lost).
 * - What lives in dnsmasq's configuration (ranges, TXT and SRV records, DHCP turned on or off) and firewall
 *   changes: the network is claimed (active → starting, as the supervisor does for a dnsmasq restart), the firewall
 *   is replaced and dnsmasq restarted with the new definition, and the claim ends with the new definitions stored.
 *   A failure puts the old definition back (firewall and dnsmasq included) and stores nothing.
 * - Portgroups and forward interfaces change only the definition: ports allocated later use it (libvirt does not
 *   touch the ports that exist).
 * @module
 */
import { errorMessage, HostnetError } from '../../errors.js'
import type { Target } from '../../model/target.js'
import { updateNetworkDef, updateNetworkDefXml } from '../../codec/libvirt-xml/network/update.js'
import type { NetworkDef } from '../../model/network/network-def.js'
import {
  resolveUpdateScope,
  updateEffects,
  updateRefused,
  type NetworkUpdateRequest,
  type UpdateEffects,
  type UpdateScope,
  type UpdateScopeFlags,
} from '../../model/network/update.js'
import type { NetworkRecord } from '../../store/networks.js'
import { errorBrief } from '../../txn/error-json.js'
import { targetKey } from '../../txn/target-key.js'
import { busy, networkChange, requireRecord, type DriverContext } from './context.js'
import { needsDnsmasq } from './plan-start.js'
import { readRuntime, type NetworkRuntime } from './runtime-status.js'
import { parseStoredXml, rememberParsed } from './stored-def.js'

export interface NetworkUpdateResult {
  name: string
  /** Which definitions changed. */
  live: boolean
  config: boolean
  /** What the running network's dnsmasq was asked to do (`none` when only the persistent definition changed). */
  dnsmasq: UpdateEffects['dnsmasq']
  /** Whether the firewall rules were replaced. */
  firewall: boolean
}

interface Planned {
  rec: NetworkRecord
  scope: UpdateScope
  oldLive?: NetworkDef
  newLive?: NetworkDef
  newConfig?: NetworkDef
  /** The new definitions' XML as stored (live: as at start; persistent: inactive). */
  liveXml?: string
  configXml?: string
  runtime: NetworkRuntime
  effects: UpdateEffects
  /** The firewall rules differ between the old and the new live definition. */
  firewallChanges: boolean
}

/** The live definition with its pool's port counts, for libvirt's "interface in use" refusal. */
export type LiveStatus = (target: Target, def: NetworkDef) => NetworkDef

const NO_EFFECTS: UpdateEffects = { firewall: false, dnsmasq: 'none' }

/** Decide everything (inside the caller's store transaction); throws libvirt's refusals, touching nothing. */
function plan(ctx: DriverContext, target: Target, name: string, req: NetworkUpdateRequest, flags: UpdateScopeFlags, liveStatus: LiveStatus): Planned {
  const rec = requireRecord(ctx, target, name)
  if (rec.status === 'starting' || rec.status === 'stopping') throw busy(rec)
  const active = rec.status === 'active'
  const scope = resolveUpdateScope(flags, active)
  if (scope.live && !active) throw updateRefused('VIR_ERR_OPERATION_INVALID', name, 'network is not running')
  if (scope.config && rec.configXml === undefined) {
    throw updateRefused('VIR_ERR_OPERATION_INVALID', name, 'cannot change persistent config of a transient network')
  }
  const runtime = readRuntime(rec.runtime, name)
  const out: Planned = { rec, scope, runtime, effects: NO_EFFECTS, firewallChanges: false }
  if (scope.live) {
    const oldLive = parseStoredXml(rec.liveXml ?? rec.configXml ?? '')
    // the pool's port counts matter to one refusal only (deleting a forward interface in use)
    if (req.section === 'forward-interface' && req.command === 'delete') updateNetworkDef(liveStatus(target, oldLive), req)
    out.oldLive = oldLive
    const live = updateNetworkDefXml(oldLive, req)
    out.newLive = live.def
    out.liveXml = live.xml
    out.effects = updateEffects(req.section, oldLive, out.newLive)
    const bridge = runtime.bridge
    out.firewallChanges =
      out.effects.firewall && runtime.firewall === true && bridge !== undefined &&
      ctx.services.firewall.render(oldLive, bridge) !== ctx.services.firewall.render(out.newLive, bridge)
  }
  if (scope.config) {
    const config = updateNetworkDefXml(parseStoredXml(rec.configXml as string), req, { inactive: true })
    out.newConfig = config.def
    out.configXml = config.xml
  }
  return out
}

/** Whether the update needs the network claimed (a restart or a firewall change), or is done in one transaction. */
function needsClaim(p: Planned): boolean {
  if (p.newLive === undefined) return false
  if (p.firewallChanges) return true
  if (p.effects.dnsmasq !== 'restart') return false
  // a restart only where there is (or will be) a dnsmasq
  return p.runtime.dnsmasq === true || needsDnsmasq(p.newLive)
}

/** Store the new definitions (live formatted as at start, persistent as libvirt saves it) and their record. */
function storeDefinitions(ctx: DriverContext, key: string, p: Planned, req: NetworkUpdateRequest, result: NetworkUpdateResult): void {
  const name = p.rec.name
  const detail = { section: req.section, command: req.command, live: p.scope.live, config: p.scope.config, dnsmasq: result.dnsmasq, ...(result.firewall ? { firewall: true } : {}) }
  const change = networkChange(ctx, key, name, 'network.updated', { detail })
  if (p.newConfig !== undefined && p.configXml !== undefined) {
    const xml = p.configXml
    ctx.networks.setConfig(key, name, xml)
    rememberParsed(xml, p.newConfig)
  }
  if (p.newLive !== undefined && p.liveXml !== undefined) {
    const xml = p.liveXml
    if (!ctx.networks.transition(key, name, { from: ['active', 'starting'], to: 'active', owner: null, liveXml: xml, runtime: p.runtime, change })) {
      throw new HostnetError('bug', `network '${name}' changed while it was being updated`)
    }
    rememberParsed(xml, p.newLive)
  } else {
    ctx.networks.record(change)
  }
}

/** libvirt's networkUpdate. `liveStatus` gives the live definition its pool's port counts. */
export async function updateNetwork(
  ctx: DriverContext,
  target: Target,
  name: string,
  req: NetworkUpdateRequest,
  flags: UpdateScopeFlags,
  liveStatus: LiveStatus,
): Promise<NetworkUpdateResult> {
  const key = targetKey(target)
  // one transaction: the checks, the edits and, when no restart is needed, the whole update
  const first = ctx.networks.atomically(() => {
    const p = plan(ctx, target, name, req, flags, liveStatus)
    const result: NetworkUpdateResult = { name, live: p.scope.live, config: p.scope.config, dnsmasq: 'none', firewall: false }
    if (needsClaim(p)) {
      if (!ctx.networks.transition(key, name, { from: ['active'], to: 'starting', owner: ctx.owner })) throw busy(p.rec)
      return { p, result, claimed: true }
    }
    const reload = p.newLive !== undefined && p.effects.dnsmasq !== 'none' && p.runtime.dnsmasq === true && p.runtime.bridge !== undefined
    if (reload) {
      ctx.services.dhcp.writeHostsFiles({ target, def: p.newLive as NetworkDef, bridgeName: p.runtime.bridge as string })
      result.dnsmasq = 'reload'
    }
    storeDefinitions(ctx, key, p, req, result)
    return { p, result, claimed: false }
  })
  const { p, result } = first
  if (!first.claimed) {
    // a dnsmasq that is not running (it died) reads the files when the supervisor restarts it
    if (result.dnsmasq === 'reload' && p.runtime.dnsmasqPid !== undefined) ctx.services.dhcp.hangup(p.runtime.dnsmasqPid)
    return result
  }
  return applyClaimed(ctx, target, p, req, result)
}

/** The claimed path: firewall and dnsmasq follow the new live definition; on failure the old one comes back. */
async function applyClaimed(ctx: DriverContext, target: Target, p: Planned, req: NetworkUpdateRequest, result: NetworkUpdateResult): Promise<NetworkUpdateResult> {
  const key = targetKey(target)
  const oldLive = p.oldLive as NetworkDef
  const newLive = p.newLive as NetworkDef
  const bridge = p.runtime.bridge ?? ''
  const before: NetworkRuntime = { ...p.runtime }
  try {
    if (p.firewallChanges) {
      p.runtime.nftObjects = await ctx.services.firewall.apply(target, newLive, bridge)
      result.firewall = true
    }
    if (p.effects.dnsmasq === 'restart') {
      await restartDnsmasq(ctx, target, newLive, bridge, p.runtime)
      result.dnsmasq = 'restart'
    }
  } catch (e) {
    await restoreAfter(ctx, target, oldLive, bridge, before, result)
    const change = networkChange(ctx, key, p.rec.name, 'network.updated', {
      outcome: 'failed',
      detail: { section: req.section, command: req.command, error: errorBrief(e) },
    })
    ctx.networks.transition(key, p.rec.name, { from: ['starting'], to: 'active', owner: null, runtime: before, change })
    throw e
  }
  ctx.networks.atomically(() => storeDefinitions(ctx, key, p, req, result))
  return result
}

/** Stop the network's dnsmasq (if it has one) and start one for `def` (if it needs one); `runtime` follows. */
async function restartDnsmasq(ctx: DriverContext, target: Target, def: NetworkDef, bridge: string, runtime: NetworkRuntime): Promise<void> {
  const dctx = { target, def, bridgeName: bridge }
  if (runtime.dnsmasq === true) await ctx.services.dhcp.stop(dctx, runtime.dnsmasqPid)
  delete runtime.dnsmasqPid
  runtime.dnsmasq = needsDnsmasq(def)
  if (runtime.dnsmasq) runtime.dnsmasqPid = await ctx.services.dhcp.start(dctx)
}

/** Put the old definition's firewall and dnsmasq back after a failed update (failures only logged: the supervisor retries). */
async function restoreAfter(ctx: DriverContext, target: Target, oldLive: NetworkDef, bridge: string, before: NetworkRuntime, result: NetworkUpdateResult): Promise<void> {
  try {
    if (result.firewall) await ctx.services.firewall.apply(target, oldLive, bridge)
  } catch (e) {
    ctx.log(`warning: network '${oldLive.name}': the previous firewall could not be restored: ${errorMessage(e)}`)
  }
  try {
    const running = before.dnsmasqPid !== undefined && ctx.services.dhcp.isRunning(before.dnsmasqPid)
    if (before.dnsmasq === true && !running) {
      const dctx = { target, def: oldLive, bridgeName: bridge }
      await ctx.services.dhcp.stop(dctx, undefined)
      before.dnsmasqPid = await ctx.services.dhcp.start(dctx)
    }
  } catch (e) {
    delete before.dnsmasqPid
    ctx.log(`warning: network '${oldLive.name}': dnsmasq could not be restarted with the previous definition (serve retries): ${errorMessage(e)}`)
  }
}
