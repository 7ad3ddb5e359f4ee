/**
 * The composite host backend: kernel ops go to the kernel backend (iproute2), every `ovs.transact` op to the
 * target's OVSDB in one transaction, in plan order. Query reads both (in parallel) and merges them; when the
 * target has no reachable OVS the state says so (`ovs.available: false`) and the planner refuses documents that
 * need OVS with a 'dependency' error before anything changes. Rollback is the engine's: the journaled snapshot
 * holds the OVS state, and the revert plan is the inverse OVS transaction.
 * @module
 */
import { existsSync } from 'node:fs'
import { HostnetError, errorMessage } from '../../errors.js'
import type { HostState } from '../../model/host/state.js'
import type { KernelCaps } from '../../plan/caps.js'
import type { HostOp } from '../../plan/ops.js'
import { ApplyError, type HostBackend, type QueryOptions } from '../backend.js'
import { describeTarget, type Target } from '../../model/target.js'
import type { OvsdbClient } from '../ovsdb/client.js'
import { OvsdbTxnError } from '../ovsdb/errors.js'
import type { OvsConnections, OvsConnectionsOptions } from './connections.js'
import type { OvsdbResolver } from './resolver.js'
import type { OvsTransactResult } from './transact.js'

// the OVSDB client and what reads and writes through it load when a target has an OVSDB: `hostnet show` of a
// namespace without OVS loads none of it
const ovsModules = (): Promise<[typeof import('./connections.js'), typeof import('./merge.js'), typeof import('./read.js'), typeof import('./transact.js')]> =>
  Promise.all([import('./connections.js'), import('./merge.js'), import('./read.js'), import('./transact.js')])

export type KernelBackend = HostBackend & { caps?(target: Target): Promise<KernelCaps> }

export interface OvsHostBackendOptions extends OvsConnectionsOptions {
  kernel: KernelBackend
  resolve: OvsdbResolver
  /** How long ovs-vswitchd may take to apply a transaction (default 30 s). */
  applyTimeoutMs?: number
  /** Test hooks. */
  hooks?: { beforeOvsTransact?: (target: Target) => Promise<void> }
  /** Called after each OVS transaction (diagnostics, tests). */
  onOvsTransact?: (target: Target, r: OvsTransactResult) => void
}

/** An OVS transaction OVSDB refused: nothing of it took effect; carries OVSDB's own error and details. */
export class OvsApplyError extends ApplyError {
  readonly ovsdbError: string
  readonly ovsdbDetails: string | undefined

  constructor(message: string, e: OvsdbTxnError, at: number, op: HostOp) {
    super(message, { appliedCount: at, failedIndex: at, cause: e, op })
    this.name = 'OvsApplyError'
    this.ovsdbError = e.ovsdbError
    this.ovsdbDetails = e.ovsdbDetails
    Object.assign(this.details ?? {}, { ovsdbError: e.ovsdbError, ovsdbDetails: e.ovsdbDetails, ovsdbOpIndex: e.opIndex, ovsdbOp: e.op })
  }
}

/** The default datapath for new bridges: the kernel's when its openvswitch module is loaded, else userspace. */
export function defaultDatapath(): string {
  return existsSync('/sys/module/openvswitch') ? 'system' : 'netdev'
}

export class OvsHostBackend implements HostBackend {
  readonly kernel: KernelBackend
  private connections: Promise<OvsConnections> | undefined
  private readonly resolve: OvsdbResolver

  constructor(private readonly opts: OvsHostBackendOptions) {
    this.kernel = opts.kernel
    this.resolve = opts.resolve
  }

  /** The clients, one per OVSDB address (their module loaded on first use). */
  private conns(): Promise<OvsConnections> {
    return (this.connections ??= ovsModules().then(([{ OvsConnections }]) => new OvsConnections(this.opts)))
  }

  /** The OVSDB address for `target`, if any. */
  addressOf(target: Target): string | undefined {
    return this.resolve(target)
  }

  /** A connected client for the target's OVSDB; 'dependency' error when there is none. */
  async client(target: Target): Promise<OvsdbClient> {
    const address = this.resolve(target)
    if (address === undefined) throw noOvs(target)
    const p = await (await this.conns()).probe(address)
    if (!p.ok) {
      throw new HostnetError('dependency', `Open vSwitch is not reachable at '${address}' for ${describeTarget(target)}: ${p.reason}`, { details: { address } })
    }
    return p.client
  }

  async query(target: Target, opts: QueryOptions = {}): Promise<HostState> {
    const address = this.resolve(target)
    if (address === undefined) return { ...(await this.kernel.query(target, opts)), ovs: { available: false, reason: noOvs(target).message } }
    const [kernel, probe, [, { mergeOvsState }, { snapshotFromCache }]] = await Promise.all([
      this.kernel.query(target, opts),
      this.conns().then((c) => c.probe(address)),
      ovsModules(),
    ])
    if (!probe.ok) return { ...kernel, ovs: { available: false, address, reason: probe.reason } }
    return mergeOvsState(kernel, snapshotFromCache(await (await this.conns()).cache(probe.client)), address)
  }

  async apply(target: Target, ops: readonly HostOp[]): Promise<void> {
    let done = 0
    while (done < ops.length) {
      const op = ops[done]!
      if (op.kind === 'ovs.transact') {
        await this.applyOvs(target, op, done)
        done += 1
        continue
      }
      let end = done
      while (end < ops.length && ops[end]!.kind !== 'ovs.transact') end++
      await this.applyKernel(target, ops.slice(done, end), done)
      done = end
    }
  }

  async caps(target: Target): Promise<KernelCaps> {
    const k = this.kernel.caps === undefined ? {} : await this.kernel.caps(target)
    return { ...k, ovsDatapath: defaultDatapath() }
  }

  async close(): Promise<void> {
    if (this.connections !== undefined) await (await this.connections).close()
  }

  private async applyKernel(target: Target, ops: readonly HostOp[], offset: number): Promise<void> {
    try {
      await this.kernel.apply(target, ops)
    } catch (e) {
      if (offset === 0) throw e
      if (e instanceof ApplyError) {
        const failed = e.failedIndex === undefined ? {} : { failedIndex: offset + e.failedIndex }
        throw new ApplyError(e.message, { appliedCount: offset + e.appliedCount, ...failed, cause: e.cause ?? e })
      }
      throw new ApplyError(errorMessage(e), { appliedCount: offset, cause: e })
    }
  }

  private async applyOvs(target: Target, op: Extract<HostOp, { kind: 'ovs.transact' }>, at: number): Promise<void> {
    let client: OvsdbClient
    try {
      client = await this.client(target)
    } catch (e) {
      throw at === 0 ? e : new ApplyError(errorMessage(e), { appliedCount: at, failedIndex: at, cause: e, op })
    }
    try {
      const hook = this.opts.hooks?.beforeOvsTransact
      const [, , , { transactOvsChanges }] = await ovsModules()
      const conns = await this.conns()
      const r = await transactOvsChanges(client, op.changes, {
        cache: await conns.cache(client),
        settleTimeoutMs: conns.settleTimeoutMs,
        ...(this.opts.applyTimeoutMs === undefined ? {} : { applyTimeoutMs: this.opts.applyTimeoutMs }),
        ...(hook === undefined ? {} : { beforeTransact: () => hook(target) }),
      })
      this.opts.onOvsTransact?.(target, r)
    } catch (e) {
      const where = `${describeTarget(target)}: Open vSwitch transaction (${op.changes.length} change${op.changes.length === 1 ? '' : 's'})`
      if (e instanceof OvsdbTxnError) throw new OvsApplyError(`${where} refused: ${e.message}`, e, at, op)
      // a timeout waiting for ovs-vswitchd comes after the commit: the op took effect
      const committed = e instanceof HostnetError && e.details?.['committed'] === true
      throw new ApplyError(`${where} failed: ${errorMessage(e)}`, { appliedCount: committed ? at + 1 : at, failedIndex: at, cause: e, op })
    }
  }
}

function noOvs(target: Target): HostnetError {
  const hint = 'give --ovsdb ADDR, or create the sandbox with --ovs'
  return new HostnetError('dependency', `no Open vSwitch database is configured for ${describeTarget(target)} (${hint})`)
}
