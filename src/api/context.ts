/**
 * What the API's handlers share: the service (one Runtime: store, engine, drivers) and the principal of the
 * request (set by the authentication middleware).
 * @module
 */
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { Target } from '../model/target.js'
import { targetFromKey } from '../txn/target-key.js'
import { apiActor } from '../store/index.js'
import type { LocalOps } from '../service/local.js'
import type { Runtime } from '../service/runtime.js'
import type { EventHub } from './events/hub.js'

export type Role = 'admin' | 'viewer'

export interface Principal {
  role: Role
  /** Who acts, as the change record names them: `unix:rw`, `unix:ro`, `token:ID`, `user:NAME`. */
  name: string
  via: 'unix-socket' | 'token' | 'pam' | 'session'
  /** A session's expiry. */
  expiresMs?: number
}

export interface ApiServices {
  rt: Runtime
  ops: LocalOps
  log: (line: string) => void
  /** The event stream's hub (absent: GET /events answers 503). */
  events?: EventHub
}

export type ApiEnv = { Variables: { principal: Principal } }
export type ApiApp = OpenAPIHono<ApiEnv>

export function principalOf(c: Context): Principal {
  return c.get('principal') as Principal
}

/** Who the change record names for this request: `api:<principal>`. */
export function actorOf(c: Context): string {
  return apiActor(principalOf(c).name)
}

/** The service on behalf of this request's principal. */
export function opsOf(svc: ApiServices, c: Context): LocalOps {
  return svc.ops.as(actorOf(c))
}

/** A target path parameter (already validated by its schema). */
export function targetOf(param: string | undefined): Target {
  return targetFromKey(param ?? '')
}
