/**
 * Where hostnet keeps its store: `--state-dir` wins over the HOSTNET_STATE_DIR environment variable, which wins
 * over /var/lib/hostnet.
 * @module
 */
import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { HostnetError } from '../errors.js'

export const DEFAULT_STATE_DIR = '/var/lib/hostnet'
export const STATE_DIR_ENV = 'HOSTNET_STATE_DIR'
export const STORE_FILE_NAME = 'hostnet.db'

export interface StateDirSources {
  /** The `--state-dir` option, if given. */
  flag?: string | undefined
  /** The environment to read HOSTNET_STATE_DIR from (default: process.env). */
  env?: Readonly<Record<string, string | undefined>>
}

export function resolveStateDir(sources: StateDirSources = {}): string {
  const env = sources.env ?? process.env
  const chosen = nonEmpty(sources.flag) ?? nonEmpty(env[STATE_DIR_ENV]) ?? DEFAULT_STATE_DIR
  return resolve(chosen)
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s === '' ? undefined : s
}

/** Create the state directory (owner-only) if it does not exist. */
export function ensureStateDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    const kind = code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'permission' : 'backend-failure'
    throw new HostnetError(kind, `cannot create state directory '${dir}': ${(e as Error).message}`, { cause: e })
  }
}
