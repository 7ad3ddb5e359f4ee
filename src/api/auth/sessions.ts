/**
 * Login sessions for browsers (EventSource cannot send an Authorization header): a random id in an HttpOnly,
 * SameSite=Strict cookie, kept in memory with an expiry. Bounded: the oldest session goes when the table is full.
 * @module
 */
import { randomBytes } from 'node:crypto'
import type { Principal } from '../context.js'

export const SESSION_COOKIE = 'hostnet_session'
export const SESSION_TTL_MS = 8 * 3600_000
export const MAX_SESSIONS = 1000

export class Sessions {
  private readonly table = new Map<string, Principal & { expiresMs: number }>()

  constructor(private readonly nowMs: () => number = Date.now) {}

  create(p: Principal): { id: string; principal: Principal & { expiresMs: number } } {
    if (this.table.size >= MAX_SESSIONS) this.table.delete(this.table.keys().next().value!)
    const id = randomBytes(32).toString('base64url')
    const principal = { role: p.role, name: p.name, via: 'session' as const, expiresMs: this.nowMs() + SESSION_TTL_MS }
    this.table.set(id, principal)
    return { id, principal }
  }

  get(id: string): Principal | undefined {
    const s = this.table.get(id)
    if (s === undefined) return undefined
    if (s.expiresMs <= this.nowMs()) {
      this.table.delete(id)
      return undefined
    }
    return s
  }

  delete(id: string): void {
    this.table.delete(id)
  }

  /** Sessions of a principal (e.g. a revoked token's). */
  dropPrincipal(name: string): void {
    for (const [id, s] of this.table) if (s.name === name) this.table.delete(id)
  }
}

/** The session id in a Cookie header, if any. */
export function sessionIdFrom(cookieHeader: string | undefined): string | undefined {
  if (cookieHeader === undefined) return undefined
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim()
  }
  return undefined
}
