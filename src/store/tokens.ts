/**
 * API bearer tokens: one row per token with its role, creation and expiry times and revocation; the secret is
 * kept only as a SHA-256 hash (tokens are 256 random bits, so a fast hash is enough) and compared in constant
 * time. A token reads `hn1_<id>_<secret>`: the id finds the row, the secret proves possession.
 * @module
 */
import type Database from 'better-sqlite3'
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { HostnetError } from '../errors.js'
import { prepared } from './sql.js'

export const TOKEN_ROLES = ['admin', 'viewer'] as const
export type TokenRole = (typeof TOKEN_ROLES)[number]

export const TOKENS_MIGRATION_SQL = `
  CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    secret_sha256 TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'viewer')),
    description TEXT NOT NULL DEFAULT '',
    created_ms INTEGER NOT NULL,
    expires_ms INTEGER,
    revoked_ms INTEGER
  );
`

export interface ApiToken {
  id: string
  role: TokenRole
  description: string
  createdMs: number
  expiresMs: number | undefined
  revokedMs: number | undefined
}

interface Row {
  id: string
  secret_sha256: string
  role: string
  description: string
  created_ms: number
  expires_ms: number | null
  revoked_ms: number | null
}

const TOKEN_RE = /^hn1_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/

function sha256(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest()
}

function fromRow(r: Row): ApiToken {
  if (r.role !== 'admin' && r.role !== 'viewer') throw new HostnetError('bug', `token ${r.id}: unknown role '${r.role}' in the store`)
  return { id: r.id, role: r.role, description: r.description, createdMs: r.created_ms, expiresMs: r.expires_ms ?? undefined, revokedMs: r.revoked_ms ?? undefined }
}

export class ApiTokens {
  constructor(
    private readonly db: Database.Database,
    private readonly nowMs: () => number,
  ) {}

  /** A new token; the secret is returned once and never stored. */
  create(input: { role: TokenRole; description?: string; expiresMs?: number }): { token: string; info: ApiToken } {
    const id = randomBytes(8).toString('hex')
    const secret = randomBytes(32).toString('base64url')
    const now = this.nowMs()
    const insert = 'INSERT INTO api_tokens (id, secret_sha256, role, description, created_ms, expires_ms) VALUES (?, ?, ?, ?, ?, ?)'
    prepared(this.db, insert).run(id, sha256(secret).toString('hex'), input.role, input.description ?? '', now, input.expiresMs ?? null)
    return { token: `hn1_${id}_${secret}`, info: this.require(id) }
  }

  list(): ApiToken[] {
    return (prepared(this.db, 'SELECT * FROM api_tokens ORDER BY created_ms, id').all() as Row[]).map(fromRow)
  }

  get(id: string): ApiToken | undefined {
    const r = prepared(this.db, 'SELECT * FROM api_tokens WHERE id = ?').get(id) as Row | undefined
    return r === undefined ? undefined : fromRow(r)
  }

  require(id: string): ApiToken {
    const t = this.get(id)
    if (t === undefined) throw new HostnetError('not-found', `no API token '${id}'`)
    return t
  }

  /** Revoke (kept for the record); false if it was revoked already. */
  revoke(id: string): boolean {
    this.require(id)
    return prepared(this.db, 'UPDATE api_tokens SET revoked_ms = ? WHERE id = ? AND revoked_ms IS NULL').run(this.nowMs(), id).changes === 1
  }

  /** Whether the token `id` exists, is not revoked and has not expired (sessions made from a token check it). */
  active(id: string): boolean {
    const t = this.get(id)
    return t !== undefined && t.revokedMs === undefined && (t.expiresMs === undefined || t.expiresMs > this.nowMs())
  }

  /** The token's record if `token` is a valid, unrevoked, unexpired token; compared in constant time. */
  verify(token: string): ApiToken | undefined {
    const m = TOKEN_RE.exec(token)
    if (m === null) return undefined
    const r = prepared(this.db, 'SELECT * FROM api_tokens WHERE id = ?').get(m[1]!) as Row | undefined
    const stored = Buffer.from(r?.secret_sha256 ?? '0'.repeat(64), 'hex')
    const ok = timingSafeEqual(stored, sha256(m[2]!)) && r !== undefined
    if (!ok || r.revoked_ms !== null) return undefined
    if (r.expires_ms !== null && r.expires_ms <= this.nowMs()) return undefined
    return fromRow(r)
  }
}
