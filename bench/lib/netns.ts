/**
 * Fresh network namespaces for benchmarks (`hnb-<pid>-<n>`): always deleted, also when the run is interrupted
 * (SIGINT/SIGTERM) or fails. Deleting a namespace with thousands of links goes on in the kernel after
 * `ip netns delete` returns (and holds the rtnl lock meanwhile), so `settle()` waits before the next measurement.
 * @module
 */
import { spawnSync } from 'node:child_process'
import { createNetns, deleteNetns } from '../../src/sys/netns.js'

let counter = 0
const live = new Set<string>()

function deleteAllSync(): void {
  for (const ns of live) spawnSync('ip', ['netns', 'delete', ns], { stdio: 'ignore' })
  live.clear()
}

let hooked = false
function hookSignals(): void {
  if (hooked) return
  hooked = true
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      deleteAllSync()
      process.exit(130)
    })
  }
  process.once('exit', deleteAllSync)
}

export async function freshNetns(tag: string): Promise<string> {
  hookSignals()
  counter += 1
  const name = `hnb-${process.pid}-${counter}-${tag}`
  live.add(name)
  await createNetns(name)
  return name
}

export async function dropNetns(name: string): Promise<void> {
  await deleteNetns(name)
  live.delete(name)
}

export async function withFreshNetns<T>(tag: string, fn: (ns: string) => Promise<T>): Promise<T> {
  const ns = await freshNetns(tag)
  try {
    return await fn(ns)
  } finally {
    await dropNetns(ns)
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}

/** Time for the kernel to finish tearing down deleted namespaces before the next measurement. */
export const SETTLE_MS = 4000

export function settle(ms = SETTLE_MS): Promise<void> {
  return sleep(ms)
}
