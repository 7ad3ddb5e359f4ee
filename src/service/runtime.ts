/**
 * The composition root of the CLI and the API: resolves the state directory, opens the store, picks the kernel
 * backend, and runs crash recovery before any command that touches a target. The CLI imports this module on first
 * use (cli/ops.ts); the network driver (with its dnsmasq, nftables, tc and port parts) and the engine's recovery
 * are imported here only when used.
 * @module
 */
import { fileURLToPath } from 'node:url'
import type { Target } from '../model/target.js'
import { OvsHostBackend } from '../backend/ovs-host/backend.js'
import { defaultOvsdbResolver } from '../backend/ovs-host/resolver.js'
import type { KernelCaps } from '../plan/caps.js'
import { Iproute2Backend, LauncherRunner } from '../backend/iproute2/index.js'
import { DhcpcdClients, DhcpHostBackend } from '../backend/dhcpcd/index.js'
import { HostnetError } from '../errors.js'
import { openStore, resolveStateDir, type Store } from '../store/index.js'
import type { EngineDeps, RecoveryReport } from '../txn/index.js'
import type { NetworkDriver } from '../driver/network/index.js'
import { recoveryNeeded } from '../driver/recovery-needed.js'
import { SYSFS_ROOT_ENV } from '../sys/sysfs-pci.js'
import { installPath } from '../sys/install-path.js'

/** Test hook (never set in production): pause this many ms after the kernel apply, before verification. */
export const PAUSE_AFTER_APPLY_ENV = 'HOSTNET_TEST_PAUSE_AFTER_APPLY_MS'

export interface Runtime {
  stateDir: string
  store: Store
  /** Kernel (iproute2) and, where the target has one, Open vSwitch (OVSDB). */
  backend: OvsHostBackend
  /** The OVSDB address given with --ovsdb (passed on to a confirm-timer daemon). */
  ovsdb: string | undefined
  deps: EngineDeps
  /** What the target's kernel can create (undefined if it could not be probed: the planner then assumes yes). */
  caps(target: Target): Promise<KernelCaps | undefined>
  /** The virtual-network driver (created on first use). */
  networks(): NetworkDriver
  close(): void
}

export function logLine(line: string): void {
  process.stderr.write(`hostnet: ${line}\n`)
}

export interface RuntimeFlags {
  stateDir?: string | undefined
  /** OVSDB address for every target (else $HOSTNET_OVSDB, the sandbox's private OVS, the system's for --host). */
  ovsdb?: string | undefined
  /**
   * A long-lived process (`hostnet serve`): the host-interface backend starts its commands from a small launcher
   * process (LauncherRunner), whose fork stays cheap however big this process grows. The network driver keeps
   * starting its own (many short commands in parallel: measured slower through the launcher).
   */
  longLived?: boolean
}

type NetworkDriverModule = typeof import('../driver/network/index.js')

/** The network driver's module, imported by the first runtime that asks for networks. */
let driverModule: NetworkDriverModule | undefined

async function loadNetworkDriver(): Promise<NetworkDriverModule> {
  return (driverModule ??= await import('../driver/network/index.js'))
}

export interface OpenRuntimeOptions {
  /** Import the network driver so that `networks()` works (default true; false: the caller never calls it). */
  networks?: boolean
}

export async function openRuntime(flags: RuntimeFlags, opts: OpenRuntimeOptions = {}): Promise<Runtime> {
  if (opts.networks !== false) await loadNetworkDriver()
  return createRuntime(flags)
}

/** `HOSTNET_DHCP_TIMEOUT_MS`: how long an apply waits for DHCP leases (default 30 s; tests shorten it). */
function dhcpTimeout(): { leaseTimeoutMs?: number } {
  const v = process.env['HOSTNET_DHCP_TIMEOUT_MS']
  if (v === undefined || !/^[0-9]{1,7}$/.test(v)) return {}
  return { leaseTimeoutMs: Number(v) }
}

function createRuntime(flags: RuntimeFlags): Runtime {
  const stateDir = resolveStateDir({ flag: flags.stateDir })
  const resolve = defaultOvsdbResolver({ address: flags.ovsdb, stateDir })
  const store = openStore(stateDir)
  const launcher = flags.longLived === true ? new LauncherRunner() : undefined
  const kernel = new Iproute2Backend(launcher === undefined ? {} : { runner: launcher })
  const backend = new OvsHostBackend({ kernel: new DhcpHostBackend(kernel, new DhcpcdClients({ stateDir, ...dhcpTimeout() })), resolve })
  const caps = async (target: Target): Promise<KernelCaps | undefined> => {
    try {
      return await backend.caps(target)
    } catch (e) {
      logLine(`warning: cannot probe the kernel's link types: ${(e as Error).message}`)
      return undefined
    }
  }
  let networks: NetworkDriver | undefined
  const networkDriver = (): NetworkDriver => {
    if (driverModule === undefined) throw new HostnetError('bug', 'the network driver was not loaded: open the runtime without networks: false')
    return (networks ??= driverModule.createNetworkDriver({
      backend,
      store,
      stateDir,
      log: logLine,
      dhcpEventScript: dhcpEventBin(),
      ...(flags.ovsdb === undefined ? {} : { ovsdb: flags.ovsdb }),
      ...netPauseHook(),
      ...portOptions(),
    }))
  }
  const close = (): void => {
    networks?.close()
    store.close()
    void backend.close()
    launcher?.close()
  }
  return { stateDir, store, backend, ovsdb: flags.ovsdb, deps: { backend, store, log: logLine }, caps, networks: networkDriver, close }
}

/** bin/hostnet-dhcp-event of this installation (found from dist/src/service/ or the bundle): dnsmasq's lease script. */
export function dhcpEventBin(): string {
  const bin = installPath('bin/hostnet-dhcp-event', import.meta.url)
  if (bin === undefined) throw new HostnetError('bug', `no bin/hostnet-dhcp-event above '${fileURLToPath(import.meta.url)}'`)
  return bin
}

export interface WithRuntimeOptions extends OpenRuntimeOptions {
  /** Run crash recovery first (default true). */
  recover?: boolean
}

/**
 * Open the runtime, recover interrupted or expired transactions and networks first (unless told not to), run,
 * close. Recovery costs one store read when there is nothing to recover (driver/recovery-needed.ts).
 */
export async function withRuntime<T>(flags: RuntimeFlags, fn: (rt: Runtime, recovery: RecoveryReport) => Promise<T>, opts: WithRuntimeOptions = {}): Promise<T> {
  const rt = await openRuntime(flags, opts)
  try {
    const recovery = opts.recover === false ? { rolledBack: [], failed: [] } : await recoverIfNeeded(rt)
    return await fn(rt, recovery)
  } finally {
    rt.close()
  }
}

/** Roll back interrupted or expired transactions, then repair networks left half-started or half-stopped. */
export async function recoverIfNeeded(rt: Runtime): Promise<RecoveryReport> {
  const need = await recoveryNeeded(rt.store)
  const recovery = need.transactions ? await (await import('../txn/recover.js')).recoverPending(rt.deps) : { rolledBack: [], failed: [] }
  if (need.networks) {
    await loadNetworkDriver()
    await rt.networks().recover()
  }
  return recovery
}

/** Test hook (never set in production): a net-start sleeps this many ms once its bridge exists. */
export const NET_PAUSE_ENV = 'HOSTNET_TEST_NET_PAUSE_AFTER_BRIDGE_MS'

function netPauseHook(): { pauseAfterBridgeMs?: number } {
  const v = Number(process.env[NET_PAUSE_ENV] ?? '')
  return Number.isFinite(v) && v > 0 ? { pauseAfterBridgeMs: v } : {}
}

/** Test hook (never set in production): a port creation sleeps this many ms once its devices exist. */
export const PORT_PAUSE_ENV = 'HOSTNET_TEST_PORT_PAUSE_AFTER_PLUG_MS'

/** The sysfs root for SR-IOV information ($HOSTNET_SYSFS_ROOT, tests) and the port test hook. */
function portOptions(): { sysfsRoot?: string; portPauseAfterPlugMs?: number } {
  const root = process.env[SYSFS_ROOT_ENV]
  const pause = Number(process.env[PORT_PAUSE_ENV] ?? '')
  return {
    ...(root === undefined || root === '' ? {} : { sysfsRoot: root }),
    ...(Number.isFinite(pause) && pause > 0 ? { portPauseAfterPlugMs: pause } : {}),
  }
}

export function pauseAfterApplyMs(env: Readonly<Record<string, string | undefined>> = process.env): number | undefined {
  const v = env[PAUSE_AFTER_APPLY_ENV]
  if (v === undefined || v === '') return undefined
  const n = Number(v)
  return Number.isFinite(n) && n > 0 ? n : undefined
}
