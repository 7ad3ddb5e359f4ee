/**
 * A HostBackend with DHCP clients: wraps the kernel backend (iproute2), runs the `dhcp.start` / `dhcp.stop` ops
 * through {@link DhcpcdClients} and hands every other op to the kernel backend in order; every query reports
 * the running clients' settings and leases on their interfaces (`ipv4: {dhcp: true, auto-*, lease}`), so that
 * the planner, verification and `show` see them. After its starts, an apply waits (bounded) for the leases and
 * writes the target's resolver from the auto-dns ones; after its stops, it rewrites the resolver.
 * @module
 */
import { dhcpSettings } from '../../model/host/dhcp.js'
import type { Iface } from '../../model/host/iface.js'
import type { Route } from '../../model/host/route.js'
import type { HostState } from '../../model/host/state.js'
import type { Target } from '../../model/target.js'
import type { KernelCaps } from '../../plan/caps.js'
import type { HostOp } from '../../plan/ops.js'
import { ApplyError, type HostBackend, type QueryOptions } from '../backend.js'
import { errorMessage } from '../../errors.js'
import type { DhcpcdClients } from './clients.js'

type DhcpOp = Extract<HostOp, { kind: 'dhcp.start' | 'dhcp.stop' }>

function isDhcpOp(op: HostOp): op is DhcpOp {
  return op.kind === 'dhcp.start' || op.kind === 'dhcp.stop'
}

export class DhcpHostBackend implements HostBackend {
  queryRoutes?: (target: Target) => Promise<Route[]>
  queryInterfaces?: (target: Target, names: readonly string[]) => Promise<HostState>
  queryScope?: (target: Target, seeds: readonly string[], opts: { maxInterfaces: number }) => Promise<HostState | undefined>
  caps?: (target: Target) => Promise<KernelCaps>

  constructor(
    readonly inner: HostBackend & { caps?(target: Target): Promise<KernelCaps> },
    readonly clients: DhcpcdClients,
  ) {
    if (inner.caps !== undefined) this.caps = (t) => inner.caps!(t)
    if (inner.queryRoutes !== undefined) this.queryRoutes = (t) => inner.queryRoutes!(t)
    if (inner.queryInterfaces !== undefined) this.queryInterfaces = async (t, names) => this.withClients(t, await inner.queryInterfaces!(t, names))
    if (inner.queryScope !== undefined) {
      this.queryScope = async (t, seeds, opts) => {
        const s = await inner.queryScope!(t, seeds, opts)
        return s === undefined ? undefined : this.withClients(t, s)
      }
    }
  }

  async query(target: Target, opts?: QueryOptions): Promise<HostState> {
    return this.withClients(target, await this.inner.query(target, opts))
  }

  /** The state with each running client's settings and lease on its interface. */
  private withClients(target: Target, state: HostState): HostState {
    const running = this.clients.list(target)
    if (running.length === 0) return state
    const byName = new Map<string, Iface>(state.interfaces.map((i) => [i.name, i]))
    for (const c of running) {
      const i = byName.get(c.ifname)
      if (i === undefined) continue
      const copy: Iface = { ...i }
      copy[c.family] = { ...i[c.family], enabled: true, ...dhcpSettings(c.client), ...(c.lease === undefined ? {} : { lease: c.lease }) }
      byName.set(c.ifname, copy)
    }
    return { ...state, interfaces: state.interfaces.map((i) => byName.get(i.name) ?? i) }
  }

  async apply(target: Target, ops: readonly HostOp[]): Promise<void> {
    for (const op of ops) if (op.kind === 'dhcp.start') this.clients.check(target, op.client, op.name)
    const started: Array<{ ifname: string; family: 'ipv4' | 'ipv6' }> = []
    let changed = false
    let i = 0
    try {
      while (i < ops.length) {
        const op = ops[i]!
        if (isDhcpOp(op)) {
          await this.applyOne(target, op, i)
          if (op.kind === 'dhcp.start') started.push({ ifname: op.name, family: op.client.family })
          changed = true
          i++
          continue
        }
        let end = i
        while (end < ops.length && !isDhcpOp(ops[end]!)) end++
        await this.applyKernel(target, ops.slice(i, end), i)
        i = end
      }
    } finally {
      if (changed) {
        if (started.length > 0 && i === ops.length) await this.clients.waitForLeases(target, started)
        this.clients.writeResolver(target)
      }
    }
  }

  private async applyOne(target: Target, op: DhcpOp, index: number): Promise<void> {
    try {
      if (op.kind === 'dhcp.start') await this.clients.start(target, op.name, op.client)
      else await this.clients.stop(target, op.name, op.family)
    } catch (e) {
      throw new ApplyError(errorMessage(e), { appliedCount: index, failedIndex: index, op, cause: e })
    }
  }

  private async applyKernel(target: Target, ops: readonly HostOp[], offset: number): Promise<void> {
    try {
      await this.inner.apply(target, ops)
    } catch (e) {
      if (e instanceof ApplyError && offset > 0) {
        throw new ApplyError(e.message, {
          appliedCount: offset + e.appliedCount,
          ...(e.failedIndex === undefined ? {} : { failedIndex: offset + e.failedIndex, op: ops[e.failedIndex]! }),
          ...(e.cause === undefined ? {} : { cause: e.cause }),
        })
      }
      throw e
    }
  }
}
