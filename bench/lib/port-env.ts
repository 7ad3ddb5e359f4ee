/**
 * Shared pieces of the port benchmarks: a port driver (the network driver's `ports`) over a fresh store on a
 * namespace target, the `<networkport>` documents a client sends, and `ip -batch` in a namespace.
 * @module
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Target } from '../../src/model/target.js'
import { Iproute2Backend } from '../../src/backend/iproute2/index.js'
import { createNetworkDriver, type NetworkDriver } from '../../src/driver/network/index.js'
import { openStore, type Store } from '../../src/store/index.js'

export interface DriverEnv {
  target: Target
  store: Store
  driver: NetworkDriver
  dir: string
  close(): void
}

/** A network driver with its own store (a temporary state directory) for namespace `ns`. */
export function openDriverEnv(ns: string): DriverEnv {
  const dir = mkdtempSync(join(tmpdir(), 'hostnet-portbench-'))
  let store: Store
  try {
    store = openStore(dir)
  } catch (e) {
    rmSync(dir, { recursive: true, force: true })
    throw e
  }
  const driver = createNetworkDriver({ backend: new Iproute2Backend(), store, stateDir: dir })
  return {
    target: { kind: 'netns', name: ns },
    store,
    driver,
    dir,
    close(): void {
      driver.close()
      store.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Runs `ip -n NS -batch -` with these lines; throws with ip's error when a line fails. */
export function ipBatch(ns: string, lines: readonly string[], opts: { force?: boolean } = {}): void {
  const argv = ['-n', ns, ...(opts.force === true ? ['-force'] : []), '-batch', '-']
  const r = spawnSync('ip', argv, { input: `${lines.join('\n')}\n`, encoding: 'utf8', maxBuffer: 1 << 26 })
  if (r.status !== 0) throw new Error(`ip ${argv.join(' ')} failed: ${r.stderr.trim().split('\n').slice(0, 3).join('; ')}`)
}

/**
 * The uuid of port `i` (< 2^32) of series `series` (< 2^16), deterministic so runs are comparable; the first 12 hex
 * digits (which name the port's device) differ for every (series, i).
 */
export function portUuid(series: number, i: number): string {
  const hex = (n: number, w: number): string => n.toString(16).padStart(w, '0')
  return `${hex(i >>> 0, 8)}-${hex(series & 0xffff, 4)}-4000-8000-${hex(i >>> 0, 12)}`
}

/** MAC `52:54:xx:xx:xx:xx` from the low 32 bits of `index`. */
export function portMac(index: number): string {
  const b = [(index >>> 24) & 255, (index >>> 16) & 255, (index >>> 8) & 255, index & 255].map((x) => x.toString(16).padStart(2, '0'))
  return `52:54:${b.join(':')}`
}
