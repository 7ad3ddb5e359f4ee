/**
 * `hostnet token create|list|revoke`: bearer tokens for the API on TCP. A token is printed once at creation;
 * the store keeps only its hash.
 * @module
 */
import type { Command } from 'commander'
import { ValidationError } from '../errors.js'
import type { ApiToken, TokenRole } from '../store/tokens.js'
import { addStateDirOption } from './common.js'
import { printJson, table } from './output.js'
import { withRuntime } from './runtime.js'

interface TokenFlags {
  stateDir?: string
  json?: boolean
  role?: string
  expires?: string
  description?: string
}

const UNIT_SEC: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }

/** `90s`, `30m`, `12h`, `7d`, `2w` (a bare number is seconds) → seconds. */
export function parseDuration(v: string): number {
  const m = /^(\d{1,9})([smhdw]?)$/.exec(v.trim())
  const sec = m === null ? NaN : Number(m[1]) * UNIT_SEC[m[2] === '' ? 's' : m[2]!]!
  if (!Number.isFinite(sec) || sec <= 0 || sec > 10 * 365 * 86_400) {
    throw new ValidationError(`invalid --expires '${v}': expected a duration such as 3600, 30m, 12h, 7d or 2w (at most 10 years)`, { path: '--expires', value: v })
  }
  return sec
}

function role(v: string | undefined): TokenRole {
  if (v === 'admin' || v === 'viewer') return v
  throw new ValidationError(`invalid --role '${v ?? ''}': expected admin or viewer`, { path: '--role', value: v })
}

const when = (ms: number | undefined): string => (ms === undefined ? '-' : new Date(ms).toISOString())

function listText(tokens: readonly ApiToken[], nowMs: number): string {
  const state = (t: ApiToken): string => (t.revokedMs !== undefined ? 'revoked' : t.expiresMs !== undefined && t.expiresMs <= nowMs ? 'expired' : 'active')
  return table([['ID', 'Role', 'State', 'Created', 'Expires', 'Description'], ...tokens.map((t) => [t.id, t.role, state(t), when(t.createdMs), when(t.expiresMs), t.description])])
}

export function registerTokenCommands(program: Command): void {
  const token = program.command('token').description('API bearer tokens (create prints the token once; only its hash is stored)')
  const create = token
    .command('create')
    .description('create a token for the API')
    .requiredOption('--role <role>', 'admin or viewer')
    .option('--expires <duration>', 'valid for this long (e.g. 3600, 30m, 12h, 7d); default: until revoked')
    .option('--description <text>', 'a note shown by token list')
    .option('--json', 'print machine-readable JSON')
  addStateDirOption(create).action(async (flags: TokenFlags) => {
    const r = role(flags.role)
    const expiresSec = flags.expires === undefined ? undefined : parseDuration(flags.expires)
    await withRuntime(
      flags,
      async (rt) => {
        const made = rt.store.tokens.create({
          role: r,
          ...(flags.description === undefined ? {} : { description: flags.description.slice(0, 200) }),
          ...(expiresSec === undefined ? {} : { expiresMs: rt.store.nowMs() + expiresSec * 1000 }),
        })
        if (flags.json === true) printJson(made)
        else process.stdout.write(`${made.token}\n`)
      },
      { recover: false, networks: false },
    )
  })
  const list = token.command('list').description('list tokens (never their secrets)').option('--json', 'print machine-readable JSON')
  addStateDirOption(list).action(async (flags: TokenFlags) => {
    await withRuntime(
      flags,
      async (rt) => {
        const all = rt.store.tokens.list()
        if (flags.json === true) printJson(all)
        else process.stdout.write(listText(all, rt.store.nowMs()))
      },
      { recover: false, networks: false },
    )
  })
  const revoke = token.command('revoke').description('revoke a token (its sessions end)').argument('<id>', 'token id (see token list)').option('--json', 'print machine-readable JSON')
  addStateDirOption(revoke).action(async (id: string, flags: TokenFlags) => {
    await withRuntime(
      flags,
      async (rt) => {
        rt.store.tokens.revoke(id)
        if (flags.json === true) printJson({ id, revoked: true })
        else process.stdout.write(`Token ${id} revoked\n`)
      },
      { recover: false, networks: false },
    )
  })
}
