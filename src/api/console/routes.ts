/**
 * The console's routes on the API's app: GET/HEAD `/`, `/index.html` and `/assets/*`, outside /api/v1 and without
 * authentication (the page holds no data: it logs in through the API, which checks every request).
 * @module
 */
import type { Context } from 'hono'
import type { ApiApp } from '../context.js'
import { HttpError } from '../problem.js'
import { ASSETS_PREFIX, INDEX_FILE, type ConsoleAssets } from './assets.js'

function serveFile(c: Context, assets: ConsoleAssets): Response {
  const a = assets.answer(c.req.path, { acceptEncoding: c.req.header('accept-encoding'), ifNoneMatch: c.req.header('if-none-match') })
  if (a.status === 404) {
    if (c.req.path === '/' && !assets.available()) throw new HttpError('no-route', 'the web console is not built on this host (run scripts/install.sh)')
    throw new HttpError('no-route', `no such console file: ${c.req.path.slice(0, 200)}`)
  }
  const body = c.req.method === 'HEAD' || a.status === 304 ? null : new Uint8Array(a.body!)
  return new Response(body, { status: a.status, headers: a.headers })
}

export function registerConsoleRoutes(app: ApiApp, assets: ConsoleAssets): void {
  for (const path of ['/', `/${INDEX_FILE}`, `${ASSETS_PREFIX}*`]) {
    app.on(['GET', 'HEAD'], path, (c) => serveFile(c, assets))
  }
}
