/**
 * The virtual-network driver (libvirt's bridge_driver over hostnet's store and backends): net-define,
 * net-undefine, net-create, net-start, net-destroy, net-autostart, net-list, net-info, net-dumpxml, plus
 * recovery, autostart, dnsmasq supervision and deferred bridge deletion for `hostnet serve`.
 * @module
 */
import { errorMessage, HostnetError } from '../../errors.js'
import type { Target } from '../../model/target.js'
import { formatNetworkXml, parseNetworkXml } from '../../codec/libvirt-xml/network/index.js'
import { networkObject, type NetworkDef } from '../../model/network/network-def.js'
import { ACTOR_RECOVERY, ACTOR_SUPERVISOR, actingFor, type ActorOptions } from '../../store/index.js'
import type { NetworkRecord } from '../../store/networks.js'
import { targetFromKey, targetKey } from '../../txn/target-key.js'
import { busy, networkChange, requireRecord, resolveDriverContext, type DriverContext, type NetworkDriverDeps } from './context.js'
import { checkDuplicates, checkNetworkName, currentDef, needsDeviceList, parseStoredXml, prepareDefinition } from './define.js'
import { deleteTombstonesQuietly, destroyNetwork, forgetNetwork, startWithDef, type DestroyOptions } from './lifecycle.js'
import { recoverNetworks, type NetworkRecoveryReport } from './recover.js'
import type { DhcpLeaseEntry } from './services.js'
import { superviseDnsmasq, type SuperviseReport } from './supervise.js'
import { listNetworks, networkDetails, type NetworkDetails, type NetworkSummary } from './query.js'
import { updateNetwork, type NetworkUpdateResult } from './update.js'
import type { NetworkUpdateRequest, UpdateScopeFlags } from '../../model/network/update.js'

export type { NetworkDetails, NetworkSummary } from './query.js'
export type { NetworkUpdateResult } from './update.js'
import { PortDriver } from '../port/driver.js'
import { SystemPortServices } from '../port/system-services.js'

export class NetworkDriver {
  readonly ctx: DriverContext
  /** The ports of this driver's networks (net-port-*). */
  readonly ports: PortDriver

  constructor(deps: NetworkDriverDeps) {
    this.ctx = resolveDriverContext(deps)
    const { store, owner, log, actor } = this.ctx
    this.ports = new PortDriver({ ...deps.ports, services: deps.ports?.services ?? new SystemPortServices(), store, owner, log, actor })
    this.ctx.portHooks = { releaseAll: (target, network, by) => this.ports.releaseAll(target, network, { actor: by }) }
  }

  /** net-define: store (or replace) a persistent definition; returns the completed definition. */
  async define(target: Target, xml: string, opts: ActorOptions = {}): Promise<NetworkDef> {
    const ctx = actingFor(this.ctx, opts.actor)
    const parsed = parseNetworkXml(xml)
    const devices = await this.devicesFor(target, parsed)
    const key = targetKey(target)
    return ctx.networks.atomically(() => {
      const byName = ctx.networks.get(key, parsed.name)
      checkDuplicates(parsed, byName, ctx.networks.getByUuid(key, parsed.uuid))
      const def = prepareDefinition(parsed, this.prepareContext(key, devices))
      const config = formatNetworkXml(def, { inactive: true })
      if (byName === undefined) ctx.networks.insert({ target: key, name: def.name, uuid: def.uuid, configXml: config, status: 'inactive' })
      else ctx.networks.setConfig(key, def.name, config)
      const redefined = byName?.configXml !== undefined
      ctx.networks.record(networkChange(ctx, key, def.name, 'network.defined', { detail: { uuid: def.uuid, ...(redefined ? { redefined } : {}) } }))
      return def
    })
  }

  /** net-undefine: forget the persistent definition (an active network keeps running as a transient one). */
  undefine(target: Target, name: string, opts: ActorOptions = {}): void {
    const ctx = actingFor(this.ctx, opts.actor)
    const key = targetKey(target)
    ctx.networks.atomically(() => {
      const rec = requireRecord(ctx, target, name)
      if (rec.configXml === undefined) {
        throw new HostnetError('conflict', `can't undefine transient network '${name}'`, { details: { object: networkObject(name) } })
      }
      if (rec.status === 'inactive') {
        ctx.networks.delete(key, name)
        forgetNetwork(ctx, rec)
      } else {
        ctx.networks.setConfig(key, name, null)
        ctx.networks.setAutostart(key, name, false)
      }
      ctx.networks.record(networkChange(ctx, key, name, 'network.undefined', rec.status === 'inactive' ? {} : { detail: { stillRunning: true } }))
    })
  }

  /** net-create: define a transient network and start it (it disappears when stopped or when the start fails). */
  async create(target: Target, xml: string, opts: ActorOptions = {}): Promise<NetworkDef> {
    const ctx = actingFor(this.ctx, opts.actor)
    const parsed = parseNetworkXml(xml)
    const devices = await this.devicesFor(target, parsed)
    const key = targetKey(target)
    const def = this.ctx.networks.atomically(() => {
      const byName = this.ctx.networks.get(key, parsed.name)
      checkDuplicates(parsed, byName, this.ctx.networks.getByUuid(key, parsed.uuid))
      if (byName !== undefined && byName.status !== 'inactive') {
        throw new HostnetError('conflict', `network is already active as '${parsed.name}'`, { details: { object: networkObject(parsed.name) } })
      }
      const prepared = prepareDefinition(parsed, this.prepareContext(key, devices))
      if (byName === undefined) {
        this.ctx.networks.insert({ target: key, name: prepared.name, uuid: prepared.uuid, liveXml: formatNetworkXml(prepared), status: 'inactive' })
      }
      return prepared
    })
    await startWithDef(ctx, target, def.name, def)
    return def
  }

  /** net-start: start a defined network. */
  async start(target: Target, name: string, opts: ActorOptions = {}): Promise<void> {
    const ctx = actingFor(this.ctx, opts.actor)
    const rec = requireRecord(ctx, target, name)
    if (rec.status === 'active') {
      throw new HostnetError('conflict', `network is already active as '${name}'`, { details: { object: networkObject(name) } })
    }
    if (rec.status !== 'inactive') throw busy(rec)
    await startWithDef(ctx, target, name, currentDef(rec))
  }

  /** net-destroy: stop an active network (a transient one disappears). */
  async destroy(target: Target, name: string, opts: DestroyOptions & ActorOptions = {}): Promise<void> {
    const ctx = actingFor(this.ctx, opts.actor)
    await destroyNetwork(ctx, target, requireRecord(ctx, target, name), opts)
  }

  /** net-autostart [--disable]: recorded when the setting changes. */
  setAutostart(target: Target, name: string, on: boolean, opts: ActorOptions = {}): void {
    const ctx = actingFor(this.ctx, opts.actor)
    const key = targetKey(target)
    ctx.networks.atomically(() => {
      const rec = requireRecord(ctx, target, name)
      if (rec.configXml === undefined) {
        throw new HostnetError('conflict', `cannot set autostart for transient network '${name}'`, { details: { object: networkObject(name) } })
      }
      ctx.networks.setAutostart(key, name, on)
      if (rec.autostart !== on) ctx.networks.record(networkChange(ctx, key, name, 'network.autostart-changed', { detail: { autostart: on } }))
    })
  }

  /**
   * net-update: one section of the live definition, the persistent one or both (libvirt's flags); a running
   * network follows as libvirt's does (hosts files and SIGHUP, or a dnsmasq restart, or the firewall rebuilt).
   */
  update(target: Target, name: string, req: NetworkUpdateRequest, flags: UpdateScopeFlags = {}, opts: ActorOptions = {}): Promise<NetworkUpdateResult> {
    const ctx = actingFor(this.ctx, opts.actor)
    return updateNetwork(ctx, target, name, req, flags, (t, def) => this.ports.liveStatus(t, def))
  }

  /** net-list: active networks, or with `all` every network; `target` undefined lists every target. */
  list(target: Target | undefined, opts: { all?: boolean } = {}): NetworkSummary[] {
    return listNetworks(this.ctx.networks, target, opts)
  }

  info(target: Target, name: string): NetworkDetails {
    return networkDetails(this.ctx.networks, target, name)
  }

  /** net-dumpxml [--inactive]: the live definition of a running network, else (or with inactive) the persistent one. */
  dumpXml(target: Target, name: string, opts: { inactive?: boolean } = {}): string {
    const rec = requireRecord(this.ctx, target, name)
    const xml = opts.inactive === true ? (rec.configXml ?? rec.liveXml) : rec.status === 'inactive' ? rec.configXml : (rec.liveXml ?? rec.configXml)
    if (xml === undefined) throw new HostnetError('bug', `network '${name}' has no definition in the store`)
    if (opts.inactive === true) return formatNetworkXml(parseStoredXml(xml), { inactive: true })
    // a running network shows its connections (derived from its ports)
    const def = rec.status === 'active' ? this.ports.liveStatus(target, parseStoredXml(xml)) : parseStoredXml(xml)
    return formatNetworkXml(def)
  }

  /** DHCP leases of an active network. */
  async leases(target: Target, name: string): Promise<DhcpLeaseEntry[]> {
    const rec = requireRecord(this.ctx, target, name)
    if (rec.status !== 'active') {
      throw new HostnetError('conflict', `network '${name}' is not active`, { details: { object: networkObject(name) } })
    }
    return this.ctx.services.dhcp.leases(target, currentDef(rec))
  }

  /** Networks first, then their ports (interrupted ones, those of stopped networks; `scanPorts`: orphan devices). */
  async recover(opts: { scanPorts?: boolean } = {}): Promise<NetworkRecoveryReport> {
    const report = await recoverNetworks(actingFor(this.ctx, ACTOR_RECOVERY))
    report.ports = await this.ports.recover({ scan: opts.scanPorts === true })
    return report
  }

  /** Start every inactive network marked autostart whose target exists (failures are logged and returned). */
  async autostartAll(): Promise<{ started: string[]; failed: Array<{ network: string; error: unknown }> }> {
    const out = { started: [] as string[], failed: [] as Array<{ network: string; error: unknown }> }
    const ctx = actingFor(this.ctx, ACTOR_SUPERVISOR)
    for (const rec of this.ctx.networks.list()) {
      if (!rec.autostart || rec.status !== 'inactive' || rec.configXml === undefined) continue
      const target = targetFromKey(rec.target)
      const id = `${rec.target}/${rec.name}`
      if (!this.ctx.services.links.targetExists(target)) continue
      try {
        await startWithDef(ctx, target, rec.name, currentDef(rec), { autostart: true })
        out.started.push(id)
      } catch (e) {
        this.ctx.log(`warning: autostart of network '${rec.name}' (${rec.target}) failed: ${errorMessage(e)}`)
        out.failed.push({ network: id, error: e })
      }
    }
    return out
  }

  superviseDnsmasq(): Promise<SuperviseReport> {
    return superviseDnsmasq(actingFor(this.ctx, ACTOR_SUPERVISOR))
  }

  /** Delete retired bridges (tombstones) of the target, or of every target with networks. */
  async collectGarbage(target?: Target): Promise<number> {
    const targets = target !== undefined ? [target] : [...new Set(this.ctx.networks.list().map((r) => r.target))].map(targetFromKey)
    let n = 0
    for (const t of targets) if (this.ctx.services.links.targetExists(t)) n += await deleteTombstonesQuietly(this.ctx, t)
    return n
  }

  /** Release long-lived helpers (nft sessions); the networks keep running. */
  close(): void {
    this.ctx.services.firewall.close?.()
    void this.ctx.onClose?.()
    void this.ports.close()
  }

  private async devicesFor(target: Target, def: NetworkDef): Promise<ReadonlySet<string> | undefined> {
    checkNetworkName(def.name)
    if (!needsDeviceList(def) || !this.ctx.services.links.targetExists(target)) return undefined
    return this.ctx.services.links.linkNames(target)
  }

  private prepareContext(key: string, devices: ReadonlySet<string> | undefined): Parameters<typeof prepareDefinition>[1] {
    return {
      records: this.ctx.networks.list(key),
      ...(devices === undefined ? {} : { devices }),
      ...(this.ctx.random === undefined ? {} : { random: this.ctx.random }),
    }
  }
}
