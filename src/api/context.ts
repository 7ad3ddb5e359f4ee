/**
 * What the API's handlers share: the service (one Runtime: store, engine, drivers) and the principal of the
 * request (set by the authentication middleware).
 * @module
 */
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { Target } from '../model/target.js'
import { targetFromKey } from '../txn/target-key.js'
import type { LocalOps } from '../service/local.js'
import type { Runtime } from '../service/runtime.js'

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
}

export type ApiEnv = { Variables: { principal: Principal } }
export type ApiApp = OpenAPIHono<ApiEnv>

export function principalOf(c: Context): Principal {
  return c.get('principal') as Principal
}

/** A target path parameter (already validated by its schema). */
export function targetOf(param: string | undefined): Target {
  return targetFromKey(param ?? '')
}
