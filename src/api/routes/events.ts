/** GET /events: the change record as Server-Sent Events, filtered by kind and target, resumable with Last-Event-ID. */
import { z } from '@hono/zod-openapi'
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { expandChangeKinds } from '../../store/index.js'
import type { ApiApp, ApiServices } from '../context.js'
import { defineOperation } from '../operation.js'
import { HttpError } from '../problem.js'
import { TargetParam } from '../schemas.js'

export const EVENTS_PATH = '/events'

export function registerEventRoutes(app: ApiApp, svc: ApiServices): void {
  defineOperation(
    app,
    {
      method: 'get',
      path: EVENTS_PATH,
      operationId: 'streamEvents',
      summary:
        'every change (API, CLI, confirm timer, supervision) as Server-Sent Events: `id` is the change record id, `event` its kind (network.started, port.created, txn.committed, ...), `data` the record as JSON. Reconnect with Last-Event-ID to receive exactly what was missed.',
      tag: 'events',
      query: {
        kind: z.string().max(1024).optional().openapi({ description: 'comma-separated kinds or families (network, port.created, txn, ...)', example: 'network,port' }),
        target: TargetParam.optional(),
        lastEventId: z.string().regex(/^[0-9]{1,15}$/, 'must be a change id').optional().openapi({ description: 'as the Last-Event-ID header (for clients that cannot send it)' }),
      },
      ok: { status: 200, description: 'the event stream (never ends; a comment line every 15 s)', stream: 'text/event-stream' },
    },
    async (c, { query }) => {
      const hub = svc.events
      if (hub === undefined) throw new HttpError('service-unavailable', 'this server has no event stream')
      let kinds: ReturnType<typeof expandChangeKinds> | undefined
      try {
        kinds = typeof query['kind'] === 'string' ? expandChangeKinds(query['kind'].split(',').map((k) => k.trim())) : undefined
      } catch (e) {
        throw new HttpError('bad-request', `invalid query.kind: ${(e as Error).message}`, { path: 'query.kind' })
      }
      const header = c.req.header('last-event-id')
      if (header !== undefined && !/^[0-9]{1,15}$/.test(header.trim())) throw new HttpError('bad-request', `invalid Last-Event-ID '${header.slice(0, 40)}': expected a change id`, { path: 'last-event-id' })
      const raw = header?.trim() ?? (query['lastEventId'] as string | undefined)
      if (hub.size >= hub.maxSubscribers) throw new HttpError('service-unavailable', `too many event subscribers (${hub.maxSubscribers}): try again later`, undefined, { 'retry-after': '5' })
      const env = c.env as { incoming: IncomingMessage; outgoing: ServerResponse }
      void hub.subscribe(env.outgoing, { ...(kinds === undefined ? {} : { kinds }), ...(typeof query['target'] === 'string' ? { target: query['target'] } : {}) }, raw === undefined ? undefined : Number(raw))
      return RESPONSE_ALREADY_SENT
    },
  )
}
