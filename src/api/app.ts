/**
 * The API application: one Hono app (served on every listener) with authentication first, then the body limit,
 * then the operations; every error answered as a problem document. `hostnet api openapi` and
 * GET /api/v1/openapi.json print the document generated from the operations' schemas.
 * @module
 */
import { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { errorMessage } from '../errors.js'
import { authenticate, routeKey, type AuthDeps, type ListenerKind } from './auth/authenticate.js'
import type { ApiApp, ApiEnv, ApiServices } from './context.js'
import { API_BASE, defineOperation, jsonAnswer } from './operation.js'
import { loose } from './schemas.js'
import { HttpError, problemOf, PROBLEM_CONTENT_TYPE } from './problem.js'
import { registerHostRoutes } from './routes/host.js'
import { registerIfaceRoutes } from './routes/ifaces.js'
import { registerNetworkRoutes } from './routes/networks.js'
import { registerPortRoutes } from './routes/ports.js'
import { registerSessionRoutes, SESSION_PATH } from './routes/session.js'
import { registerEventRoutes } from './routes/events.js'
import { registerChangeRoutes } from './routes/changes.js'
import { registerTopologyRoutes } from './routes/topology.js'
import { registerClusterRoutes } from './routes/cluster.js'
import type { ClusterState } from '../store/etcd/index.js'
import type { ConsoleAssets } from './console/assets.js'
import { registerConsoleRoutes } from './console/routes.js'
import type { KimchiFacade } from './kimchi/env.js'
import { registerKimchiRoutes } from './kimchi/routes.js'

export const API_VERSION = '1.0.0'
export { DEFAULT_MAX_BODY_BYTES } from './operation.js'
export const OPENAPI_PATH = '/openapi.json'

export interface AppOptions {
  maxBodyBytes?: number
  /** Extra routes on the same app (the event stream). */
  extend?: (app: ApiApp) => void
  /** The web console's files, served at `/` (none: no console). */
  console?: ConsoleAssets | undefined
  /** The Kimchi-compatible API at /plugins/kimchi (none: not served). */
  kimchi?: KimchiFacade | undefined
  /** The cluster's etcd (`serve --etcd`): the /cluster routes (none: not served). */
  cluster?: ClusterState | undefined
}

export type ListenerEnv = { listener?: ListenerKind }

export function problemResponse(c: Context, e: unknown, log?: (line: string) => void): Response {
  const p = problemOf(e)
  if (p.status >= 500 && log !== undefined) log(`api: ${c.req.method} ${c.req.path}: ${p.status} ${p.kind}: ${errorMessage(e)}`)
  const headers: Record<string, string> = { 'content-type': PROBLEM_CONTENT_TYPE }
  if (e instanceof HttpError) Object.assign(headers, e.headers)
  return c.body(JSON.stringify(p), p.status as never, headers)
}

function documentConfig(): Parameters<OpenAPIHono['getOpenAPI31Document']>[0] {
  return {
    openapi: '3.1.0',
    info: {
      title: 'hostnet API',
      version: API_VERSION,
      description:
        "Host interfaces, virtual networks and ports of a KVM host. On the read-write Unix socket every caller is an admin, on the read-only one a viewer; on TCP a bearer token, HTTP Basic (a host account through PAM) or the session cookie of POST /api/v1/session. Viewers may only read. Errors are RFC 9457 problem documents whose `kind` is hostnet's error kind.",
    },
    security: [{ bearer: [] }, { basic: [] }, { session: [] }],
  }
}

/** The OpenAPI 3.1 document of an app. */
export function openApiDocument(app: ApiApp): unknown {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' })
  app.openAPIRegistry.registerComponent('securitySchemes', 'basic', { type: 'http', scheme: 'basic' })
  app.openAPIRegistry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: 'hostnet_session' })
  return app.getOpenAPI31Document(documentConfig())
}

export function createApp(svc: ApiServices, auth: Omit<AuthDeps, 'anyAccess' | 'publicAccess'>, opts: AppOptions = {}): ApiApp {
  const app: ApiApp = new OpenAPIHono<ApiEnv>()
  const deps: AuthDeps = {
    ...auth,
    anyAccess: new Set([routeKey('GET', API_BASE + SESSION_PATH), routeKey('DELETE', API_BASE + SESSION_PATH)]),
    publicAccess: new Set([routeKey('POST', API_BASE + SESSION_PATH), routeKey('GET', API_BASE + OPENAPI_PATH)]),
  }
  app.onError((e, c) => problemResponse(c, e, svc.log))
  app.notFound((c) => problemResponse(c, new HttpError('no-route', `no such resource: ${c.req.method} ${c.req.path.slice(0, 200)}`)))
  const listener = (c: Context): ListenerKind => (c.env as ListenerEnv | undefined)?.listener ?? 'tcp'
  app.use(`${API_BASE}/*`, authenticate(deps, listener, (c) => routeKey(c.req.method, c.req.path)))
  // a change made here wakes the event stream at once (other processes' changes wake it through the store's WAL)
  app.use(`${API_BASE}/*`, async (c, next) => {
    await next()
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') svc.events?.poke()
  })
  if (opts.maxBodyBytes !== undefined) {
    const max = opts.maxBodyBytes
    app.use(`${API_BASE}/*`, async (c, next) => {
      c.set('maxBodyBytes' as never, max as never)
      await next()
    })
  }
  registerHostRoutes(app, svc)
  registerIfaceRoutes(app, svc)
  registerNetworkRoutes(app, svc)
  registerPortRoutes(app, svc)
  registerSessionRoutes(app, svc, deps)
  registerEventRoutes(app, svc)
  registerChangeRoutes(app, svc)
  registerTopologyRoutes(app, svc)
  opts.extend?.(app)
  if (opts.kimchi !== undefined) registerKimchiRoutes(app, svc, deps, opts.kimchi)
  if (opts.cluster !== undefined) registerClusterRoutes(app, opts.cluster)
  if (opts.console !== undefined) registerConsoleRoutes(app, opts.console)
  let doc: unknown
  defineOperation(
    app,
    { method: 'get', path: OPENAPI_PATH, operationId: 'getOpenApi', summary: 'this document (OpenAPI 3.1)', tag: 'meta', ok: { status: 200, description: 'the OpenAPI document', json: loose('OpenApiDocument', 'OpenAPI 3.1') }, access: 'public' },
    async (c) => jsonAnswer(c, (doc ??= openApiDocument(app))),
  )
  return app
}

/** The OpenAPI document without a running server (`hostnet api openapi`): handlers are never called. */
export function standaloneOpenApiDocument(extend?: AppOptions['extend']): unknown {
  const none = undefined as never
  const app = createApp(none, { tokens: none, sessions: none, pam: none, limiter: none }, extend === undefined ? {} : { extend })
  return openApiDocument(app)
}
