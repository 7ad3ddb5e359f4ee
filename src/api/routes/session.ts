/** Login sessions (a cookie for browsers) and API tokens. */
import { z } from '@hono/zod-openapi'
import type { ApiApp } from '../context.js'
import type { Context } from 'hono'
import { principalOf, type ApiServices, type Principal } from '../context.js'
import { pamLogin, tokenPrincipal, type AuthDeps } from '../auth/authenticate.js'
import { SESSION_COOKIE, SESSION_TTL_MS, sessionIdFrom } from '../auth/sessions.js'
import { defineOperation, jsonAnswer } from '../operation.js'
import { HttpError } from '../problem.js'
import { Login, SessionInfo, TokenCreate, TokenCreated, TokenInfo } from '../schemas.js'

function isTls(c: Context): boolean {
  const env = c.env as { incoming?: { socket?: { encrypted?: boolean } } } | undefined
  return env?.incoming?.socket?.encrypted === true
}

function cookie(c: Context, value: string, maxAgeSec: number): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSec}${isTls(c) ? '; Secure' : ''}`
}

function sessionJson(p: Principal): Record<string, unknown> {
  return { role: p.role, principal: p.name, via: p.via, ...(p.expiresMs === undefined ? {} : { expiresMs: p.expiresMs }) }
}

function tokenJson(t: { id: string; role: string; description: string; createdMs: number; expiresMs: number | undefined; revokedMs: number | undefined }): Record<string, unknown> {
  return { id: t.id, role: t.role, description: t.description, createdMs: t.createdMs, ...(t.expiresMs === undefined ? {} : { expiresMs: t.expiresMs }), ...(t.revokedMs === undefined ? {} : { revokedMs: t.revokedMs }) }
}

export const SESSION_PATH = '/session'

export function registerSessionRoutes(app: ApiApp, svc: ApiServices, auth: AuthDeps): void {
  defineOperation(
    app,
    {
      method: 'post',
      path: SESSION_PATH,
      operationId: 'login',
      summary: 'log in with a host account (PAM; admin = member of hostnet-admin) or an API token: sets an HttpOnly SameSite=Strict session cookie',
      tag: 'session',
      body: { json: Login, description: '{"username", "password"} or {"token"}', required: false },
      ok: { status: 201, description: 'the session', json: SessionInfo },
      access: 'public',
    },
    async (c, { json }) => {
      const login = (json ?? {}) as z.infer<typeof Login>
      let p: Principal | undefined
      if (login.token !== undefined) {
        const t = auth.tokens.verify(login.token)
        if (t === undefined) throw new HttpError('unauthorized', 'invalid, expired or revoked token')
        p = tokenPrincipal(t)
      } else if (login.username !== undefined && login.password !== undefined) {
        p = await pamLogin(auth, c, login.username, login.password)
      } else {
        p = c.get('principal') as Principal | undefined // the socket's role, or Basic credentials already checked
      }
      if (p === undefined) throw new HttpError('bad-request', 'give username and password, or token', { path: 'body' })
      const s = auth.sessions.create(p)
      c.header('set-cookie', cookie(c, s.id, Math.floor(SESSION_TTL_MS / 1000)))
      return jsonAnswer(c, sessionJson(s.principal), 201)
    },
  )
  defineOperation(
    app,
    { method: 'get', path: SESSION_PATH, operationId: 'whoami', summary: 'who the request authenticates as', tag: 'session', ok: { status: 200, description: 'the principal', json: SessionInfo }, access: 'any' },
    async (c) => jsonAnswer(c, sessionJson(principalOf(c))),
  )
  defineOperation(
    app,
    { method: 'delete', path: SESSION_PATH, operationId: 'logout', summary: 'end the session of the cookie', tag: 'session', ok: { status: 204, description: 'logged out' }, access: 'any' },
    async (c) => {
      const sid = sessionIdFrom(c.req.header('cookie'))
      if (sid !== undefined) auth.sessions.delete(sid)
      c.header('set-cookie', cookie(c, '', 0))
      return c.body(null, 204)
    },
  )
  defineOperation(
    app,
    { method: 'get', path: '/tokens', operationId: 'listTokens', summary: 'API tokens (never their secrets)', tag: 'tokens', ok: { status: 200, description: 'tokens', json: z.array(TokenInfo) } },
    async (c) => jsonAnswer(c, svc.rt.store.tokens.list().map(tokenJson)),
  )
  defineOperation(
    app,
    {
      method: 'post',
      path: '/tokens',
      operationId: 'createToken',
      summary: 'a new API token (hostnet token create); the secret is shown once',
      tag: 'tokens',
      body: { json: TokenCreate, description: '{"role": "admin"|"viewer", "description"?, "expiresInSec"?}', required: true },
      ok: { status: 201, description: 'the token', json: TokenCreated },
    },
    async (c, { json }) => {
      const req = json as z.infer<typeof TokenCreate>
      const made = svc.rt.store.tokens.create({
        role: req.role,
        ...(req.description === undefined ? {} : { description: req.description }),
        ...(req.expiresInSec === undefined ? {} : { expiresMs: svc.rt.store.nowMs() + req.expiresInSec * 1000 }),
      })
      return jsonAnswer(c, { token: made.token, info: tokenJson(made.info) }, 201)
    },
  )
  defineOperation(
    app,
    {
      method: 'delete',
      path: '/tokens/{id}',
      operationId: 'revokeToken',
      summary: 'revoke a token (hostnet token revoke); its sessions end',
      tag: 'tokens',
      params: { id: z.string().regex(/^[0-9a-f]{16}$/, 'must be a token id (16 hex digits)') },
      ok: { status: 204, description: 'revoked' },
    },
    async (c, { params }) => {
      svc.rt.store.tokens.revoke(params['id']!)
      auth.sessions.dropPrincipal(`token:${params['id']}`)
      return c.body(null, 204)
    },
  )
}
