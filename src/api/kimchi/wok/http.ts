/**
 * wok's HTTP conventions: who the caller is (a session cookie, HTTP Basic checked through PAM, an API token, or
 * the Unix socket's role; `401` with `WWW-Authenticate: Basic realm=wok` otherwise), admin-only methods (403),
 * request bodies (no body: `{}`; JSON or no content type: parsed, else 415 WOKAPI0007E; malformed: 400
 * WOKAPI0006E), and the answers (`{"code", "reason"}` errors).
 * @module
 */
import type { Context } from 'hono'
import { basicCredentials, pamLogin, tokenPrincipal, type AuthDeps, type ListenerKind } from '../../auth/authenticate.js'
import { sessionIdFrom } from '../../auth/sessions.js'
import type { Principal } from '../../context.js'
import { HttpError } from '../../problem.js'
import { HostnetError } from '../../../errors.js'
import { MAX_DOCUMENT_BYTES, MAX_STATE_DEPTH } from '../../../codec/limits.js'
import { errText, KimchiError } from './errors.js'

/** Whether JSON text nests arrays and objects deeper than `max` (one linear scan; strings skipped). */
export function jsonNestsDeeper(text: string, max: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    if (inString) {
      if (ch === 0x5c) i++
      else if (ch === 0x22) inString = false
    } else if (ch === 0x22) inString = true
    else if (ch === 0x5b || ch === 0x7b) {
      if (++depth > max) return true
    } else if (ch === 0x5d || ch === 0x7d) depth--
  }
  return false
}

/** Largest request body the facade reads: hostnet's one document limit. */
export const KIMCHI_MAX_BODY_BYTES = MAX_DOCUMENT_BYTES
export const WOK_WWW_AUTHENTICATE = 'Basic realm=wok'

/** A request from Kimchi's own UI (it sets this header): no Basic challenge, so the browser shows no dialog. */
function fromBrowser(c: Context): boolean {
  return c.req.header('x-requested-with') === 'XMLHttpRequest'
}

function unauthorized(c: Context, code: string, params: Record<string, unknown> = {}): KimchiError {
  return new KimchiError(401, code, params, fromBrowser(c) ? {} : { 'www-authenticate': WOK_WWW_AUTHENTICATE })
}

/** A hostnet login failure in wok's terms. */
export function loginError(c: Context, e: unknown): KimchiError {
  if (e instanceof HttpError) {
    if (e.problem === 'too-many-requests') return new KimchiError(403, 'WOKAUTH0004E', { seconds: e.headers['retry-after'] ?? '?' })
    if (e.problem === 'unauthorized') return unauthorized(c, 'WOKAUTH0008E')
    return new KimchiError(503, 'HOSTNET0007E', { err: e.message })
  }
  return e instanceof KimchiError ? e : new KimchiError(500, 'HOSTNET0000E', { err: errText(e) })
}

/** The caller, or a 401 in wok's form. */
export async function wokPrincipal(deps: AuthDeps, c: Context, listener: ListenerKind): Promise<Principal> {
  if (listener === 'unix-rw') return { role: 'admin', name: 'unix:rw', via: 'unix-socket' }
  if (listener === 'unix-ro') return { role: 'viewer', name: 'unix:ro', via: 'unix-socket' }
  const sid = sessionIdFrom(c.req.header('cookie'))
  if (sid !== undefined) {
    const s = deps.sessions.get(sid)
    const revoked = s !== undefined && s.name.startsWith('token:') && !deps.tokens.active(s.name.slice('token:'.length))
    if (s !== undefined && !revoked) return s
  }
  const auth = c.req.header('authorization')
  if (auth !== undefined) {
    const scheme = auth.slice(0, auth.indexOf(' ') + 1).toLowerCase()
    if (scheme === 'basic ') {
      const cred = basicCredentials(auth)
      if (cred === undefined) throw unauthorized(c, 'WOKAUTH0008E')
      try {
        return await pamLogin(deps, c, cred.user, cred.password)
      } catch (e) {
        throw loginError(c, e)
      }
    }
    if (scheme === 'bearer ') {
      const t = deps.tokens.verify(auth.slice('bearer '.length).trim())
      if (t !== undefined) return tokenPrincipal(t)
    }
  }
  throw unauthorized(c, 'WOKAUTH0002E')
}

/** Kimchi's role: hostnet admins are Kimchi admins, everyone else a user. */
export function isAdmin(p: Principal): boolean {
  return p.role === 'admin'
}

/** wok's parse_request. */
export async function readBody(c: Context): Promise<unknown> {
  const length = c.req.header('content-length')
  const chunked = (c.req.header('transfer-encoding') ?? '').toLowerCase().includes('chunked')
  if (length === undefined && !chunked) return {}
  if (length !== undefined && Number(length) > KIMCHI_MAX_BODY_BYTES) throw new KimchiError(413, 'HOSTNET0006E', { what: 'request body bytes', max: KIMCHI_MAX_BODY_BYTES })
  const type = (c.req.header('content-type') ?? 'application/json').split(';')[0]!.trim().toLowerCase()
  if (type !== 'application/json') throw new KimchiError(415, 'WOKAPI0007E')
  const buf = await c.req.arrayBuffer()
  if (buf.byteLength > KIMCHI_MAX_BODY_BYTES) throw new KimchiError(413, 'HOSTNET0006E', { what: 'request body bytes', max: KIMCHI_MAX_BODY_BYTES })
  if (buf.byteLength === 0) return {}
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf)
  } catch {
    throw new KimchiError(400, 'WOKAPI0006E')
  }
  if (jsonNestsDeeper(text, MAX_STATE_DEPTH)) throw new KimchiError(400, 'WOKAPI0006E')
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new KimchiError(400, 'WOKAPI0006E')
  }
}

export function json(c: Context, status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })
}

/** Any error as wok answers it. */
export function errorResponse(c: Context, e: unknown, log: (line: string) => void): Response {
  let k: KimchiError
  if (e instanceof KimchiError) k = e
  else if (e instanceof HostnetError && e.kind === 'invalid-argument') k = new KimchiError(400, 'HOSTNET0008E', { err: e.message })
  else if (e instanceof HostnetError && e.kind === 'not-found') k = new KimchiError(404, 'HOSTNET0009E', { err: e.message })
  else k = new KimchiError(500, 'HOSTNET0000E', { err: errText(e) })
  if (k.status >= 500) log(`kimchi: ${c.req.method} ${c.req.path.slice(0, 200)}: ${k.status} ${k.message}`)
  return json(c, k.status, k.body(), { ...k.headers })
}

/** Python's urllib.parse.quote(s, safe=''): what wok puts in Location headers. */
export function pyQuote(s: string): string {
  return Array.from(new TextEncoder().encode(s), (b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('')
}
