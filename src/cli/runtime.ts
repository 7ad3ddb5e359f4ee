/**
 * The CLI's composition root: resolves the state directory, opens the store, picks the kernel backend, and runs
 * crash recovery before any command that touches a target.
 * @module
 */
import type { HostBackend, Target } from '../backend/backend.js'
import type { KernelCaps } from '../plan/caps.js'
import { Iproute2Backend } from '../backend/iproute2/index.js'
import { openStore, resolveStateDir, type Store } from '../store/index.js'
import { recoverPending, type EngineDeps, type RecoveryReport } from '../txn/index.js'
import { createNetworkDriver, type NetworkDriver } from '../driver/network/index.js'

/** Test hook (never set in production): pause this many ms after the kernel apply, before verification. */
export const PAUSE_AFTER_APPLY_ENV = 'HOSTNET_TEST_PAUSE_AFTER_APPLY_MS'

export interface Runtime {
  stateDir: string
  store: Store
  backend: HostBackend
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

export function openRuntime(flags: { stateDir?: string | undefined }): Runtime {
  const stateDir = resolveStateDir({ flag: flags.stateDir })
  const store = openStore(stateDir)
  const backend = new Iproute2Backend()
  const caps = async (target: Target): Promise<KernelCaps | undefined> => {
    try {
      return await backend.caps(target)
    } catch (e) {
      logLine(`warning: cannot probe the kernel's link types: ${(e as Error).message}`)
      return undefined
    }
  }
  let networks: NetworkDriver | undefined
  const networkDriver = (): NetworkDriver => (networks ??= createNetworkDriver({ backend, store, stateDir, log: logLine }))
  return { stateDir, store, backend, deps: { backend, store, log: logLine }, caps, networks: networkDriver, close: () => store.close() }
}

/** Open the runtime, recover interrupted or expired transactions first (unless told not to), run, close. */
export async function withRuntime<T>(
  flags: { stateDir?: string | undefined },
  fn: (rt: Runtime, recovery: RecoveryReport) => Promise<T>,
  opts: { recover?: boolean } = {},
): Promise<T> {
  const rt = openRuntime(flags)
  try {
    const recovery = opts.recover === false ? { rolledBack: [], failed: [] } : await recoverPending(rt.deps)
    if (opts.recover !== false) await rt.networks().recover() // networks left half-started or half-stopped
    return await fn(rt, recovery)
  } finally {
    rt.close()
  }
}

export function pauseAfterApplyMs(env: Readonly<Record<string, string | undefined>> = process.env): number | undefined {
  const v = env[PAUSE_AFTER_APPLY_ENV]
  if (v === undefined || v === '') return undefined
  const n = Number(v)
  return Number.isFinite(n) && n > 0 ? n : undefined
}
