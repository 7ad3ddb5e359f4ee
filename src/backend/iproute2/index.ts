/**
 * The kernel backend for host interfaces through iproute2: `ip -json -details address show` (+ route dumps)
 * to read, one `ip -batch -` run to write. Construct with `{ runner }` to record or fake the commands.
 * Device plumbing outside host-interface transactions (network bridges, port devices, sandboxes) goes through
 * the typed {@link LinkLayer} and its {@link LinkOp}s: this index is the only way in for the layers above.
 * @module
 */
import type { Route } from '../../model/host/route.js'
import type { HostState } from '../../model/host/state.js'
import type { KernelCaps } from '../../plan/caps.js'
import type { HostOp } from '../../plan/ops.js'
import { systemRunner, type Runner } from '../../sys/exec.js'
import type { HostBackend, QueryOptions } from '../backend.js'
import type { Target } from '../../model/target.js'
import { applyHostOps } from './apply.js'
import { kernelCaps } from './caps.js'
import { fileIdResolver } from './ids.js'
import { queryHostState, queryNamedInterfaces, queryRoutes } from './query.js'
import { queryScopedState } from './query-scope.js'
import { withVxlanRemotes } from './fdb.js'
import { DEFAULT_DELETE_GROUP } from './render.js'

export { renderOps, renderBatch, DEFAULT_DELETE_GROUP, type RenderOptions, type RenderedBatch } from './render.js'
export { kernelCaps, probeKernelCaps } from './caps.js'
export { buildHostState } from './query-state.js'
export { LauncherRunner } from './launcher.js'
export { LinkLayer, parseRouteEntries, type LinkBatchResult, type LinkInfo, type LinkAddresses, type LinkLayerOptions, type NeighborEntry, type RouteEntry } from './link-layer.js'
export { deletionGroup, netnsToken, renderLinkOps, type LinkOp, type LinkAddOp, type LinkAddType, type LinkSetOp, type MacvtapMode, type VethPeer } from './link-ops.js'
export { bridgeBatch, bridgeOps, createNetworkBridge, retireLink, type BridgeCreateResult, type BridgeSpec } from './net-bridge.js'

export interface Iproute2BackendOptions {
  runner?: Runner
  /** Link group used for bulk deletes (default DEFAULT_DELETE_GROUP). */
  deleteGroup?: number
  /** Limit for one apply batch (default 10 minutes: deleting thousands of links is slow). */
  applyTimeoutMs?: number
}

export class Iproute2Backend implements HostBackend {
  private readonly runner: Runner
  private readonly deleteGroup: number
  private readonly applyTimeoutMs: number | undefined
  private readonly ids = fileIdResolver()

  constructor(opts: Iproute2BackendOptions = {}) {
    this.runner = opts.runner ?? systemRunner
    this.deleteGroup = opts.deleteGroup ?? DEFAULT_DELETE_GROUP
    this.applyTimeoutMs = opts.applyTimeoutMs
  }

  async query(target: Target, opts: QueryOptions = {}): Promise<HostState> {
    return withVxlanRemotes(this.runner, target, await queryHostState(this.runner, target, opts, this.ids))
  }

  queryRoutes(target: Target): Promise<Route[]> {
    return queryRoutes(this.runner, target)
  }

  async queryInterfaces(target: Target, names: readonly string[]): Promise<HostState> {
    return withVxlanRemotes(this.runner, target, await queryNamedInterfaces(this.runner, target, names, this.ids))
  }

  async queryScope(target: Target, seeds: readonly string[], opts: { maxInterfaces: number }): Promise<HostState | undefined> {
    const state = await queryScopedState(this.runner, target, seeds, this.ids, opts)
    return state === undefined ? undefined : withVxlanRemotes(this.runner, target, state)
  }

  apply(target: Target, ops: readonly HostOp[]): Promise<void> {
    return applyHostOps(this.runner, target, ops, {
      deleteGroup: this.deleteGroup,
      ...(this.applyTimeoutMs === undefined ? {} : { timeoutMs: this.applyTimeoutMs }),
    })
  }

  /** Which interface types this kernel can create (probed once per process, see caps.ts). */
  caps(target: Target): Promise<KernelCaps> {
    return this.runner === systemRunner ? kernelCaps(target) : kernelCaps(target, { runner: this.runner })
  }
}
