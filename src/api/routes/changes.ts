/** The change record (hostnet history): what changed, when, by whom, and whether it stuck. */
import { z } from '@hono/zod-openapi'
import { CHANGE_LIST_DEFAULT, CHANGE_LIST_MAX, expandChangeKinds, type ChangeQuery } from '../../store/index.js'
import type { ApiApp, ApiServices } from '../context.js'
import { defineOperation, jsonAnswer } from '../operation.js'
import { HttpError } from '../problem.js'
import { ChangeRecordSchema, queryInt, TargetParam } from '../schemas.js'

export function registerChangeRoutes(app: ApiApp, svc: ApiServices): void {
  defineOperation(
    app,
    {
      method: 'get',
      path: '/changes',
      operationId: 'listChanges',
      summary: 'the change record, oldest first (hostnet history): the newest `limit` records, or with `after` those after that id; filtered by target and kinds',
      tag: 'history',
      query: {
        target: TargetParam.optional(),
        kind: z.string().max(1024).optional().openapi({ description: 'comma-separated kinds or families (txn, network.started, ...)', example: 'txn' }),
        after: z.string().regex(/^[0-9]{1,15}$/, 'must be a change id').optional().openapi({ description: 'records with a larger id (oldest first)' }),
        limit: queryInt(1, CHANGE_LIST_MAX).optional().openapi({ description: `default ${CHANGE_LIST_DEFAULT}` }),
      },
      ok: { status: 200, description: 'records', json: z.array(ChangeRecordSchema) },
    },
    async (c, { query }) => {
      const q: ChangeQuery = { limit: (query['limit'] as number | undefined) ?? CHANGE_LIST_DEFAULT }
      if (typeof query['target'] === 'string') q.target = query['target']
      if (typeof query['after'] === 'string') q.afterId = Number(query['after'])
      if (typeof query['kind'] === 'string') {
        try {
          q.kinds = expandChangeKinds(query['kind'].split(',').map((k) => k.trim()))
        } catch (e) {
          throw new HttpError('bad-request', `invalid query.kind: ${(e as Error).message}`, { path: 'query.kind' })
        }
      }
      return jsonAnswer(c, svc.rt.store.changes.list(q))
    },
  )
}
