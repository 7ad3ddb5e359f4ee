/**
 * Which OVSDB serves a target, and one client per address (connected on first use, reconnecting on drops).
 *
 * Resolution: an explicit address (`--ovsdb ADDR`, else $HOSTNET_OVSDB) for every target; else for a network
 * namespace the private OVS that `hostnet sandbox create --ovs` recorded in the state directory
 * (`<state-dir>/ovs/<netns>/db.sock`), and for the host the system's `unix:/var/run/openvswitch/db.sock`. A
 * namespace without either has no OVS. A unix socket path that does not exist is "not reachable" without a
 * connection attempt, so a host without OVS pays nothing.
 * @module
 */
import { existsSync } from 'node:fs'
import { errorMessage, HostnetError } from '../../errors.js'
import type { Target } from '../../model/target.js'
import { parseOvsdbAddress } from '../ovsdb/address.js'
import { OvsdbClient } from '../ovsdb/client.js'
import type { MonitorCache } from '../ovsdb/monitor-cache.js'
import { openMonitorCache, type MonitoredCache } from '../ovsdb/monitor.js'
import { VSWITCH_DB } from '../ovsdb/wait-applied.js'
import { MONITORED_COLUMNS } from './read.js'

import { defaultOvsdbResolver, type OvsdbResolver, type ResolverOptions } from './resolver.js'
export { defaultOvsdbResolver, OVSDB_ENV, sandboxOvsAddress, sandboxOvsDir, SYSTEM_OVSDB_ADDRESS, type OvsdbResolver, type ResolverOptions } from './resolver.js'
const CONNECT_TIMEOUT_MS = 2000
const SETTLE_TIMEOUT_MS = 30_000

export interface OvsConnectionsOptions {
  connectTimeoutMs?: number
  /** How long a dropped connection may take to come back before a request gives up (default 30 s). */
  settleTimeoutMs?: number
}

export type Probe = { ok: true; client: OvsdbClient } | { ok: false; reason: string }

export class OvsConnections {
  private readonly clients = new Map<string, Promise<OvsdbClient>>()
  private readonly caches = new WeakMap<OvsdbClient, Promise<MonitoredCache>>()

  constructor(private readonly opts: OvsConnectionsOptions = {}) {}

  get settleTimeoutMs(): number {
    return this.opts.settleTimeoutMs ?? SETTLE_TIMEOUT_MS
  }

  /** A connected client for `address`; waits for a reconnection if the connection dropped; throws if unreachable. */
  async get(address: string): Promise<OvsdbClient> {
    const known = this.clients.get(address)
    if (known !== undefined) {
      const c = await known.catch(() => undefined)
      if (c?.currentState === 'connected') return c
      if (c?.currentState === 'disconnected') {
        await c.whenConnected(this.settleTimeoutMs)
        return c
      }
      this.clients.delete(address)
    }
    const connectTimeoutMs = this.opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS
    const p = OvsdbClient.connect({ address, connectTimeoutMs, reconnect: { initialDelayMs: 50, maxDelayMs: 1000 } })
    this.clients.set(address, p)
    try {
      return await p
    } catch (e) {
      this.clients.delete(address)
      throw e
    }
  }

  /**
   * The monitor cache of the tables the host state reads, kept by `client` (opened on first use, resynced
   * after reconnects): queries read it without a round trip.
   */
  async cache(client: OvsdbClient): Promise<MonitorCache> {
    let p = this.caches.get(client)
    if (p === undefined) {
      p = openMonitorCache(client, VSWITCH_DB, MONITORED_COLUMNS)
      this.caches.set(client, p)
      p.catch(() => this.caches.delete(client))
    }
    return (await p).cache
  }

  /** A client, or why there is none; a missing unix socket is reported without trying to connect. */
  async probe(address: string): Promise<Probe> {
    const a = parseOvsdbAddress(address)
    if (a.kind === 'unix' && !existsSync(a.path) && !this.clients.has(address)) return { ok: false, reason: `no OVSDB socket at ${a.path}` }
    try {
      return { ok: true, client: await this.get(address) }
    } catch (e) {
      return { ok: false, reason: errorMessage(e) }
    }
  }

  /** Close every client (pending requests fail; no reconnects). */
  async close(): Promise<void> {
    const all = [...this.clients.values()]
    this.clients.clear()
    for (const p of all) (await p.catch(() => undefined))?.close()
  }
}

/** The OVSDB client of each target (its resolution as {@link defaultOvsdbResolver}), for the network port plugging. */
export class OvsTargetClients {
  private readonly conns = new OvsConnections()
  private readonly resolve: OvsdbResolver

  constructor(opts: ResolverOptions = {}) {
    this.resolve = defaultOvsdbResolver(opts)
  }

  /** A connected client for the target's OVSDB; a 'dependency' error when none serves it or it is unreachable. */
  async client(target: Target): Promise<OvsdbClient> {
    const address = this.resolve(target)
    if (address === undefined) {
      throw new HostnetError('dependency', `no Open vSwitch database serves ${target.kind === 'host' ? 'the host' : `namespace '${target.name}'`}`)
    }
    const probe = await this.conns.probe(address)
    if (!probe.ok) throw new HostnetError('dependency', `Open vSwitch database ${address} is not reachable: ${probe.reason}`)
    return probe.client
  }

  close(): Promise<void> {
    return this.conns.close()
  }
}
