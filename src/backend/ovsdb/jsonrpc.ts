/**
 * One JSON-RPC 1.0 session over one stream socket (the life of one connection; reconnecting is the client's
 * job). Requests carry integer ids; the server's `echo` requests (its inactivity probe) are answered at once;
 * our own keepalive sends an `echo` after `keepaliveIntervalMs` of silence and declares the connection dead
 * after another interval without any message. When the socket closes every pending request is rejected with
 * an OvsdbConnectionError (a sent `transact` has an unknown outcome).
 * @module
 */
import { createConnection, type Socket } from 'node:net'
import { type OvsdbAddress, formatOvsdbAddress } from './address.js'
import { type ConnectionFailure, OvsdbConnectionError, OvsdbProtocolError, OvsdbRpcError } from './errors.js'
import { JsonStreamSplitter } from './json-splitter.js'

export interface JsonRpcOptions {
  connectTimeoutMs?: number
  /** Silence after which we send an echo, and after which (again) the peer is declared dead; 0 = off. */
  keepaliveIntervalMs?: number
  onNotification: (method: string, params: unknown) => void
  onClose: (failure: ConnectionFailure, error: Error | undefined) => void
}

interface Pending {
  method: string
  resolve: (v: unknown) => void
  reject: (e: unknown) => void
  timer: NodeJS.Timeout | undefined
}

export interface SentRequest {
  id: number
  result: Promise<unknown>
}

export class JsonRpcSession {
  readonly address: string
  private readonly pending = new Map<number, Pending>()
  private readonly splitter = new JsonStreamSplitter()
  private nextId = 1
  private closed = false
  private lastRxMs = Date.now()
  private probeSent = false
  private keepaliveTimer: NodeJS.Timeout | undefined
  /** Count of echo requests from the server that we answered (for diagnostics and tests). */
  echoesAnswered = 0

  private constructor(
    private readonly socket: Socket,
    address: OvsdbAddress,
    private readonly opts: JsonRpcOptions,
  ) {
    this.address = formatOvsdbAddress(address)
    socket.on('data', (b: Buffer) => this.onData(b))
    socket.on('error', (e) => this.shutdown('lost', e))
    socket.on('close', () => this.shutdown('lost', undefined))
    const intervalMs = opts.keepaliveIntervalMs ?? 0
    if (intervalMs > 0) {
      this.keepaliveTimer = setInterval(() => this.keepaliveTick(intervalMs), Math.max(1, Math.floor(intervalMs / 2)))
      this.keepaliveTimer.unref()
    }
  }

  static connect(address: OvsdbAddress, opts: JsonRpcOptions): Promise<JsonRpcSession> {
    const text = formatOvsdbAddress(address)
    return new Promise((resolve, reject) => {
      const socket = address.kind === 'unix' ? createConnection({ path: address.path }) : createConnection({ host: address.host, port: address.port })
      const timer = setTimeout(() => socket.destroy(new Error(`timed out after ${opts.connectTimeoutMs} ms`)), opts.connectTimeoutMs ?? 10_000)
      const fail = (e: Error): void => {
        clearTimeout(timer)
        reject(new OvsdbConnectionError(text, 'connect-failed', { reason: e.message, cause: e }))
      }
      socket.once('error', fail)
      socket.once('connect', () => {
        clearTimeout(timer)
        socket.off('error', fail)
        if (address.kind === 'tcp') socket.setNoDelay(true)
        resolve(new JsonRpcSession(socket, address, opts))
      })
    })
  }

  get isOpen(): boolean {
    return !this.closed
  }

  get pendingCount(): number {
    return this.pending.size
  }

  /** Send a request; `result` settles with the answer's result, an OvsdbRpcError or an OvsdbConnectionError. */
  request(method: string, params: unknown[], opts: { timeoutMs?: number } = {}): SentRequest {
    const id = this.nextId++
    if (this.closed) return { id, result: Promise.reject(new OvsdbConnectionError(this.address, 'not-connected', { method })) }
    const result = new Promise<unknown>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined
      if (opts.timeoutMs !== undefined) {
        timer = setTimeout(() => this.timeoutRequest(id, opts.timeoutMs!), opts.timeoutMs)
      }
      this.pending.set(id, { method, resolve, reject, timer })
    })
    this.write({ method, params, id })
    return { id, result }
  }

  /** Send a notification (no answer expected), e.g. `cancel`. */
  notify(method: string, params: unknown[]): void {
    if (!this.closed) this.write({ method, params, id: null })
  }

  /**
   * Cancel request `id` (a `transact` blocked in a `wait`). OVS 3.1 drops a canceled transaction without any
   * answer, so after `graceMs` the request is rejected locally with OvsdbRpcError 'canceled'; an answer that
   * was already on its way (the transaction completed first) still wins during the grace period.
   */
  cancel(id: number, graceMs = 200): void {
    const p = this.pending.get(id)
    if (!p) return
    this.notify('cancel', [id])
    const timer = setTimeout(() => {
      if (this.pending.get(id) !== p) return
      this.pending.delete(id)
      if (p.timer) clearTimeout(p.timer)
      p.reject(new OvsdbRpcError(p.method, 'canceled'))
    }, graceMs)
    timer.unref()
  }

  /** Close the socket; pending requests fail with `failure`. */
  close(failure: ConnectionFailure = 'closed'): void {
    this.shutdown(failure, undefined)
    this.socket.destroy()
  }

  private write(msg: unknown): void {
    this.socket.write(JSON.stringify(msg))
  }

  private timeoutRequest(id: number, timeoutMs: number): void {
    const p = this.pending.get(id)
    if (!p) return
    this.pending.delete(id)
    const reason = `no answer within ${timeoutMs} ms`
    p.reject(new OvsdbConnectionError(this.address, 'timeout', { method: p.method, outcomeUnknown: p.method === 'transact', reason }))
  }

  private keepaliveTick(intervalMs: number): void {
    if (this.closed) return
    const silentMs = Date.now() - this.lastRxMs
    if (this.probeSent && silentMs >= 2 * intervalMs) {
      this.close('keepalive')
    } else if (!this.probeSent && silentMs >= intervalMs) {
      this.probeSent = true
      this.write({ method: 'echo', params: ['hostnet-keepalive'], id: `keepalive-${Date.now()}` })
    }
  }

  private onData(b: Buffer): void {
    this.lastRxMs = Date.now()
    this.probeSent = false
    let texts: string[]
    try {
      texts = this.splitter.push(b)
    } catch (e) {
      this.shutdown('lost', e as Error)
      this.socket.destroy()
      return
    }
    for (const t of texts) {
      if (this.closed) return
      this.onMessage(t)
    }
  }

  private onMessage(text: string): void {
    let msg: Record<string, unknown>
    try {
      const parsed: unknown = JSON.parse(text)
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object')
      msg = parsed as Record<string, unknown>
    } catch (e) {
      this.shutdown('lost', new OvsdbProtocolError(`unparsable message: ${(e as Error).message}`, { text: text.slice(0, 200) }))
      this.socket.destroy()
      return
    }
    if (typeof msg['method'] === 'string') this.onIncomingCall(msg['method'], msg['params'], msg['id'])
    else this.onResponse(msg)
  }

  private onIncomingCall(method: string, params: unknown, id: unknown): void {
    if (id === null || id === undefined) {
      try {
        this.opts.onNotification(method, params)
      } catch (e) {
        // A notification we cannot apply (e.g. a malformed update) leaves the caller's replica stale: drop the
        // connection so that the client reconnects and resyncs from a fresh snapshot.
        this.shutdown('lost', e instanceof Error ? e : new Error(String(e)))
        this.socket.destroy()
      }
      return
    }
    if (method === 'echo') {
      this.echoesAnswered++
      this.write({ result: params, error: null, id })
    } else {
      this.write({ result: null, error: `unknown method '${method}'`, id })
    }
  }

  private onResponse(msg: Record<string, unknown>): void {
    const id = msg['id']
    if (typeof id !== 'number') return // answers to our keepalive echoes carry string ids
    const p = this.pending.get(id)
    if (!p) return // answer to a request that timed out
    this.pending.delete(id)
    if (p.timer) clearTimeout(p.timer)
    const error = msg['error']
    if (error !== null && error !== undefined) p.reject(new OvsdbRpcError(p.method, error))
    else p.resolve(msg['result'])
  }

  private shutdown(failure: ConnectionFailure, error: Error | undefined): void {
    if (this.closed) return
    this.closed = true
    if (this.keepaliveTimer) clearInterval(this.keepaliveTimer)
    this.splitter.reset()
    const reason = error?.message
    for (const [id, p] of this.pending) {
      this.pending.delete(id)
      if (p.timer) clearTimeout(p.timer)
      const outcomeUnknown = p.method === 'transact' && failure !== 'not-connected'
      p.reject(new OvsdbConnectionError(this.address, failure, { method: p.method, outcomeUnknown, ...(reason ? { reason } : {}), cause: error }))
    }
    this.opts.onClose(failure, error)
  }
}
