/** Targets, host state (show, diff, apply), commit/rollback and the journal. */
import { z } from '@hono/zod-openapi'
import type { ApiApp } from '../context.js'
import { formatState, parseDesiredState, type SkippedKey } from '../../codec/yaml/state.js'
import { listNetns } from '../../sys/netns.js'
import { HostnetError } from '../../errors.js'
import { MAX_CONFIRM_WITHIN_SEC } from '../../txn/apply.js'
import { getTransaction, listTransactions } from '../../service/host.js'
import type { DocumentText } from '../../service/ops.js'
import { targetOf, opsOf, type ApiServices } from '../context.js'
import { defineOperation, JSON_TYPE, jsonAnswer, negotiate, textAnswer, YAML_TYPES, type OperationInput } from '../operation.js'
import { HttpError } from '../problem.js'
import { DiffOutput, IdParam, InterfaceNames, loose, queryInt, querySeconds, QueryBool, TargetInfo, TargetParam, Transaction, TxnOutcome } from '../schemas.js'

const DOC_TYPES = [...YAML_TYPES, JSON_TYPE] as const

const HostState = loose('HostState', 'interfaces and routes of a target (the YAML of `hostnet show` as JSON)')
const ApplyResult = loose('ApplyResult', 'transactionId, status (committed, pending-confirm, unchanged), ops, confirmDeadlineMs, verifyAttempts')

function documentOf(input: OperationInput): DocumentText {
  if (input.text === undefined) throw new HttpError('bad-request', 'a desired-state document (YAML or JSON) is required')
  const skip = input.query['skipUnsupported'] === true ? { skipUnsupported: true } : {}
  return { text: input.text, format: input.bodyType === JSON_TYPE ? 'json' : 'yaml', ...skip }
}

/** What a skipUnsupported document leaves out, added to the answer (`skipped`) so that skipping is never silent. */
function skippedOf(doc: DocumentText): { skipped?: SkippedKey[] } {
  if (doc.skipUnsupported !== true) return {}
  const skipped: SkippedKey[] = []
  parseDesiredState(doc.text, { format: doc.format, skipUnsupported: true, skipped })
  return skipped.length === 0 ? {} : { skipped }
}

const skipUnsupported = QueryBool.optional().openapi({ description: 'leave out keys and interface types hostnet does not support instead of refusing the document' })

const documentBody = { text: DOC_TYPES, description: 'a desired-state document (nmstate-shaped YAML or JSON)', required: true } as const

interface TargetRow {
  target: string
  kind: 'host' | 'netns'
  name?: string
  exists: boolean
  networks: number
  transactions: number
  interfaceDefinitions: number
}

/** The host and every namespace the store knows (networks, transactions, interface definitions). */
function targets(svc: ApiServices): TargetRow[] {
  const db = svc.rt.store.db
  const counts = new Map<string, { networks: number; transactions: number; interfaceDefinitions: number }>([['host', { networks: 0, transactions: 0, interfaceDefinitions: 0 }]])
  const add = (sql: string, field: 'networks' | 'transactions' | 'interfaceDefinitions'): void => {
    for (const r of db.prepare(sql).all() as Array<{ target: string; n: number }>) {
      const c = counts.get(r.target) ?? { networks: 0, transactions: 0, interfaceDefinitions: 0 }
      c[field] = r.n
      counts.set(r.target, c)
    }
  }
  add('SELECT target, COUNT(*) AS n FROM networks GROUP BY target', 'networks')
  add('SELECT target, COUNT(*) AS n FROM transactions GROUP BY target', 'transactions')
  add('SELECT target, COUNT(*) AS n FROM iface_definitions GROUP BY target', 'interfaceDefinitions')
  const live = new Set(listNetns())
  return [...counts.entries()]
    .map(([target, c]) => {
      const t = targetOf(target)
      return t.kind === 'host' ? { target, kind: 'host' as const, exists: true, ...c } : { target, kind: 'netns' as const, name: t.name, exists: live.has(t.name), ...c }
    })
    .sort((a, b) => (a.kind === b.kind ? a.target.localeCompare(b.target) : a.kind === 'host' ? -1 : 1))
}

export function registerHostRoutes(app: ApiApp, svc: ApiServices): void {
  const target = { target: TargetParam }
  defineOperation(
    app,
    { method: 'get', path: '/targets', operationId: 'listTargets', summary: 'the host and the namespaces hostnet manages', tag: 'host', ok: { status: 200, description: 'targets', json: z.array(TargetInfo) } },
    async (c) => jsonAnswer(c, targets(svc)),
  )
  defineOperation(
    app,
    {
      method: 'get',
      path: '/targets/{target}/state',
      operationId: 'getState',
      summary: 'current interfaces and routes of a target (hostnet show)',
      tag: 'host',
      params: target,
      query: { names: InterfaceNames.optional() },
      ok: { status: 200, description: 'the state', json: HostState, text: ['application/yaml'] },
    },
    async (c, { params, query }) => {
      const type = negotiate(c, [JSON_TYPE, 'application/yaml'])
      const names = typeof query['names'] === 'string' && query['names'] !== '' ? query['names'].split(',') : []
      const state = await opsOf(svc, c).show(targetOf(params['target']), names)
      return type === JSON_TYPE ? jsonAnswer(c, state) : textAnswer(c, formatState(state), 'application/yaml')
    },
  )
  defineOperation(
    app,
    {
      method: 'post',
      path: '/targets/{target}/diff',
      operationId: 'diffState',
      summary: 'what applying a document would change (touches nothing; hostnet diff)',
      tag: 'host',
      params: target,
      query: { skipUnsupported },
      body: documentBody,
      ok: { status: 200, description: 'the planned operations', json: DiffOutput },
    },
    async (c, input) => {
      const doc = documentOf(input)
      return jsonAnswer(c, { ...(await opsOf(svc, c).diff(targetOf(input.params['target']), doc)), ...skippedOf(doc) })
    },
  )
  defineOperation(
    app,
    {
      method: 'post',
      path: '/targets/{target}/apply',
      operationId: 'applyState',
      summary: 'apply a document as one verified transaction, rolled back on failure (hostnet apply)',
      tag: 'host',
      params: target,
      query: {
        confirmWithin: querySeconds(MAX_CONFIRM_WITHIN_SEC).optional().openapi({ description: 'keep the change only if committed within this many seconds' }),
        verify: QueryBool.optional(),
        skipUnsupported,
      },
      body: documentBody,
      ok: { status: 200, description: 'the transaction', json: ApplyResult },
    },
    async (c, input) => {
      const confirmWithinSec = input.query['confirmWithin'] as number | undefined
      const doc = documentOf(input)
      const result = await opsOf(svc, c).apply(targetOf(input.params['target']), doc, { confirmWithinSec, noVerify: input.query['verify'] === false })
      return jsonAnswer(c, { ...result, ...skippedOf(doc) })
    },
  )
  for (const verb of ['commit', 'rollback'] as const) {
    defineOperation(
      app,
      {
        method: 'post',
        path: `/targets/{target}/${verb}`,
        operationId: `${verb}Transaction`,
        summary: verb === 'commit' ? 'keep the change waiting for confirmation' : 'undo the change waiting for confirmation now',
        tag: 'host',
        params: target,
        ok: { status: 200, description: 'the transaction', json: TxnOutcome },
      },
      async (c, { params }) => jsonAnswer(c, await opsOf(svc, c)[verb](targetOf(params['target']))),
    )
  }
  defineOperation(
    app,
    {
      method: 'get',
      path: '/transactions',
      operationId: 'listTransactions',
      summary: "the journal's history, newest first",
      tag: 'host',
      query: { target: TargetParam.optional(), limit: queryInt(1, 1000).optional() },
      ok: { status: 200, description: 'transactions', json: z.array(Transaction) },
    },
    async (c, { query }) => {
      const t = query['target'] as string | undefined
      const limit = query['limit'] as number | undefined
      return jsonAnswer(c, listTransactions(svc.rt, { ...(t === undefined ? {} : { target: targetOf(t) }), ...(limit === undefined ? {} : { limit }) }))
    },
  )
  defineOperation(
    app,
    { method: 'get', path: '/transactions/{id}', operationId: 'getTransaction', summary: 'one transaction with its operations', tag: 'host', params: { id: IdParam }, ok: { status: 200, description: 'the transaction', json: Transaction } },
    async (c, { params }) => {
      const id = Number(params['id'])
      if (!Number.isSafeInteger(id)) throw new HostnetError('not-found', `no transaction ${params['id']} in the journal`)
      return jsonAnswer(c, getTransaction(svc.rt, id))
    },
  )
}
