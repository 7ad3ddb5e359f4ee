/**
 * User and group names → ids, for the tun/tap owners `ip -details` prints by name. Reads /etc/passwd and
 * /etc/group once, and only when a name needs resolving.
 * @module
 */
import { readFileSync } from 'node:fs'
import type { IdResolver } from './query-sections.js'

function loadIds(file: string): Map<string, number> {
  const out = new Map<string, number>()
  let text = ''
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    // no such database: names stay unresolved (the owner field is then left out)
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return out
    throw e
  }
  for (const line of text.split('\n')) {
    const [name, , id] = line.split(':')
    if (name !== undefined && id !== undefined && /^[0-9]+$/.test(id)) out.set(name, Number(id))
  }
  return out
}

export function fileIdResolver(files: { passwd?: string; group?: string } = {}): IdResolver {
  let users: Map<string, number> | undefined
  let groups: Map<string, number> | undefined
  return {
    userId(name) {
      users ??= loadIds(files.passwd ?? '/etc/passwd')
      return users.get(name)
    },
    groupId(name) {
      groups ??= loadIds(files.group ?? '/etc/group')
      return groups.get(name)
    },
  }
}
