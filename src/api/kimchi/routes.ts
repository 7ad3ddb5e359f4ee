/**
 * The Kimchi-compatible API on hostnet's server: `/plugins/kimchi/...` (networks, interfaces, ovsbridges,
 * templates, vms and their ifaces, tasks), wok's `/login` and `/logout`. Each request: the caller (./wok/http.ts),
 * the method (405 if the resource has no such method; 403 for a non-admin on an admin-only one, as Kimchi's
 * admin_methods say), the body, the model; every error as `{"code", "reason"}`.
 * @module
 */
import type { Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { pamLogin, type AuthDeps, type ListenerKind } from '../auth/authenticate.js'
import type { ApiApp, ApiServices, Principal } from '../context.js'
import { SESSION_COOKIE, SESSION_TTL_MS, sessionIdFrom } from '../auth/sessions.js'
import { apiActor } from '../../store/index.js'
import { KimchiEnv, type KimchiFacade } from './env.js'
import { invalid, KimchiError, notFound } from './wok/errors.js'
import { errorResponse, isAdmin, json, KIMCHI_MAX_BODY_BYTES, loginError, pyQuote, readBody, wokPrincipal } from './wok/http.js'
import { filterResources, splitQuery } from './wok/filter.js'
import { activateNetwork, createNetwork, deactivateNetwork, deleteNetwork, getNetwork, listNetworks, updateNetwork } from './networks.js'
import { getInterface, listInterfaces, listOvsBridges } from './interfaces.js'
import { cloneTemplate, createTemplate, deleteTemplate, getTemplate, listTemplates, updateTemplate } from './templates.js'
import { createVm, deleteVm, getVm, listVms, TaskTable, VM_ACTIONS, vmAction, type VmAction } from './vms.js'
import { createIface, deleteIface, getIface, listIfaces, updateIface } from './vm-ifaces.js'

export const KIMCHI_BASE = '/plugins/kimchi'

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE'

interface Req {
  c: Context
  env: KimchiEnv
  principal: Principal
  param(name: string): string
  body(): Promise<unknown>
}

type Handler = (r: Req) => Promise<Response>

interface Resource {
  path: string
  methods: Partial<Record<Method, Handler>>
  /** Kimchi's admin_methods of the resource. */
  admin: readonly Method[]
}

/** A cookie-authenticated change must come from this origin (as the API checks it). */
function checkOrigin(c: Context, p: Principal, method: Method): void {
  if (p.via !== 'session' || method === 'GET') return
  const origin = c.req.header('origin')
  if (origin === undefined) return
  let host = ''
  try {
    host = new URL(origin).host
  } catch {
    // not a URL: no host matches
  }
  if (host !== c.req.header('host')) throw new KimchiError(403, 'WOKAPI0009E')
}

function listener(c: Context): ListenerKind {
  return (c.env as { listener?: ListenerKind } | undefined)?.listener ?? 'tcp'
}

function uri(...parts: string[]): string {
  return `${KIMCHI_BASE}/${parts.map(pyQuote).join('/')}`
}

function seeOther(location: string): Response {
  return new Response(null, { status: 303, headers: { location } })
}

/** GET of a collection: wok's flags (`_name`) for the model, field filters on the result. */
function collection<T extends object>(list: (r: Req, flags: Map<string, string>) => Promise<T[]>): Handler {
  return async (r) => {
    const q = splitQuery(new URL(r.c.req.url).searchParams)
    return json(r.c, 200, filterResources(await list(r, q.flags), q.fields))
  }
}

export function registerKimchiRoutes(app: ApiApp, svc: ApiServices, auth: AuthDeps, facade: KimchiFacade): void {
  const tasks = new TaskTable()
  const resources: Resource[] = [
    {
      path: '/networks',
      admin: ['POST'],
      methods: {
        GET: collection((r) => listNetworks(r.env)),
        POST: async (r) => {
          const name = await createNetwork(r.env, await r.body())
          return json(r.c, 201, await getNetwork(r.env, name))
        },
      },
    },
    {
      path: '/networks/:name',
      admin: ['PUT', 'POST', 'DELETE'],
      methods: {
        GET: async (r) => json(r.c, 200, await getNetwork(r.env, r.param('name'))),
        PUT: async (r) => {
          const name = r.param('name')
          const to = await updateNetwork(r.env, name, await r.body())
          return to !== name ? seeOther(uri('networks', to)) : json(r.c, 200, await getNetwork(r.env, to))
        },
        DELETE: async (r) => {
          await deleteNetwork(r.env, r.param('name'))
          return new Response(null, { status: 204 })
        },
      },
    },
    {
      path: '/networks/:name/:action',
      admin: ['POST'],
      methods: {
        POST: async (r) => {
          const name = r.param('name')
          const action = r.param('action')
          if (action === 'activate') await activateNetwork(r.env, name)
          else if (action === 'deactivate') {
            if (!(await deactivateNetwork(r.env, name))) return new Response(null, { status: 200 })
          } else throw notFound('HOSTNET0010E', { path: r.c.req.path.slice(0, 200) })
          return json(r.c, 200, await getNetwork(r.env, name))
        },
      },
    },
    {
      path: '/interfaces',
      admin: ['GET'],
      methods: { GET: collection((r, flags) => listInterfaces(r.env, flags.get('_inuse'))) },
    },
    {
      path: '/interfaces/:name',
      admin: ['GET'],
      methods: { GET: async (r) => json(r.c, 200, await getInterface(r.env, r.param('name'))) },
    },
    {
      path: '/ovsbridges',
      admin: [],
      methods: { GET: async (r) => json(r.c, 200, await listOvsBridges(r.env)) },
    },
    {
      path: '/templates',
      admin: ['GET', 'POST'],
      methods: {
        GET: collection(async (r) => listTemplates(r.env)),
        POST: async (r) => json(r.c, 201, getTemplate(r.env, createTemplate(r.env, await r.body()))),
      },
    },
    {
      path: '/templates/:name',
      admin: ['PUT', 'POST', 'DELETE'],
      methods: {
        GET: async (r) => json(r.c, 200, getTemplate(r.env, r.param('name'))),
        PUT: async (r) => {
          const name = r.param('name')
          const to = updateTemplate(r.env, name, await r.body())
          return to !== name ? seeOther(uri('templates', to)) : json(r.c, 200, getTemplate(r.env, to))
        },
        DELETE: async (r) => {
          deleteTemplate(r.env, r.param('name'))
          return new Response(null, { status: 204 })
        },
      },
    },
    {
      path: '/templates/:name/:action',
      admin: ['POST'],
      methods: {
        POST: async (r) => {
          if (r.param('action') !== 'clone') throw notFound('HOSTNET0010E', { path: r.c.req.path.slice(0, 200) })
          return seeOther(uri('templates', cloneTemplate(r.env, r.param('name'))))
        },
      },
    },
    // guests: hostnet keeps no per-guest user lists, so changing one is for admins (reading is for everyone)
    {
      path: '/vms',
      admin: ['POST'],
      methods: {
        GET: collection(async (r) => listVms(r.env)),
        POST: async (r) => {
          const name = await createVm(r.env, await r.body())
          return json(r.c, 202, tasks.add(uri('vms', name)))
        },
      },
    },
    {
      path: '/vms/:name',
      admin: ['PUT', 'POST', 'DELETE'],
      methods: {
        GET: async (r) => json(r.c, 200, await getVm(r.env, r.param('name'))),
        DELETE: async (r) => {
          await deleteVm(r.env, r.param('name'))
          return new Response(null, { status: 204 })
        },
      },
    },
    {
      path: '/vms/:name/ifaces',
      admin: ['POST'],
      methods: {
        GET: collection(async (r) => listIfaces(r.env, r.param('name'))),
        POST: async (r) => {
          const vm = r.param('name')
          const mac = await createIface(r.env, vm, await r.body())
          r.env.invalidateDomains()
          return json(r.c, 201, await getIface(r.env, vm, mac))
        },
      },
    },
    {
      path: '/vms/:name/ifaces/:mac',
      admin: ['PUT', 'DELETE'],
      methods: {
        GET: async (r) => json(r.c, 200, await getIface(r.env, r.param('name'), r.param('mac'))),
        PUT: async (r) => {
          const vm = r.param('name')
          const mac = await updateIface(r.env, vm, r.param('mac'), await r.body())
          return seeOther(uri('vms', vm, 'ifaces', mac))
        },
        DELETE: async (r) => {
          await deleteIface(r.env, r.param('name'), r.param('mac'))
          return new Response(null, { status: 204 })
        },
      },
    },
    {
      path: '/vms/:name/:action',
      admin: ['POST'],
      methods: {
        POST: async (r) => {
          const action = r.param('action')
          if (!(VM_ACTIONS as readonly string[]).includes(action)) throw notFound('HOSTNET0010E', { path: r.c.req.path.slice(0, 200) })
          await vmAction(r.env, r.param('name'), action as VmAction)
          r.env.invalidateDomains()
          return json(r.c, 200, await getVm(r.env, r.param('name')))
        },
      },
    },
    {
      path: '/tasks',
      admin: [],
      methods: { GET: collection(async () => tasks.list()) },
    },
    {
      path: '/tasks/:id',
      admin: [],
      methods: { GET: async (r) => json(r.c, 200, tasks.get(r.param('id'))) },
    },
  ]

  const run = async (c: Context, res: Resource): Promise<Response> => {
    try {
      const principal = await wokPrincipal(auth, c, listener(c))
      const method = c.req.method.toUpperCase() as Method
      const handler = res.methods[method]
      if (handler === undefined) throw new KimchiError(405, 'HOSTNET0011E', { method: c.req.method.slice(0, 16), path: c.req.path.slice(0, 200) })
      if (!isAdmin(principal) && res.admin.includes(method)) throw new KimchiError(403, 'WOKAPI0009E')
      checkOrigin(c, principal, method)
      const actor = apiActor(principal.name)
      const env = new KimchiEnv(facade, svc.ops.as(actor), actor)
      const answer = await handler({
        c,
        env,
        principal,
        param: (n) => {
          const v = c.req.param(n)
          if (v === undefined) throw invalid('HOSTNET0008E', { err: `missing ${n}` })
          return v
        },
        body: () => readBody(c),
      })
      if (method !== 'GET') svc.events?.poke()
      return answer
    } catch (e) {
      return errorResponse(c, e, svc.log)
    }
  }

  const tooLarge = (c: Context): Response => errorResponse(c, new KimchiError(413, 'HOSTNET0006E', { what: 'request body bytes', max: KIMCHI_MAX_BODY_BYTES }), svc.log)
  for (const path of [`${KIMCHI_BASE}/*`, '/login']) app.use(path, bodyLimit({ maxSize: KIMCHI_MAX_BODY_BYTES, onError: tooLarge }))
  for (const res of resources) app.all(KIMCHI_BASE + res.path, (c) => run(c, res))
  app.all(`${KIMCHI_BASE}/*`, (c) => errorResponse(c, notFound('HOSTNET0010E', { path: c.req.path.slice(0, 200) }), svc.log))
  app.all(KIMCHI_BASE, (c) => errorResponse(c, notFound('HOSTNET0010E', { path: c.req.path.slice(0, 200) }), svc.log))

  // wok's login and logout: a session cookie (the same sessions as the API's)
  app.post('/login', async (c) => {
    try {
      const body = (await readBody(c)) as { username?: unknown; password?: unknown }
      if (typeof body.username !== 'string' || typeof body.password !== 'string') throw new KimchiError(400, 'WOKAUTH0007E')
      let p: Principal
      try {
        p = await pamLogin(auth, c, body.username, body.password)
      } catch (e) {
        throw loginError(c, e)
      }
      const s = auth.sessions.create(p)
      const secure = (c.env as { incoming?: { socket?: { encrypted?: boolean } } } | undefined)?.incoming?.socket?.encrypted === true
      const cookie = `${SESSION_COOKIE}=${s.id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(SESSION_TTL_MS / 1000)}${secure ? '; Secure' : ''}`
      return json(c, 200, { username: body.username, groups: [], role: isAdmin(p) ? 'admin' : 'user' }, { 'set-cookie': cookie })
    } catch (e) {
      return errorResponse(c, e, svc.log)
    }
  })
  app.post('/logout', (c) => {
    const sid = sessionIdFrom(c.req.header('cookie'))
    if (sid !== undefined) auth.sessions.delete(sid)
    return json(c, 200, {}, { 'set-cookie': `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0` })
  })
}
