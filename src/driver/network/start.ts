/**
 * Making a network real, as one all-or-nothing sequence. Each step is recorded in the store's runtime status
 * before it touches the system (so recovery can undo it after a crash) and registers its undo with the Reverter
 * right after it succeeds (so a failure undoes exactly what was done). Independent steps run in parallel: the nft
 * transaction, the route dump, the one `ip -batch` that creates the bridge and the dnsmasq spawn all start at
 * once (the ruleset names the bridge, and dnsmasq binds to it when it appears); the sysctls follow the bridge. A
 * route collision found by the dump undoes everything.
 * @module
 */
import { errorMessage, HostnetError } from '../../errors.js'
import type { Bandwidth } from '../../model/netdev/bandwidth.js'
import { describeTarget, type Target } from '../../model/target.js'
import { networkObject, type NetworkDef } from '../../model/network/network-def.js'
import type { Reverter } from '../../txn/reverter.js'
import { checkRouteCollision } from './checks.js'
import { bridgeSpec, needsDnsmasq, needsFirewall, startKind, startSysctls } from './plan-start.js'
import type { NetworkRuntime } from './runtime-status.js'
import type { NetworkServices, RouteEntry } from './services.js'

export interface StartContext {
  target: Target
  def: NetworkDef
  services: NetworkServices
  /** Persist the runtime status (called before each step touches the system). */
  record: (runtime: NetworkRuntime) => void
  /** Test hook: sleep this long once the bridge exists (crash-recovery tests kill the process there). */
  pauseAfterBridgeMs?: number
  /** Checks an Open vSwitch bridge exists (undefined: OVS networks cannot be started). */
  ovsBridgeExists?: (target: Target, name: string) => Promise<boolean>
}

/** Run the start steps; returns the final runtime status. Undos are registered with `r`. */
export async function startNetworkSteps(ctx: StartContext, r: Reverter): Promise<NetworkRuntime> {
  if (!ctx.services.links.targetExists(ctx.target)) {
    throw new HostnetError('not-found', `cannot start network '${ctx.def.name}': ${describeTarget(ctx.target)} does not exist`)
  }
  const kind = startKind(ctx.def)
  switch (kind) {
    case 'virtual':
      return startVirtual(ctx, r)
    case 'existing-bridge':
      return startExistingBridge(ctx, r)
    case 'external':
      return {}
  }
}

async function startVirtual(ctx: StartContext, r: Reverter): Promise<NetworkRuntime> {
  const { target, def, services } = ctx
  const spec = bridgeSpec(def)
  const firewall = needsFirewall(def)
  const dnsmasq = needsDnsmasq(def)
  // every intent is on record before anything runs: recovery after a crash knows what may exist
  const runtime: NetworkRuntime = {
    bridge: spec.name,
    ownsBridge: true,
    ...(firewall ? { firewall: true } : {}),
    ...(dnsmasq ? { dnsmasq: true } : {}),
    ...(def.bandwidth !== undefined ? { bandwidth: true } : {}),
  }
  ctx.record(runtime)
  const steps: Array<Promise<void>> = []
  // the ruleset names the bridge by name, so its nft transaction (the slowest step, ~20 ms of kernel commit)
  // runs from the start, alongside the route check and the bridge
  if (firewall) {
    steps.push(
      services.firewall.apply(target, def, spec.name).then((n) => {
        runtime.nftObjects = n
        r.add(`remove the firewall of network '${def.name}'`, () => services.firewall.remove(target, spec.name))
      }),
    )
  }
  steps.push(bridgeAndDaemons(ctx, r, runtime, dnsmasq))
  await settleAll(steps)
  return runtime
}

/**
 * The bridge (one ip batch, which first dumps the IPv4 routes) alongside the IPv6 route dump and the dnsmasq
 * spawn (with bind-dynamic it binds the bridge's address when it appears), then the sysctls, which need the bridge.
 */
async function bridgeAndDaemons(ctx: StartContext, r: Reverter, runtime: NetworkRuntime, dnsmasq: boolean): Promise<void> {
  const { target, def, services } = ctx
  const spec = bridgeSpec(def)
  const v4 = def.ips.some((ip) => ip.address.family === 'ipv4')
  const v6 = def.ips.some((ip) => ip.address.family === 'ipv6')
  const routes: RouteEntry[] = []
  // IPv4 routes are dumped by the bridge's own batch, right before it creates the bridge (one process fewer)
  const created = services.links.createBridge(target, spec, v4 ? { routesV4: true } : {}).then(
    async (dumped) => {
      routes.push(...dumped)
      r.add(`remove bridge '${spec.name}'`, () => services.links.retireBridge(target, spec.name))
      if (ctx.pauseAfterBridgeMs !== undefined) await new Promise((res) => setTimeout(res, ctx.pauseAfterBridgeMs))
    },
    (e: unknown) => {
      runtime.ownsBridge = false // the name may belong to someone else's device: never delete it
      ctx.record(runtime)
      throw e
    },
  )
  const steps: Array<Promise<void>> = [created]
  if (v6) steps.push(services.links.routes(target, { v4: false, v6 }).then((x) => void routes.push(...x)))
  steps.push(created.then(() => services.sysctl.set(target, startSysctls(def, spec.name))))
  // the network's own <bandwidth> on its bridge at start, as libvirt: the bridge's removal takes it along
  const bandwidth = def.bandwidth
  if (bandwidth !== undefined) steps.push(created.then(() => setBandwidth(ctx, spec.name, bandwidth)))
  if (dnsmasq) {
    const dctx = { target, def, bridgeName: spec.name }
    steps.push(
      services.dhcp.start(dctx).then((pid) => {
        runtime.dnsmasqPid = pid
        r.add(`stop dnsmasq of network '${def.name}'`, () => services.dhcp.stop(dctx, pid))
      }),
    )
  }
  await settleAll(steps)
  // the dump may already show the new bridge's own routes
  checkRouteCollision(def, routes.filter((x) => x.dev !== spec.name))
}

/** Wait for every step; then throw the first failure (so every success has registered its undo). */
async function settleAll(steps: ReadonlyArray<Promise<void>>): Promise<void> {
  const results = await Promise.allSettled(steps)
  const failed = results.find((x): x is PromiseRejectedResult => x.status === 'rejected')
  if (failed !== undefined) throw failed.reason
}

async function setBandwidth(ctx: StartContext, bridge: string, bandwidth: Bandwidth): Promise<void> {
  try {
    await ctx.services.shaping.setBridge(ctx.target, bridge, bandwidth)
  } catch (e) {
    throw new HostnetError('backend-failure', `cannot set the bandwidth of network '${ctx.def.name}' on bridge '${bridge}': ${errorMessage(e)}`, {
      cause: e,
      details: { path: '/network/bandwidth', object: networkObject(ctx.def.name) },
    })
  }
}

/**
 * Mode bridge over an existing Linux bridge: nothing is created; the network's `<bandwidth>` goes on the bridge
 * (networkStartNetworkBridge) and comes off it at destroy. On an Open vSwitch bridge the shaping is left out
 * (its ports get OVS QoS rows instead).
 */
async function startExistingBridge(ctx: StartContext, r: Reverter): Promise<NetworkRuntime> {
  const ovs = await checkExistingBridge(ctx)
  const bridge = ctx.def.bridge?.name ?? ''
  const bandwidth = ctx.def.bandwidth
  if (ovs || bandwidth === undefined) return { bridge, ownsBridge: false }
  const runtime: NetworkRuntime = { bridge, ownsBridge: false, bandwidth: true }
  ctx.record(runtime)
  r.add(`clear the bandwidth of network '${ctx.def.name}' from bridge '${bridge}'`, () => ctx.services.shaping.clearBridge(ctx.target, bridge))
  await setBandwidth(ctx, bridge, bandwidth)
  return runtime
}

/** Whether the existing bridge is an Open vSwitch one (it exists, or this throws). */
async function checkExistingBridge(ctx: StartContext): Promise<boolean> {
  const { def, target } = ctx
  const name = def.bridge?.name ?? ''
  const details = { path: '/network/bridge/@name', value: name, object: networkObject(def.name) }
  if (def.virtualPort?.type === 'openvswitch') {
    if (ctx.ovsBridgeExists === undefined) {
      throw new HostnetError('not-supported', `network '${def.name}': Open vSwitch bridges are not supported yet (bridge '${name}')`, { details })
    }
    if (!(await ctx.ovsBridgeExists(target, name))) {
      throw new HostnetError('not-found', `Open vSwitch bridge '${name}' of network '${def.name}' does not exist`, { details })
    }
    return true
  }
  const kind = await ctx.services.links.linkKind(target, name)
  if (kind === undefined) {
    throw new HostnetError('not-found', `bridge '${name}' of network '${def.name}' does not exist in ${describeTarget(target)}`, { details })
  }
  if (kind !== 'bridge') {
    throw new HostnetError('not-supported', `device '${name}' of network '${def.name}' is not a Linux bridge (it is a ${kind} device)`, { details })
  }
  return false
}
