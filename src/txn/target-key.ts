/**
 * Targets as store keys: `host` for the host namespace, `netns:NAME` for a named network namespace.
 * @module
 */
import { HostnetError } from '../errors.js'
import type { Target } from '../model/target.js'

export function targetKey(t: Target): string {
  return t.kind === 'host' ? 'host' : `netns:${t.name}`
}

export function targetFromKey(key: string): Target {
  if (key === 'host') return { kind: 'host' }
  if (key.startsWith('netns:') && key.length > 'netns:'.length) return { kind: 'netns', name: key.slice('netns:'.length) }
  throw new HostnetError('bug', `unknown target key '${key}' in the store`)
}
