/**
 * The API server of `hostnet serve`: one app on every listener (read-write and read-only Unix sockets, optional
 * TCP with TLS), with limits: body size (413), header and request timeouts, an idle timeout, a cap on
 * connections per listener. Requests run to the end once their body has arrived: a client that goes away
 * never leaves a change half-applied (the change completes or rolls back as it would anyway).
 * @module
 */
import { getRequestListener } from '@hono/node-server'
import { readFileSync, rmSync } from 'node:fs'
import * as http from 'node:http'
import * as https from 'node:https'
import { join } from 'node:path'
import { HostnetError } from '../errors.js'
import { createApp, type AppOptions } from './app.js'
import type { ListenerKind } from './auth/authenticate.js'
import { PamAuthenticator } from './auth/pam.js'
import { LoginLimiter } from './auth/rate-limit.js'
import { Sessions } from './auth/sessions.js'
import type { ApiApp, ApiServices } from './context.js'
import { EventHub } from './events/hub.js'
import { ADMIN_GROUP_NAME, ensureSocketDir, groupId, isLoopback, listenUnix, parseListenAddress, RO_SOCKET, RW_SOCKET } from './listeners.js'

export const API_LIMITS = {
  maxConnectionsPerListener: 256,
  headersTimeoutMs: 10_000,
  /** Whole request (headers and body) must arrive within this. */
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
  /** A socket with no traffic this long is closed (event streams send a heartbeat more often). */
  idleTimeoutMs: 120_000,
  maxHeaderBytes: 16_384,
} as const

/**
 * Test hooks (never set in production): a shorter header timeout and a lower cap on event subscribers, so that
 * tests can reach them in a second.
 */
export const HEADERS_TIMEOUT_ENV = 'HOSTNET_TEST_API_HEADERS_TIMEOUT_MS'
export const MAX_SUBSCRIBERS_ENV = 'HOSTNET_TEST_API_MAX_SUBSCRIBERS'

function testHook(name: string): number | undefined {
  const v = Number(process.env[name] ?? '')
  return Number.isInteger(v) && v > 0 ? v : undefined
}

export interface ApiServerOptions extends AppOptions {
  socketDir: string
  /** Group of the read-write socket (default hostnet-admin; missing: root only, with a warning). */
  socketGroup?: string
  /** TCP `ADDR:PORT`. */
  listen?: string
  tlsCert?: string
  tlsKey?: string
  /** Plain HTTP on TCP (loopback addresses only). */
  noTls?: boolean
  pamService?: string
  maxConnectionsPerListener?: number
  /** Cap on event-stream subscribers (default MAX_SUBSCRIBERS). */
  maxSubscribers?: number
  /** Time for a request's headers to arrive (default API_LIMITS.headersTimeoutMs). */
  headersTimeoutMs?: number
}

export interface ApiListener {
  kind: ListenerKind
  /** Socket path, or `host:port` (the bound port, also when 0 was asked). */
  address: string
  server: http.Server
}

export class ApiServer {
  readonly listeners: ApiListener[] = []

  private constructor(
    readonly app: ApiApp,
    readonly sessions: Sessions,
    readonly events: EventHub,
  ) {}

  /** Build the app and start every listener (all or none: a failure closes those already open). */
  static async start(svc: ApiServices, o: ApiServerOptions): Promise<ApiServer> {
    const tls = checkTcpOptions(o)
    const sessions = new Sessions()
    const auth = { tokens: svc.rt.store.tokens, sessions, pam: new PamAuthenticator(o.pamService === undefined ? {} : { service: o.pamService }), limiter: new LoginLimiter() }
    const events = svc.events ?? new EventHub(svc.rt.store, svc.log, o.maxSubscribers ?? testHook(MAX_SUBSCRIBERS_ENV))
    const s = new ApiServer(createApp({ ...svc, events }, auth, o), sessions, events)
    try {
      ensureSocketDir(o.socketDir)
      const groupName = o.socketGroup ?? ADMIN_GROUP_NAME
      const gid = groupId(groupName)
      if (gid === undefined) svc.log(`warning: no group '${groupName}': the read-write socket is for root only`)
      await s.listenUnix('unix-rw', join(o.socketDir, RW_SOCKET), 0o660, gid ?? 0, o)
      await s.listenUnix('unix-ro', join(o.socketDir, RO_SOCKET), 0o666, undefined, o)
      if (o.listen !== undefined) await s.listenTcp(o.listen, tls, o)
    } catch (e) {
      await s.close()
      throw e
    }
    return s
  }

  private handler(kind: ListenerKind): http.RequestListener {
    const listener = getRequestListener((req, env) => this.app.fetch(req, { ...env, listener: kind }))
    return (req, res) => void listener(req, res)
  }

  private limit(server: http.Server, o: ApiServerOptions): void {
    server.maxConnections = o.maxConnectionsPerListener ?? API_LIMITS.maxConnectionsPerListener
    server.headersTimeout = headersTimeout(o)
    server.requestTimeout = API_LIMITS.requestTimeoutMs
    server.keepAliveTimeout = API_LIMITS.keepAliveTimeoutMs
    server.setTimeout(API_LIMITS.idleTimeoutMs, (socket) => socket.destroy())
    server.maxHeadersCount = 100
    server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      // headers or body too slow: 408, as node answers without a handler; anything else is a malformed request
      const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request'
      if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`)
      else socket.destroy()
    })
  }

  /**
   * Options of every listener's server: node checks the header and request timeouts on a timer (every 30 s by
   * default, so a client sending its headers a byte at a time kept its connection up to 40 s past a 10 s limit):
   * checked at least every second here.
   */
  private serverOptions(o: ApiServerOptions): http.ServerOptions {
    return { maxHeaderSize: API_LIMITS.maxHeaderBytes, connectionsCheckingInterval: Math.min(1000, headersTimeout(o)) }
  }

  private async listenUnix(kind: ListenerKind, path: string, mode: number, gid: number | undefined, o: ApiServerOptions): Promise<void> {
    const server = http.createServer(this.serverOptions(o), this.handler(kind))
    this.limit(server, o)
    await listenUnix(server, { path, mode, ...(gid === undefined ? {} : { gid }) })
    this.listeners.push({ kind, address: path, server })
  }

  private async listenTcp(listen: string, tls: { cert: Buffer; key: Buffer } | undefined, o: ApiServerOptions): Promise<void> {
    const addr = parseListenAddress(listen)
    const opts = this.serverOptions(o)
    const server = tls === undefined ? http.createServer(opts, this.handler('tcp')) : https.createServer({ ...opts, ...tls }, this.handler('tcp'))
    this.limit(server, o)
    await new Promise<void>((res, rej) => {
      server.once('error', rej)
      server.listen(addr.port, addr.host, () => {
        server.off('error', rej)
        res()
      })
    })
    const bound = server.address()
    const port = typeof bound === 'object' && bound !== null ? bound.port : addr.port
    this.listeners.push({ kind: 'tcp', address: `${addr.host.includes(':') ? `[${addr.host}]` : addr.host}:${port}`, server })
  }

  address(kind: ListenerKind): string | undefined {
    return this.listeners.find((l) => l.kind === kind)?.address
  }

  /** Stop listening, end every connection (event streams included), remove the sockets. */
  async close(): Promise<void> {
    this.events.close()
    await Promise.all(
      this.listeners.map(
        (l) =>
          new Promise<void>((res) => {
            l.server.close(() => res())
            l.server.closeAllConnections()
            if (l.kind !== 'tcp') rmSync(l.address, { force: true })
          }),
      ),
    )
    this.listeners.length = 0
  }
}

function headersTimeout(o: ApiServerOptions): number {
  return o.headersTimeoutMs ?? testHook(HEADERS_TIMEOUT_ENV) ?? API_LIMITS.headersTimeoutMs
}

/** TLS material for --listen, or undefined for --no-tls (loopback only). */
function checkTcpOptions(o: ApiServerOptions): { cert: Buffer; key: Buffer } | undefined {
  if (o.listen === undefined) {
    if (o.tlsCert !== undefined || o.tlsKey !== undefined || o.noTls === true) throw new HostnetError('invalid-argument', '--tls-cert, --tls-key and --no-tls need --listen ADDR:PORT')
    return undefined
  }
  const addr = parseListenAddress(o.listen)
  if (o.noTls === true) {
    if (o.tlsCert !== undefined || o.tlsKey !== undefined) throw new HostnetError('invalid-argument', 'give either --no-tls or --tls-cert/--tls-key, not both')
    if (!isLoopback(addr.host)) throw new HostnetError('invalid-argument', `--no-tls is accepted only for loopback addresses, not '${addr.host}'`)
    return undefined
  }
  if (o.tlsCert === undefined || o.tlsKey === undefined) throw new HostnetError('invalid-argument', '--listen needs --tls-cert FILE and --tls-key FILE (or --no-tls on a loopback address)')
  const read = (file: string, what: string): Buffer => {
    try {
      return readFileSync(file)
    } catch (e) {
      throw new HostnetError('invalid-argument', `cannot read the TLS ${what} '${file}': ${(e as Error).message}`, { cause: e })
    }
  }
  return { cert: read(o.tlsCert, 'certificate'), key: read(o.tlsKey, 'key') }
}
