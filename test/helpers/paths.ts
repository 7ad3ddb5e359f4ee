/** Paths used by tests: the repository root (tests run from dist/, fixtures live in the source tree). */
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir)
    if (up === dir) throw new Error('repository root not found')
    dir = up
  }
  return dir
}

/** Where the team's shared reference folder lives when $HOSTNET_SHARED_DIR does not say. */
const SHARED_DIR_CANDIDATES = ['../shared', '/work/shared']

/**
 * The shared reference folder (specs, conformance corpus, recipes): `$HOSTNET_SHARED_DIR`, else `../shared` next to
 * the checkout, else `/work/shared` (a CI clone in a temporary folder has no `../shared` beside it).
 */
export function sharedDir(): string {
  const env = process.env['HOSTNET_SHARED_DIR']
  if (env) return env
  for (const c of SHARED_DIR_CANDIDATES) {
    const dir = resolve(repoRoot(), c)
    if (existsSync(dir)) return dir
  }
  return resolve(repoRoot(), SHARED_DIR_CANDIDATES[0]!)
}

/** The libvirt conformance corpus, read in place (never copied into the repository). */
export function conformanceDir(): string {
  return process.env['HOSTNET_CONFORMANCE_DIR'] ?? join(sharedDir(), 'conformance/libvirt-9.9.0')
}

/** Under CI a missing corpus is a failure, elsewhere the conformance suites skip. */
export function conformanceAvailable(): boolean {
  const ok = existsSync(join(conformanceDir(), 'cases.json'))
  if (!ok && process.env['CI']) throw new Error(`conformance corpus missing at ${conformanceDir()} (required under CI)`)
  return ok
}
