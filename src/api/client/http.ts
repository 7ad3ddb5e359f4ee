/**
 * A small HTTP client for hostnet's API (node:http/https only, so the remote CLI starts fast): one keep-alive
 * agent, `unix:/path` URLs over a Unix socket, bearer token, an extra CA for TLS. An error answer (RFC 9457
 * problem document) comes back as the HostnetError the server raised: same kind, same message, so the CLI
 * prints the same and exits with the same status.
 * @module
 */
import { readFileSync } from 'node:fs'
import * as http from 'node:http'
import * as https from 'node:https'
import { HostnetError, type ErrorKind } from '../../errors.js'

export const API_PREFIX = '/api/v1'
/** Longest answer the client reads (a state document of thousands of interfaces fits). */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024
export const REQUEST_TIMEOUT_MS = 300_000

export interface ClientOptions {
  url: string
  token?: string
  cacertFile?: string
}

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  path: string
  query?: Record<string, string | number | boolean | undefined>
  body?: string
  contentType?: string
  accept?: string
}

export interface ApiResponse {
  status: number
  contentType: string
  text: string
}

const KINDS: ReadonlySet<string> = new Set([
  'invalid-argument',
  'not-found',
  'conflict',
  'not-supported',
  'dependency',
  'permission',
  'backend-failure',
  'verification-failed',
  'timeout',
  'bug',
])

interface Endpoint {
  socketPath?: string
  protocol: 'http:' | 'https:'
  host: string
  port?: number
  base: string
}

export function parseEndpointUrl(url: string): Endpoint {
  if (url.startsWith('unix:')) {
    const path = url.slice('unix:'.length).replace(/^\/\/(?=\/)/, '')
    if (!path.startsWith('/')) throw new HostnetError('invalid-argument', `invalid --url '${url}': expected unix:/absolute/path/to/socket`)
    return { socketPath: path, protocol: 'http:', host: 'localhost', base: '' }
  }
  let u: URL
  try {
    u = new URL(url)
  } catch {
    throw new HostnetError('invalid-argument', `invalid --url '${url}': expected http://HOST:PORT, https://HOST:PORT or unix:/path`)
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new HostnetError('invalid-argument', `invalid --url '${url}': scheme must be http, https or unix`)
  }
  const port = u.port === '' ? undefined : Number(u.port)
  return { protocol: u.protocol, host: u.hostname.replace(/^\[|\]$/g, ''), ...(port === undefined ? {} : { port }), base: u.pathname.replace(/\/+$/, '') }
}

export class ApiClient {
  private readonly ep: Endpoint
  private readonly agent: http.Agent
  private readonly token: string | undefined

  constructor(readonly opts: ClientOptions) {
    this.ep = parseEndpointUrl(opts.url)
    this.token = opts.token
    const ca = opts.cacertFile === undefined ? undefined : readFileSync(opts.cacertFile)
    this.agent = this.ep.protocol === 'https:' ? new https.Agent({ keepAlive: true, ...(ca === undefined ? {} : { ca }) }) : new http.Agent({ keepAlive: true })
  }

  close(): void {
    this.agent.destroy()
  }

  /** The answer, or the server's error as a HostnetError. */
  async call(req: ApiRequest): Promise<ApiResponse> {
    const res = await this.send(req)
    if (res.status >= 400) throw problemToError(res)
    return res
  }

  async json<T>(req: ApiRequest): Promise<T> {
    const res = await this.call({ ...req, accept: req.accept ?? 'application/json' })
    return JSON.parse(res.text) as T
  }

  send(req: ApiRequest): Promise<ApiResponse> {
    const qs = new URLSearchParams()
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) qs.set(k, String(v))
    const q = qs.toString()
    const path = `${this.ep.base}${API_PREFIX}${req.path}${q === '' ? '' : `?${q}`}`
    const headers: Record<string, string> = { accept: req.accept ?? 'application/json' }
    if (this.token !== undefined) headers['authorization'] = `Bearer ${this.token}`
    const body = req.body === undefined ? undefined : Buffer.from(req.body, 'utf8')
    if (body !== undefined) {
      headers['content-type'] = req.contentType ?? 'application/json'
      headers['content-length'] = String(body.length)
    }
    const mod = this.ep.protocol === 'https:' ? https : http
    const options: http.RequestOptions = {
      method: req.method,
      path,
      headers,
      agent: this.agent,
      timeout: REQUEST_TIMEOUT_MS,
      ...(this.ep.socketPath !== undefined ? { socketPath: this.ep.socketPath } : { host: this.ep.host, ...(this.ep.port === undefined ? {} : { port: this.ep.port }) }),
    }
    return new Promise((resolve, reject) => {
      const r = mod.request(options, (res) => {
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (c: Buffer) => {
          size += c.length
          if (size > MAX_RESPONSE_BYTES) {
            res.destroy()
            reject(new HostnetError('backend-failure', `the answer of ${this.opts.url} is longer than ${MAX_RESPONSE_BYTES} bytes`))
          } else chunks.push(c)
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }))
        res.on('error', (e) => reject(unreachable(this.opts.url, e)))
      })
      r.on('timeout', () => r.destroy(new HostnetError('timeout', `no answer from ${this.opts.url} within ${REQUEST_TIMEOUT_MS / 1000} s`)))
      r.on('error', (e) => reject(e instanceof HostnetError ? e : unreachable(this.opts.url, e)))
      r.end(body)
    })
  }
}

function unreachable(url: string, e: Error): HostnetError {
  return new HostnetError('dependency', `cannot reach hostnet at ${url}: ${e.message}`, { cause: e })
}

/** The HostnetError an error answer stands for (its kind and message, as the server raised it). */
export function problemToError(res: ApiResponse): HostnetError {
  let doc: Record<string, unknown> | undefined
  try {
    const parsed: unknown = JSON.parse(res.text)
    if (parsed !== null && typeof parsed === 'object') doc = parsed as Record<string, unknown>
  } catch {
    doc = undefined
  }
  const kind = typeof doc?.['kind'] === 'string' && KINDS.has(doc['kind']) ? (doc['kind'] as ErrorKind) : statusKind(res.status)
  const detail = typeof doc?.['detail'] === 'string' ? doc['detail'] : `HTTP ${res.status}${doc?.['title'] === undefined ? '' : `: ${String(doc['title'])}`}`
  const details = doc?.['details'] !== null && typeof doc?.['details'] === 'object' ? (doc['details'] as Record<string, unknown>) : undefined
  return new HostnetError(kind, detail, details === undefined ? {} : { details })
}

function statusKind(status: number): ErrorKind {
  if (status === 401 || status === 403) return 'permission'
  if (status === 404) return 'not-found'
  if (status === 409) return 'conflict'
  if (status === 503) return 'dependency'
  if (status === 504) return 'timeout'
  if (status >= 400 && status < 500) return 'invalid-argument'
  return 'backend-failure'
}
