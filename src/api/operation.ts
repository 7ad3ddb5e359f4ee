/**
 * One API operation = one spec: method, path, the zod schemas of its parameters, query and JSON body, the
 * content types of text bodies (libvirt XML, YAML), its answer and who may call it. `defineOperation` registers
 * the spec in the OpenAPI registry AND routes it through a validator built from the same schemas, so the
 * document and the checks cannot drift apart.
 * @module
 */
import { z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { IncomingMessage } from 'node:http'
import type { ApiApp } from './context.js'
import { HttpError, PROBLEM_CONTENT_TYPE } from './problem.js'
import { Problem } from './schemas.js'

export const XML_TYPES = ['application/xml', 'text/xml'] as const
export const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'] as const
export const JSON_TYPE = 'application/json'

/** Who may call: viewers may read; admins may do everything; `any` authenticated principal (sessions). */
export type Access = 'viewer' | 'admin' | 'any' | 'public'

export type Method = 'get' | 'post' | 'put' | 'delete'

export interface BodySpec {
  /** A JSON body validated with this schema (a strict object: unknown fields are refused). */
  json?: z.ZodType
  /** Text bodies (XML, YAML) passed to the service, which parses and validates them as the CLI does. */
  text?: readonly string[]
  description: string
  required: boolean
}

export interface AnswerSpec {
  status: number
  description: string
  json?: z.ZodType
  /** Other representations chosen by Accept (application/xml, application/yaml). */
  text?: readonly string[]
  /** text/event-stream and the like: documented, produced by the handler itself. */
  stream?: string
}

export interface OperationSpec {
  method: Method
  /** OpenAPI path below /api/v1, `{param}` style. */
  path: string
  operationId: string
  summary: string
  tag: string
  params?: Record<string, z.ZodType>
  query?: Record<string, z.ZodType>
  body?: BodySpec
  ok: AnswerSpec
  access?: Access
}

export interface OperationInput {
  params: Record<string, string>
  query: Record<string, unknown>
  /** The validated JSON body, or the text body; undefined when none was sent. */
  json?: unknown
  text?: string
  /** The media type of the body, without parameters. */
  bodyType?: string
}

export type Handler = (c: Context, input: OperationInput) => Promise<Response>

export const API_BASE = '/api/v1'

/** Default access: reads are for viewers, everything else for admins. */
export function accessOf(spec: Pick<OperationSpec, 'method' | 'access'>): Access {
  return spec.access ?? (spec.method === 'get' ? 'viewer' : 'admin')
}

function honoPath(path: string): string {
  return API_BASE + path.replace(/\{(\w+)\}/g, ':$1')
}

/** The first zod issue as one message that names the field. */
export function zodMessage(where: string, err: z.ZodError): { message: string; path: string } {
  const issue = err.issues[0]
  const field = issue === undefined || issue.path.length === 0 ? where : `${where}.${issue.path.map(String).join('.')}`
  const msg = issue?.code === 'unrecognized_keys' ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}` : (issue?.message ?? 'invalid')
  return { message: `invalid ${field}: ${msg}`, path: field }
}

function mediaType(header: string | undefined): string | undefined {
  if (header === undefined) return undefined
  return header.split(';')[0]!.trim().toLowerCase()
}

function parseWith(schema: z.ZodType, value: unknown, where: string): unknown {
  const r = schema.safeParse(value)
  if (!r.success) {
    const { message, path } = zodMessage(where, r.error)
    throw new HttpError('bad-request', message, { path })
  }
  return r.data
}

async function readBody(c: Context, spec: BodySpec | undefined): Promise<Pick<OperationInput, 'json' | 'text' | 'bodyType'>> {
  const type = mediaType(c.req.header('content-type'))
  // the body is read whole (bounded) before anything happens: a client that stops sending half-way changes nothing
  const text = await readLimited(c, (c.get('maxBodyBytes' as never) as number | undefined) ?? DEFAULT_MAX_BODY_BYTES)
  if (spec === undefined) {
    if (text.length > 0) throw new HttpError('bad-request', 'this operation takes no request body')
    return {}
  }
  if (text.length === 0) {
    if (spec.required) throw new HttpError('bad-request', `a request body is required: ${spec.description}`)
    return {}
  }
  const accepted = [...(spec.json === undefined ? [] : [JSON_TYPE]), ...(spec.text ?? [])]
  if (type === undefined || !accepted.includes(type)) {
    throw new HttpError('unsupported-media-type', `unsupported content type '${type ?? '(none)'}': expected ${accepted.join(', ')}`, { path: 'content-type', value: type })
  }
  if (type === JSON_TYPE && spec.json !== undefined) {
    let doc: unknown
    try {
      doc = JSON.parse(text)
    } catch (e) {
      throw new HttpError('bad-request', `malformed JSON body: ${(e as Error).message}`, { path: 'body' })
    }
    return { json: parseWith(spec.json, doc, 'body'), bodyType: type }
  }
  return { text, bodyType: type }
}

/** Default largest request body (a desired-state document of thousands of interfaces fits). */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024

function tooLarge(max: number): HttpError {
  return new HttpError('payload-too-large', `request body larger than ${max} bytes`, { limit: max })
}

/** The body as text, refused with 413 as soon as it is known to be longer than `max` (declared or received). */
async function readLimited(c: Context, max: number): Promise<string> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming
  // on node:http, read the request itself: touching c.req.raw would build a whole web Request for nothing
  if (incoming !== undefined) return readIncoming(incoming, max)
  const body = c.req.raw.body
  if (body === null) return ''
  const declared = Number(c.req.header('content-length') ?? NaN)
  if (declared > max) {
    void body.cancel().catch(() => undefined)
    throw tooLarge(max)
  }
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > max) {
      void reader.cancel().catch(() => undefined)
      throw tooLarge(max)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** HTTP/1.1: a request has a body only with Content-Length (non-zero) or Transfer-Encoding. */
function readIncoming(incoming: IncomingMessage, max: number): Promise<string> {
  const length = incoming.headers['content-length']
  if (incoming.headers['transfer-encoding'] === undefined && (length === undefined || length === '0')) return Promise.resolve('')
  if (Number(length) > max) return Promise.reject(tooLarge(max))
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (b: Buffer): void => {
      size += b.length
      if (size > max) {
        incoming.off('data', onData)
        incoming.resume() // drain the rest unread; the answer is already decided
        reject(tooLarge(max))
      } else chunks.push(b)
    }
    incoming.on('data', onData)
    incoming.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    incoming.once('error', reject)
    incoming.once('aborted', () => reject(new HttpError('bad-request', 'the client went away before the request body arrived')))
  })
}

function readQuery(c: Context, known: Record<string, z.ZodType>, schema: z.ZodType, empty: Record<string, unknown> | undefined): Record<string, unknown> {
  const url = c.req.url
  const at = url.indexOf('?')
  // no query (most requests): the schema's answer to {} was worked out once
  if (empty !== undefined && (at < 0 || at === url.length - 1)) return { ...empty }
  // a plain object (no prototype), and unknown names refused here: `__proto__` and friends are just unknown names
  const flat: Record<string, string> = Object.create(null) as Record<string, string>
  for (const [k, vs] of groupQuery(at < 0 ? '' : url.slice(at + 1))) {
    if (!Object.prototype.hasOwnProperty.call(known, k)) throw new HttpError('bad-request', `invalid query: unknown parameter '${k.slice(0, 64)}'`, { path: `query.${k.slice(0, 64)}` })
    if (vs.length > 1) throw new HttpError('bad-request', `query parameter '${k}' given ${vs.length} times`, { path: `query.${k}` })
    flat[k] = vs[0] ?? ''
  }
  return parseWith(schema, { ...flat }, 'query') as Record<string, unknown>
}

/** The query's values by name (in a Map: any name is just a key); `search` is what follows the '?'. */
function groupQuery(search: string): Map<string, string[]> {
  const out = new Map<string, string[]>()
  // the fragment is not part of the query (a URL parser drops it)
  const hash = search.indexOf('#')
  for (const [k, v] of new URLSearchParams(hash < 0 ? search : search.slice(0, hash))) out.set(k, [...(out.get(k) ?? []), v])
  return out
}

function readParams(c: Context, names: readonly string[], schema: z.ZodType | undefined): Record<string, string> {
  if (schema === undefined) return {}
  const raw: Record<string, string> = {}
  for (const k of names) raw[k] = c.req.param(k) ?? ''
  return parseWith(schema, raw, 'path') as Record<string, string>
}

const ERROR_ANSWERS: Record<number, string> = {
  400: 'malformed request (parameters, query, JSON body)',
  401: 'no or bad credentials (TCP listener)',
  403: 'a viewer asked for a change, or a denied principal',
  404: 'no such object',
  409: 'conflicts with the current state',
  413: 'request body too large',
  415: 'unsupported content type',
  422: 'the document is invalid (the message names the field)',
  503: 'a dependency is missing (e.g. no reachable Open vSwitch)',
}

function registerDoc(app: ApiApp, spec: OperationSpec): void {
  const content: Record<string, { schema: z.ZodType }> = {}
  if (spec.ok.json !== undefined) content[JSON_TYPE] = { schema: spec.ok.json }
  for (const t of spec.ok.text ?? []) content[t] = { schema: z.string() }
  if (spec.ok.stream !== undefined) content[spec.ok.stream] = { schema: z.string() }
  const responses: Record<string, { description: string; content?: Record<string, { schema: z.ZodType }> }> = {
    [String(spec.ok.status)]: { description: spec.ok.description, ...(Object.keys(content).length === 0 ? {} : { content }) },
  }
  for (const [status, description] of Object.entries(ERROR_ANSWERS)) responses[status] = { description, content: { [PROBLEM_CONTENT_TYPE]: { schema: Problem } } }
  const request: Record<string, unknown> = {}
  if (spec.params !== undefined) request['params'] = z.object(spec.params)
  if (spec.query !== undefined) request['query'] = z.object(spec.query)
  if (spec.body !== undefined) {
    const bodyContent: Record<string, { schema: z.ZodType }> = {}
    if (spec.body.json !== undefined) bodyContent[JSON_TYPE] = { schema: spec.body.json }
    for (const t of spec.body.text ?? []) bodyContent[t] = { schema: z.string() }
    request['body'] = { description: spec.body.description, required: spec.body.required, content: bodyContent }
  }
  const access = accessOf(spec)
  app.openAPIRegistry.registerPath({
    method: spec.method,
    path: API_BASE + spec.path,
    operationId: spec.operationId,
    summary: spec.summary,
    tags: [spec.tag],
    request: request as never,
    responses: responses as never,
    ...(access === 'public' ? { security: [] } : {}),
    'x-hostnet-access': access,
  } as never)
}

/** Register the operation's documentation and route it through the validator. */
export function defineOperation(app: ApiApp, spec: OperationSpec, handler: Handler): void {
  registerDoc(app, spec)
  // built once: a zod object compiles its parser on first use
  const paramNames = Object.keys(spec.params ?? {})
  const paramSchema = spec.params === undefined ? undefined : z.object(spec.params)
  const knownQuery = spec.query ?? {}
  const querySchema = z.object(knownQuery).strict()
  const none = querySchema.safeParse({})
  const emptyQuery = none.success ? (none.data as Record<string, unknown>) : undefined
  app.on(spec.method.toUpperCase(), honoPath(spec.path), async (c) => {
    const params = readParams(c, paramNames, paramSchema)
    const query = readQuery(c, knownQuery, querySchema, emptyQuery)
    const body = await readBody(c, spec.body)
    return handler(c, { params, query, ...body })
  })
}

/** Which representation the client asked for among `offered` (the first when Accept names none of them). */
export function negotiate(c: Context, offered: readonly string[]): string {
  const accept = c.req.header('accept')
  if (accept === undefined || accept === '') return offered[0]!
  const wanted = accept.split(',').map((p) => {
    const [type, ...params] = p.trim().split(';')
    const q = params.map((x) => x.trim()).find((x) => x.startsWith('q='))
    return { type: (type ?? '').trim().toLowerCase(), q: q === undefined ? 1 : Number(q.slice(2)) }
  })
  let best: { type: string; q: number } | undefined
  for (const o of offered) {
    const [major] = o.split('/')
    for (const w of wanted) {
      const matches = w.type === o || w.type === `${major}/*` || w.type === '*/*'
      if (matches && w.q > 0 && (best === undefined || w.q > best.q)) best = { type: o, q: w.q }
    }
  }
  if (best === undefined) throw new HttpError('not-acceptable', `cannot answer with '${accept}': available ${offered.join(', ')}`, { path: 'accept' })
  return best.type
}

/** A JSON answer (bigints as strings). */
export function jsonAnswer(c: Context, value: unknown, status = 200): Response {
  let body: string
  try {
    // without a replacer first: calling one for every value costs more than the rare retry
    body = JSON.stringify(value)
  } catch (e) {
    if (!(e instanceof TypeError)) throw e
    body = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))
  }
  return c.body(body, status as never, { 'content-type': 'application/json; charset=utf-8' })
}

export function textAnswer(c: Context, text: string, type: string, status = 200): Response {
  return c.body(text, status as never, { 'content-type': `${type}; charset=utf-8` })
}
