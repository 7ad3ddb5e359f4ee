/**
 * A small etcd v3 client over etcd's JSON gateway (`POST /v3/kv/range`, `/v3/kv/txn`, `/v3/watch`, ...), with
 * node:http(s) only. Why not the `etcd3` package: it brings gRPC and protobuf, whose loading alone takes ~65 MB of
 * RSS, more than the agent's whole budget; the gateway is part of every etcd server (3.4 and later) and speaks
 * the same API. Several endpoints (a cluster's members): a request that cannot reach one, or that one answers with
 * "unavailable" (no leader, leader changed, stopping), goes to the next. Keys and values are UTF-8 strings here
 * (base64 on the wire). Authentication: TLS client certificates, and a user/password token (etcd roles) that is
 * asked for per member, as etcd's simple tokens are.
 * @module
 */
import http from 'node:http'
import https from 'node:https'
import { HostnetError, ValidationError, cut } from '../../errors.js'

export interface EtcdTls {
  /** PEM: the CA that signed the members' certificates. */
  ca?: string | Buffer
  /** PEM: this client's certificate and key. */
  cert?: string | Buffer
  key?: string | Buffer
}

export interface EtcdOptions {
  /** `http(s)://HOST:PORT` of each member. */
  endpoints: readonly string[]
  tls?: EtcdTls
  auth?: { user: string; password: string }
  /** Per request (not the watch streams); default 3 s. */
  requestTimeoutMs?: number
}

export interface KeyValue {
  key: string
  value: string
  createRevision: number
  modRevision: number
}

export type Compare =
  | { key: string; target: 'CREATE' | 'MOD'; result: 'EQUAL' | 'GREATER' | 'LESS'; revision: number }
  | { key: string; target: 'VALUE'; result: 'EQUAL'; value: string }

export type TxnOp = { put: { key: string; value: string; lease?: string } } | { delete: { key: string; prefix?: boolean } } | { range: { key: string } }

export interface WatchEvent {
  type: 'PUT' | 'DELETE'
  key: string
  modRevision: number
}

/** etcd cannot be reached (no member answers) or has no quorum: retry later; nothing was changed by this call. */
export class EtcdUnavailableError extends HostnetError {
  constructor(message: string, cause?: unknown) {
    super('dependency', message, { cause })
    this.name = 'EtcdUnavailableError'
  }
}

/** A response body larger than this is refused (a read of the whole cluster's records stays far below). */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024
const DEFAULT_TIMEOUT_MS = 3000
/** A request fails over to the next member at most this many times around the list. */
const ROUNDS = 3
const ROUND_PAUSE_MS = 150

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64')
const unb64 = (s: string | undefined): string => (s === undefined ? '' : Buffer.from(s, 'base64').toString('utf8'))
const num = (s: unknown): number => (typeof s === 'string' || typeof s === 'number' ? Number(s) : 0)

/** The range end of a prefix: the prefix with its last byte incremented. */
export function prefixEnd(prefix: string): string {
  const b = Buffer.from(prefix, 'utf8')
  for (let i = b.length - 1; i >= 0; i--) {
    if (b[i]! < 0xff) {
      const out = Buffer.from(b.subarray(0, i + 1))
      out[i] = b[i]! + 1
      return out.toString('base64')
    }
  }
  return Buffer.from([0]).toString('base64')
}

function checkEndpoint(url: string): URL {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    throw new ValidationError(`invalid etcd endpoint '${cut(url)}': expected http(s)://HOST:PORT`, { path: '--etcd', value: url })
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.pathname !== '/' || u.search !== '' || u.username !== '') {
    throw new ValidationError(`invalid etcd endpoint '${cut(url)}': expected http(s)://HOST:PORT`, { path: '--etcd', value: url })
  }
  return u
}

/** gRPC codes etcd's gateway reports that mean "try another member, or later". */
const UNAVAILABLE_CODES = new Set([4, 14]) // DEADLINE_EXCEEDED, UNAVAILABLE
const AUTH_TOKEN_CODES = new Set([16]) // UNAUTHENTICATED (invalid or expired token)

class GatewayError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message)
  }
}

export class EtcdClient {
  private readonly endpoints: URL[]
  private current = 0
  private readonly tokens = new Map<string, string>()
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 4 })
  private readonly httpsAgent: https.Agent
  private readonly timeoutMs: number
  private closed = false
  private readonly streams = new Set<http.ClientRequest>()

  constructor(private readonly opts: EtcdOptions) {
    if (opts.endpoints.length === 0) throw new ValidationError('no etcd endpoint given', { path: '--etcd' })
    this.endpoints = opts.endpoints.map(checkEndpoint)
    this.timeoutMs = opts.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS
    this.httpsAgent = new https.Agent({
      keepAlive: true,
      maxSockets: 4,
      ...(opts.tls?.ca === undefined ? {} : { ca: opts.tls.ca }),
      ...(opts.tls?.cert === undefined ? {} : { cert: opts.tls.cert }),
      ...(opts.tls?.key === undefined ? {} : { key: opts.tls.key }),
    })
  }

  /** The endpoint requests go to now. */
  get endpoint(): string {
    return this.endpoints[this.current]!.origin
  }

  close(): void {
    this.closed = true
    for (const s of this.streams) s.destroy()
    this.streams.clear()
    this.httpAgent.destroy()
    this.httpsAgent.destroy()
  }

  private send(u: URL, path: string, body: unknown, token: string | undefined, timeoutMs: number): Promise<unknown> {
    const data = Buffer.from(JSON.stringify(body))
    const lib = u.protocol === 'https:' ? https : http
    return new Promise((resolve, reject) => {
      const req = lib.request(
        {
          host: u.hostname,
          port: u.port,
          path,
          method: 'POST',
          agent: u.protocol === 'https:' ? this.httpsAgent : this.httpAgent,
          headers: { 'content-type': 'application/json', 'content-length': data.length, ...(token === undefined ? {} : { authorization: token }) },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = []
          let size = 0
          res.on('data', (c: Buffer) => {
            size += c.length
            if (size > MAX_RESPONSE_BYTES) {
              req.destroy(new Error(`response larger than ${MAX_RESPONSE_BYTES} bytes`))
              return
            }
            chunks.push(c)
          })
          res.on('error', reject)
          res.on('end', () => {
            let v: unknown
            const text = Buffer.concat(chunks).toString('utf8')
            try {
              v = JSON.parse(text)
            } catch {
              // etcd's own refusals (a client certificate with a common name at the gateway, say) are plain text
              const status = res.statusCode ?? 500
              reject(status >= 400 && status < 500 ? new GatewayError(3, `HTTP ${status}: ${cut(text.trim(), 200)}`) : new Error(`HTTP ${status}: not JSON: ${cut(text.trim(), 200)}`))
              return
            }
            const err = v as { code?: number; error?: string; message?: string }
            if ((res.statusCode ?? 500) >= 400 || typeof err.code === 'number') {
              reject(new GatewayError(err.code ?? 2, err.message ?? err.error ?? `HTTP ${res.statusCode ?? '?'}`))
              return
            }
            resolve(v)
          })
        },
      )
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)))
      req.on('error', reject)
      req.end(data)
    })
  }

  private async token(u: URL): Promise<string | undefined> {
    const auth = this.opts.auth
    if (auth === undefined) return undefined
    const have = this.tokens.get(u.origin)
    if (have !== undefined) return have
    const r = (await this.send(u, '/v3/auth/authenticate', { name: auth.user, password: auth.password }, undefined, this.timeoutMs)) as { token?: string }
    if (typeof r.token !== 'string') throw new GatewayError(16, 'no token in the answer to authenticate')
    this.tokens.set(u.origin, r.token)
    return r.token
  }

  /** POST to the current member, failing over to the others; gateway errors other than "unavailable" are thrown. */
  async call(path: string, body: unknown): Promise<unknown> {
    if (this.closed) throw new EtcdUnavailableError('the etcd client is closed')
    let last: unknown
    for (let attempt = 0; attempt < this.endpoints.length * ROUNDS; attempt++) {
      if (attempt > 0 && attempt % this.endpoints.length === 0) await new Promise((r) => setTimeout(r, ROUND_PAUSE_MS))
      const u = this.endpoints[this.current]!
      try {
        return await this.send(u, path, body, await this.token(u), this.timeoutMs)
      } catch (e) {
        last = e
        if (e instanceof GatewayError && AUTH_TOKEN_CODES.has(e.code) && this.tokens.has(u.origin)) {
          this.tokens.delete(u.origin) // expired, or issued by another member: ask again on this one
          continue
        }
        if (e instanceof GatewayError && !UNAVAILABLE_CODES.has(e.code)) throw gatewayFailure(e, path)
        this.current = (this.current + 1) % this.endpoints.length
      }
    }
    throw new EtcdUnavailableError(`etcd is unavailable (${this.endpoints.map((u) => u.origin).join(', ')}): ${(last as Error).message}`, last)
  }

  /** Every key under `prefix`, and the store's revision they were read at. */
  async rangePrefix(prefix: string): Promise<{ revision: number; kvs: KeyValue[] }> {
    const r = (await this.call('/v3/kv/range', { key: b64(prefix), range_end: prefixEnd(prefix) })) as RangeResponse
    return { revision: num(r.header?.revision), kvs: (r.kvs ?? []).map(kv) }
  }

  async get(key: string): Promise<KeyValue | undefined> {
    const r = (await this.call('/v3/kv/range', { key: b64(key) })) as RangeResponse
    const first = r.kvs?.[0]
    return first === undefined ? undefined : kv(first)
  }

  async put(key: string, value: string, lease?: string): Promise<number> {
    const r = (await this.call('/v3/kv/put', { key: b64(key), value: b64(value), ...(lease === undefined ? {} : { lease }) })) as { header?: { revision?: string } }
    return num(r.header?.revision)
  }

  /** All compares hold → the `success` ops, else `failure`; the answer says which, and the revision after. */
  async txn(compare: readonly Compare[], success: readonly TxnOp[], failure: readonly TxnOp[] = []): Promise<{ succeeded: boolean; revision: number; ranges: KeyValue[][] }> {
    const r = (await this.call('/v3/kv/txn', {
      compare: compare.map((c) =>
        c.target === 'VALUE'
          ? { key: b64(c.key), target: 'VALUE', result: c.result, value: b64(c.value) }
          : { key: b64(c.key), target: c.target, result: c.result, [c.target === 'CREATE' ? 'create_revision' : 'mod_revision']: String(c.revision) },
      ),
      success: success.map(op),
      failure: failure.map(op),
    })) as { succeeded?: boolean; header?: { revision?: string }; responses?: Array<{ response_range?: RangeResponse }> }
    return {
      succeeded: r.succeeded === true,
      revision: num(r.header?.revision),
      ranges: (r.responses ?? []).map((x) => (x.response_range?.kvs ?? []).map(kv)),
    }
  }

  async leaseGrant(ttlSec: number): Promise<string> {
    const r = (await this.call('/v3/lease/grant', { TTL: String(ttlSec) })) as { ID?: string }
    if (typeof r.ID !== 'string') throw new HostnetError('backend-failure', 'etcd granted no lease id')
    return r.ID
  }

  /** Renew a lease; false when it has expired (TTL 0 in the answer). */
  async leaseKeepAlive(id: string): Promise<boolean> {
    const r = (await this.call('/v3/lease/keepalive', { ID: id })) as { result?: { TTL?: string } }
    return num(r.result?.TTL) > 0
  }

  async leaseRevoke(id: string): Promise<void> {
    await this.call('/v3/lease/revoke', { ID: id })
  }

  /**
   * Wait for the first change under `prefix` at or after `fromRevision` (a watch stream on the current member).
   * Resolves with the events (empty when the stream ended or was cut short by `signal`: the caller reads again);
   * `compacted` when etcd no longer has that revision (the caller reads everything again).
   */
  async waitForChange(prefix: string, fromRevision: number, signal?: AbortSignal): Promise<{ events: WatchEvent[]; compacted: boolean }> {
    const u = this.endpoints[this.current]!
    let token: string | undefined
    try {
      token = await this.token(u)
    } catch (e) {
      this.current = (this.current + 1) % this.endpoints.length
      throw new EtcdUnavailableError(`etcd is unavailable (${u.origin}): ${(e as Error).message}`, e)
    }
    const data = Buffer.from(JSON.stringify({ create_request: { key: b64(prefix), range_end: prefixEnd(prefix), start_revision: String(fromRevision) } }))
    const lib = u.protocol === 'https:' ? https : http
    return new Promise((resolve, reject) => {
      let settled = false
      const finish = (v: { events: WatchEvent[]; compacted: boolean } | Error): void => {
        if (settled) return
        settled = true
        this.streams.delete(req)
        signal?.removeEventListener('abort', onAbort)
        req.destroy()
        if (v instanceof Error) reject(v)
        else resolve(v)
      }
      const onAbort = (): void => finish({ events: [], compacted: false })
      const req = lib.request(
        {
          host: u.hostname,
          port: u.port,
          path: '/v3/watch',
          method: 'POST',
          agent: false,
          headers: { 'content-type': 'application/json', 'content-length': data.length, ...(token === undefined ? {} : { authorization: token }) },
          ...(u.protocol === 'https:' ? tlsOf(this.opts.tls) : {}),
        },
        (res) => {
          let buf = ''
          res.setEncoding('utf8')
          res.on('data', (c: string) => {
            buf += c
            if (buf.length > MAX_RESPONSE_BYTES) return finish(new EtcdUnavailableError('watch message too large'))
            let nl: number
            while ((nl = buf.indexOf('\n')) >= 0) {
              const line = buf.slice(0, nl).trim()
              buf = buf.slice(nl + 1)
              if (line === '') continue
              let msg: WatchMessage
              try {
                msg = JSON.parse(line) as WatchMessage
              } catch {
                return finish(new EtcdUnavailableError(`watch stream: not JSON: ${cut(line)}`))
              }
              if (msg.error !== undefined) {
                this.tokens.delete(u.origin)
                return finish(new EtcdUnavailableError(`watch refused: ${msg.error.message ?? '?'}`))
              }
              const r = msg.result ?? {}
              if (num(r.compact_revision) > 0) return finish({ events: [], compacted: true })
              if (r.canceled === true) return finish({ events: [], compacted: false })
              const events = (r.events ?? []).map((e) => ({ type: e.type === 'DELETE' ? ('DELETE' as const) : ('PUT' as const), key: unb64(e.kv?.key), modRevision: num(e.kv?.mod_revision) }))
              if (events.length > 0) return finish({ events, compacted: false })
            }
          })
          res.on('end', () => finish({ events: [], compacted: false }))
          res.on('error', (e) => finish(new EtcdUnavailableError(`watch stream: ${e.message}`, e)))
        },
      )
      this.streams.add(req)
      req.on('error', (e) => {
        this.current = (this.current + 1) % this.endpoints.length
        finish(new EtcdUnavailableError(`etcd is unavailable (${u.origin}): ${e.message}`, e))
      })
      if (signal?.aborted === true) return finish({ events: [], compacted: false })
      signal?.addEventListener('abort', onAbort)
      req.end(data)
    })
  }
}

function tlsOf(t: EtcdTls | undefined): https.RequestOptions {
  return { ...(t?.ca === undefined ? {} : { ca: t.ca }), ...(t?.cert === undefined ? {} : { cert: t.cert }), ...(t?.key === undefined ? {} : { key: t.key }) }
}

interface RawKv {
  key?: string
  value?: string
  create_revision?: string
  mod_revision?: string
}
interface RangeResponse {
  header?: { revision?: string }
  kvs?: RawKv[]
}
interface WatchMessage {
  result?: { compact_revision?: string; canceled?: boolean; events?: Array<{ type?: string; kv?: RawKv }> }
  error?: { message?: string }
}

function kv(r: RawKv): KeyValue {
  return { key: unb64(r.key), value: unb64(r.value), createRevision: num(r.create_revision), modRevision: num(r.mod_revision) }
}

function op(o: TxnOp): unknown {
  if ('put' in o) return { request_put: { key: b64(o.put.key), value: b64(o.put.value), ...(o.put.lease === undefined ? {} : { lease: o.put.lease }) } }
  if ('delete' in o) return { request_delete_range: { key: b64(o.delete.key), ...(o.delete.prefix === true ? { range_end: prefixEnd(o.delete.key) } : {}) } }
  return { request_range: { key: b64(o.range.key) } }
}

function gatewayFailure(e: GatewayError, path: string): HostnetError {
  const kind = e.code === 7 ? 'permission' : e.code === 3 ? 'invalid-argument' : e.code === 16 ? 'permission' : 'backend-failure'
  return new HostnetError(kind, `etcd refused ${path}: ${cut(e.message, 200)}`)
}
