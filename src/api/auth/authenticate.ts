/**
 * Who is asking, and may they: the principal of a request and the role check, done before anything else (a
 * refused request is not validated and looks nothing up, so it learns nothing).
 *   - Unix sockets: the role comes from the socket (read-write: admin, read-only: viewer), as libvirt does.
 *   - TCP: a bearer token, HTTP Basic checked through PAM (failed logins rate-limited), or a session cookie.
 *   - Viewers may only read (GET, HEAD); every other method needs an admin, except the session operations.
 * @module
 */
import type { Context, MiddlewareHandler } from 'hono'
import type { ApiToken, ApiTokens } from '../../store/tokens.js'
import type { Principal } from '../context.js'
import { HttpError } from '../problem.js'
import type { PamAuthenticator } from './pam.js'
import type { LoginLimiter } from './rate-limit.js'
import { sessionIdFrom, type Sessions } from './sessions.js'

export type ListenerKind = 'unix-rw' | 'unix-ro' | 'tcp'

export interface AuthDeps {
  tokens: ApiTokens
  sessions: Sessions
  pam: PamAuthenticator
  limiter: LoginLimiter
  /** `METHOD /api/v1/path` (Hono path) of operations open to any principal, and those open to everyone. */
  anyAccess: ReadonlySet<string>
  publicAccess: ReadonlySet<string>
}

export const WWW_AUTHENTICATE = 'Bearer realm="hostnet", Basic realm="hostnet", charset="UTF-8"'

export function tokenPrincipal(t: ApiToken): Principal {
  return { role: t.role, name: `token:${t.id}`, via: 'token' }
}

export function clientAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined
  return env?.incoming?.socket?.remoteAddress ?? 'unknown'
}

/** user:password of a Basic header (undefined when malformed). */
export function basicCredentials(header: string): { user: string; password: string } | undefined {
  const b64 = header.slice('basic '.length).trim()
  if (!/^[A-Za-z0-9+/=]{1,2800}$/.test(b64)) return undefined
  const text = Buffer.from(b64, 'base64').toString('utf8')
  const colon = text.indexOf(':')
  return colon <= 0 ? undefined : { user: text.slice(0, colon), password: text.slice(colon + 1) }
}

/** Check a user's password through PAM, rate-limited; a principal, or the HTTP error to answer. */
export async function pamLogin(deps: AuthDeps, c: Context, user: string, password: string): Promise<Principal> {
  const keys = [`addr:${clientAddress(c)}`, `user:${user}`]
  const wait = deps.limiter.retryAfterSec(keys)
  if (wait > 0) throw new HttpError('too-many-requests', `too many failed logins: try again in ${wait} s`, undefined, { 'retry-after': String(wait) })
  const r = await deps.pam.check(user, password)
  if (r.ok) {
    deps.limiter.succeed([`user:${user}`])
    return { role: r.role, name: `user:${user}`, via: 'pam' }
  }
  if (r.reason === 'busy') throw new HttpError('service-unavailable', 'too many logins in progress: try again', undefined, { 'retry-after': '1' })
  if (r.reason === 'unavailable') throw new HttpError('service-unavailable', 'the host account check (pamtester) is not available')
  deps.limiter.fail(keys)
  throw new HttpError('unauthorized', 'invalid user name or password', undefined, { 'www-authenticate': WWW_AUTHENTICATE })
}

async function tcpPrincipal(deps: AuthDeps, c: Context): Promise<Principal | undefined> {
  const auth = c.req.header('authorization')
  if (auth !== undefined) {
    const scheme = auth.slice(0, auth.indexOf(' ') + 1).toLowerCase()
    if (scheme === 'bearer ') {
      const t = deps.tokens.verify(auth.slice('bearer '.length).trim())
      if (t === undefined) throw new HttpError('unauthorized', 'invalid, expired or revoked token', undefined, { 'www-authenticate': WWW_AUTHENTICATE })
      return tokenPrincipal(t)
    }
    if (scheme === 'basic ') {
      const cred = basicCredentials(auth)
      if (cred === undefined) throw new HttpError('unauthorized', 'malformed Basic credentials', undefined, { 'www-authenticate': WWW_AUTHENTICATE })
      return pamLogin(deps, c, cred.user, cred.password)
    }
    throw new HttpError('unauthorized', 'unsupported authorization scheme: use Bearer or Basic', undefined, { 'www-authenticate': WWW_AUTHENTICATE })
  }
  const sid = sessionIdFrom(c.req.header('cookie'))
  if (sid !== undefined) {
    const s = deps.sessions.get(sid)
    const revoked = s !== undefined && s.name.startsWith('token:') && !deps.tokens.active(s.name.slice('token:'.length))
    if (s === undefined || revoked) {
      deps.sessions.delete(sid)
      throw new HttpError('unauthorized', 'the session expired or ended: log in again', undefined, { 'www-authenticate': WWW_AUTHENTICATE })
    }
    return s
  }
  return undefined
}

const READS = new Set(['GET', 'HEAD'])

/** A cookie-authenticated change must come from this origin (SameSite=Strict aside, refuse a foreign Origin). */
function checkOrigin(c: Context, p: Principal): void {
  if (p.via !== 'session' || READS.has(c.req.method)) return
  const origin = c.req.header('origin')
  if (origin === undefined) return
  let host: string
  try {
    host = new URL(origin).host
  } catch {
    host = ''
  }
  if (host !== c.req.header('host')) throw new HttpError('forbidden', `cross-origin request from '${origin}' refused`)
}

export function routeKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path}`
}

/**
 * The middleware: sets `principal`, or answers 401/403. `matchedKey(c)` is the operation's `METHOD path` (to
 * find the session and public operations).
 */
export function authenticate(deps: AuthDeps, listener: (c: Context) => ListenerKind, matchedKey: (c: Context) => string | undefined): MiddlewareHandler {
  return async (c, next) => {
    const key = matchedKey(c)
    const kind = listener(c)
    let p: Principal | undefined
    if (kind === 'unix-rw') p = { role: 'admin', name: 'unix:rw', via: 'unix-socket' }
    else if (kind === 'unix-ro') p = { role: 'viewer', name: 'unix:ro', via: 'unix-socket' }
    else {
      const isPublic = key !== undefined && deps.publicAccess.has(key)
      try {
        p = await tcpPrincipal(deps, c)
      } catch (e) {
        if (!isPublic) throw e
      }
      if (p === undefined && !isPublic) throw new HttpError('unauthorized', 'authentication required: a bearer token, HTTP Basic, or a session', undefined, { 'www-authenticate': WWW_AUTHENTICATE })
    }
    if (p !== undefined) {
      const open = key !== undefined && (deps.anyAccess.has(key) || deps.publicAccess.has(key))
      if (p.role !== 'admin' && !READS.has(c.req.method) && !open) throw new HttpError('forbidden', `${p.name} is a viewer: ${c.req.method} needs an admin`)
      checkOrigin(c, p)
      c.set('principal', p)
    }
    await next()
  }
}
