/**
 * Fresh network namespaces for benchmarks (`hnb-<pid>-<n>`): always deleted, also when the run is interrupted
 * (SIGINT/SIGTERM) or fails. Deleting a namespace with thousands of links would go on in the kernel long after
 * `ip netns delete` returned, holding the rtnl lock (and stalling everyone's `ip netns add`): the links are
 * deleted first, in one bulk delete that ip waits for; `settle()` then gives the kernel a moment before the next
 * measurement.
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

/** Link group for emptying a namespace (not the engine's delete group). */
const EMPTY_GROUP = 4242

/** Delete every link but lo in one `link delete group` (best effort: the namespace is deleted next anyway). */
export function emptyNetns(name: string): void {
  const r = spawnSync('ip', ['-n', name, '-json', 'link', 'show'], { encoding: 'utf8', maxBuffer: 1 << 28 })
  if (r.status !== 0) return
  const links = (JSON.parse(r.stdout || '[]') as Array<{ ifname: string }>).map((l) => l.ifname).filter((n) => n !== 'lo')
  if (links.length === 0) return
  const lines = [...links.map((n) => `link set dev ${n} group ${EMPTY_GROUP}`), `link delete group ${EMPTY_GROUP}`]
  spawnSync('ip', ['-n', name, '-batch', '-'], { input: `${lines.join('\n')}\n`, stdio: ['pipe', 'ignore', 'ignore'] })
}

export async function dropNetns(name: string): Promise<void> {
  emptyNetns(name)
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
export const SETTLE_MS = 2000

export function settle(ms = SETTLE_MS): Promise<void> {
  return sleep(ms)
}
