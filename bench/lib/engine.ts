/**
 * The engine as the benchmarks call it: one store in a temp state dir (removed at the end), the iproute2 backend
 * with its kernel caps probed beforehand, and applyState from an already parsed document. Like any long-lived
 * process, the backend starts its commands through a LauncherRunner (a small launcher process: starting
 * programs from this process's big heap costs several ms each).
 * @module
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Target } from '../../src/model/target.js'
import { Iproute2Backend, LauncherRunner } from '../../src/backend/iproute2/index.js'
import type { DesiredState } from '../../src/model/host/state.js'
import type { KernelCaps } from '../../src/plan/caps.js'
import { openStore, type Store } from '../../src/store/index.js'
import { applyState, type ApplyResult } from '../../src/txn/index.js'

export interface BenchEngine {
  backend: Iproute2Backend
  store: Store
  caps: KernelCaps
  apply(ns: string, desired: DesiredState): Promise<ApplyResult>
  close(): void
}

export const target = (ns: string): Target => ({ kind: 'netns', name: ns })

export async function openEngine(): Promise<BenchEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'hostnet-bench-'))
  const store = openStore(join(dir, 'state'))
  const runner = new LauncherRunner()
  const backend = new Iproute2Backend({ runner })
  const caps = await backend.caps({ kind: 'host' })
  return {
    backend,
    store,
    caps,
    apply: (ns, desired) => applyState({ backend, store, caps, target: target(ns), desired }),
    close: () => {
      runner.close()
      store.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Run `ip -n NS -batch -` with `lines` (the baseline's whole command); throws on failure. */
export function ipBatch(ns: string, lines: readonly string[]): void {
  const r = spawnSync('ip', ['-n', ns, '-batch', '-'], { input: `${lines.join('\n')}\n`, maxBuffer: 1 << 26 })
  if (r.status !== 0) throw new Error(`ip -n ${ns} -batch failed: ${String(r.stderr).trim().split('\n').slice(-3).join(' | ')}`)
}

/** Spawn a whole command and wait for it (the baselines are measured like this). */
export function runCommand(argv: readonly string[]): void {
  const [cmd, ...args] = argv
  const r = spawnSync(cmd!, args, { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 })
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${String(r.stderr).trim()}`)
}
