/**
 * The OVSDB client: RFC 7047 methods over a JsonRpcSession, with reconnect and monitor re-establishment.
 *
 * Connection life: `OvsdbClient.connect()` resolves once connected. When the connection drops, every request
 * in flight is rejected with OvsdbConnectionError (retryable; a sent `transact` has `outcomeUnknown`), requests
 * made while disconnected fail at once with failure 'not-connected', and the client reconnects with
 * exponential backoff (`initialDelayMs` doubling up to `maxDelayMs`, at most `maxAttempts` attempts in a row).
 * After reconnecting it re-sends every registered monitor and hands each one a fresh snapshot (monitor.ts turns
 * that into a cache resync) before `whenConnected()` waiters resume, so a caller that resumes sees a current
 * cache. How to settle a transaction whose outcome is unknown: see outcome.ts.
 * @module
 */
import { HostnetError, ValidationError } from '../../errors.js'
import { parseOvsdbAddress, type OvsdbAddress } from './address.js'
import { type ConnectionFailure, OvsdbConnectionError, OvsdbProtocolError, OvsdbRpcError } from './errors.js'
import { JsonRpcSession, type SentRequest } from './jsonrpc.js'
import type { TableUpdates } from './monitor-cache.js'
import type { Condition, OperationResult, OvsdbOperation } from './ops.js'
import { parseSchema, type DatabaseSchema } from './schema.js'
import { checkTxnResult } from './txn-result.js'

export interface ReconnectOptions {
  initialDelayMs?: number
  maxDelayMs?: number
  /** Consecutive failed attempts before giving up (the client then closes); default unlimited. */
  maxAttempts?: number
}

export interface OvsdbClientOptions {
  /** `unix:/path` or `tcp:host:port`. */
  address: string
  connectTimeoutMs?: number
  /** Our echo keepalive (see jsonrpc.ts); default 5000, 0 = off. */
  keepaliveIntervalMs?: number
  /** Default per-request timeout; default none (a `wait` may legitimately block). */
  requestTimeoutMs?: number
  /** `false` = do not reconnect. Default: 100 ms doubling up to 5 s, unlimited attempts. */
  reconnect?: ReconnectOptions | false
}

/** One column set of one table to monitor (RFC 7047 §4.1.5 `monitor-request`; `where` only with monitor_cond). */
export interface MonitorRequest {
  columns?: readonly string[]
  select?: { initial?: boolean; insert?: boolean; delete?: boolean; modify?: boolean }
  where?: readonly Condition[]
}

/** `monitor` sends `update` notifications (full rows); `monitor_cond` sends `update2` (diffs, see update2.ts). */
export type MonitorMethod = 'monitor' | 'monitor_cond'

export interface MonitorHandlers {
  /** The monitor's reply: the initial contents; `resync` is true when it follows a reconnect. */
  onSnapshot(updates: TableUpdates, resync: boolean): void
  onUpdate(updates: TableUpdates): void
}

interface MonitorRegistration {
  db: string
  id: string
  method: MonitorMethod
  requests: Record<string, MonitorRequest>
  handlers: MonitorHandlers
}

export type ClientState = 'connected' | 'disconnected' | 'closed'
export type StateListener = (state: ClientState, info: { failure?: ConnectionFailure; error?: Error }) => void

export interface TransactOptions {
  timeoutMs?: number
  /** Aborting sends `cancel` for the transaction (meaningful while a `wait` blocks it). */
  signal?: AbortSignal
}

export class OvsdbClient {
  readonly address: string
  private readonly target: OvsdbAddress
  private session: JsonRpcSession | undefined
  private state: ClientState = 'disconnected'
  private readonly monitors = new Map<string, MonitorRegistration>()
  private readonly stateListeners = new Set<StateListener>()
  private readonly lockListeners = new Set<(event: 'locked' | 'stolen', lockId: string) => void>()
  private connectedWaiters: Array<() => void> = []
  private reconnectTimer: NodeJS.Timeout | undefined
  private monitorSeq = 0
  private failedAttempts = 0
  /** The last reconnect failure, for diagnostics. */
  lastError: unknown
  /** Successful (re)connections so far. */
  connectCount = 0

  private constructor(private readonly opts: OvsdbClientOptions) {
    this.target = parseOvsdbAddress(opts.address)
    this.address = opts.address
  }

  /** Connect (one attempt; the reconnect policy applies to later drops). */
  static async connect(opts: OvsdbClientOptions): Promise<OvsdbClient> {
    const c = new OvsdbClient(opts)
    await c.open()
    c.setState('connected', {})
    return c
  }

  get isConnected(): boolean {
    return this.state === 'connected'
  }

  get currentState(): ClientState {
    return this.state
  }

  /** Echo requests from the server answered on the current connection. */
  get echoesAnswered(): number {
    return this.session?.echoesAnswered ?? 0
  }

  onStateChange(l: StateListener): () => void {
    this.stateListeners.add(l)
    return () => this.stateListeners.delete(l)
  }

  onLockEvent(l: (event: 'locked' | 'stolen', lockId: string) => void): () => void {
    this.lockListeners.add(l)
    return () => this.lockListeners.delete(l)
  }

  /** Resolves when connected (at once if already); 'timeout' error after `timeoutMs`; fails if the client closes. */
  whenConnected(timeoutMs: number): Promise<void> {
    if (this.state === 'connected') return Promise.resolve()
    if (this.state === 'closed') return Promise.reject(new OvsdbConnectionError(this.address, 'closed'))
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.connectedWaiters = this.connectedWaiters.filter((w) => w !== done)
        const msg = `OVSDB connection to '${this.address}' not re-established within ${timeoutMs} ms`
        reject(new HostnetError('timeout', msg, { details: { timeoutMs } }))
      }, timeoutMs)
      const done = (): void => {
        clearTimeout(timer)
        if (this.state === 'connected') resolve()
        else reject(new OvsdbConnectionError(this.address, 'closed'))
      }
      this.connectedWaiters.push(done)
    })
  }

  /** Any method by name; resolves with the raw result. */
  async request(method: string, params: unknown[], opts: { timeoutMs?: number } = {}): Promise<unknown> {
    return this.send(method, params, opts).result
  }

  async listDbs(): Promise<string[]> {
    const r = await this.request('list_dbs', [])
    if (!Array.isArray(r)) throw new OvsdbProtocolError('list_dbs answered with a non-array result', { result: r })
    return r.map(String)
  }

  async getSchema(db: string): Promise<DatabaseSchema> {
    return parseSchema(await this.request('get_schema', [db]))
  }

  async echo(...args: unknown[]): Promise<unknown[]> {
    return (await this.request('echo', args)) as unknown[]
  }

  /** Run ops atomically; the per-op results, or OvsdbTxnError naming the failing op (nothing was committed). */
  async transact(db: string, ops: readonly OvsdbOperation[], opts: TransactOptions = {}): Promise<OperationResult[]> {
    if (opts.signal?.aborted) throw new OvsdbRpcError('transact', 'canceled', db)
    const sent = this.send('transact', [db, ...ops], opts)
    const onAbort = (): void => this.cancel(sent.id)
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    try {
      return checkTxnResult(db, ops, await sent.result)
    } finally {
      opts.signal?.removeEventListener('abort', onAbort)
    }
  }

  /** Ask the server to abandon request `id` (a blocked transact); it fails with OvsdbRpcError 'canceled'. */
  cancel(id: number): void {
    this.session?.cancel(id)
  }

  /**
   * Monitor tables of `db`; the registration survives reconnects (the snapshot handler is called again with
   * `resync` true). Handlers receive the wire payloads (`update` or `update2` form per `method`). Returns the
   * monitor id, for monitorCancel.
   */
  async monitor(
    db: string,
    requests: Readonly<Record<string, MonitorRequest>>,
    handlers: MonitorHandlers,
    method: MonitorMethod = 'monitor',
  ): Promise<string> {
    const id = `hostnet-m${++this.monitorSeq}`
    const reg: MonitorRegistration = { db, id, method, requests: { ...requests }, handlers }
    this.monitors.set(id, reg)
    try {
      handlers.onSnapshot(await this.startMonitor(reg), false)
    } catch (e) {
      this.monitors.delete(id)
      throw e
    }
    return id
  }

  /**
   * Change the conditions of a `monitor_cond` monitor (`monitor_cond_change`); the server then sends an
   * update2 with the rows that enter or leave the selection. The new conditions also apply after reconnects.
   */
  async monitorCondChange(id: string, where: Readonly<Record<string, readonly Condition[]>>): Promise<void> {
    const reg = this.monitors.get(id)
    if (!reg || reg.method !== 'monitor_cond') throw new HostnetError('bug', `no monitor_cond monitor '${id}'`)
    const change: Record<string, Array<{ where: readonly Condition[] }>> = {}
    for (const [table, conds] of Object.entries(where)) {
      change[table] = [{ where: conds }]
      const prev = reg.requests[table]
      if (prev) reg.requests[table] = { ...prev, where: conds }
    }
    await this.request('monitor_cond_change', [id, id, change])
  }

  async monitorCancel(id: string): Promise<void> {
    if (!this.monitors.delete(id)) return
    if (this.state === 'connected') await this.request('monitor_cancel', [id])
  }

  /** `lock`, `steal`, `unlock` (RFC 7047 §4.1.8-10); lock and steal resolve with whether the lock is now ours. */
  async lock(lockId: string, how: 'lock' | 'steal' = 'lock'): Promise<boolean> {
    checkLockId(lockId)
    const r = (await this.request(how, [lockId])) as { locked?: unknown }
    return r.locked === true
  }

  async unlock(lockId: string): Promise<void> {
    checkLockId(lockId)
    await this.request('unlock', [lockId])
  }

  /** Close for good: no reconnect; pending requests fail with failure 'closed'. */
  close(): void {
    if (this.state === 'closed') return
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer)
    this.setState('closed', {})
    this.session?.close('closed')
    this.session = undefined
  }

  private send(method: string, params: unknown[], opts: { timeoutMs?: number }): SentRequest {
    const s = this.session
    const timeoutMs = opts.timeoutMs ?? this.opts.requestTimeoutMs
    if (s === undefined || !s.isOpen || this.state === 'closed') {
      const failure = this.state === 'closed' ? 'closed' : 'not-connected'
      return { id: -1, result: Promise.reject(new OvsdbConnectionError(this.address, failure, { method })) }
    }
    return s.request(method, params, timeoutMs === undefined ? {} : { timeoutMs })
  }

  private async startMonitor(reg: MonitorRegistration): Promise<TableUpdates> {
    const r = await this.request(reg.method, [reg.db, reg.id, reg.requests])
    if (typeof r !== 'object' || r === null) throw new OvsdbProtocolError(`${reg.method} answered with a non-object result`, { result: r })
    return r as TableUpdates
  }

  private async open(): Promise<JsonRpcSession | undefined> {
    const session = await JsonRpcSession.connect(this.target, {
      ...(this.opts.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: this.opts.connectTimeoutMs }),
      keepaliveIntervalMs: this.opts.keepaliveIntervalMs ?? 5000,
      onNotification: (m, p) => this.onNotification(m, p),
      onClose: (failure, error) => this.onSessionClosed(session, failure, error),
    })
    if (this.state === 'closed') {
      session.close('closed')
      return undefined
    }
    this.session = session
    this.connectCount++
    return session
  }

  private onNotification(method: string, params: unknown): void {
    if (!Array.isArray(params)) return
    if (method === 'update' || method === 'update2') {
      const reg = this.monitors.get(String(params[0]))
      if (reg && typeof params[1] === 'object' && params[1] !== null) reg.handlers.onUpdate(params[1] as TableUpdates)
    } else if (method === 'locked' || method === 'stolen') {
      for (const l of [...this.lockListeners]) l(method, String(params[0]))
    }
  }

  private onSessionClosed(session: JsonRpcSession, failure: ConnectionFailure, error: Error | undefined): void {
    if (this.session !== session || this.state === 'closed') return
    this.session = undefined
    this.setState('disconnected', { failure, ...(error ? { error } : {}) })
    if (this.opts.reconnect !== false) this.scheduleReconnect()
    else this.close()
  }

  private scheduleReconnect(): void {
    const r = this.opts.reconnect === false ? {} : (this.opts.reconnect ?? {})
    if (this.failedAttempts >= (r.maxAttempts ?? Infinity)) {
      this.close()
      return
    }
    const base = Math.min(r.maxDelayMs ?? 5000, (r.initialDelayMs ?? 100) * 2 ** this.failedAttempts)
    const delayMs = Math.round(base * (0.8 + Math.random() * 0.2))
    this.reconnectTimer = setTimeout(() => void this.reconnect(), delayMs)
  }

  private async reconnect(): Promise<void> {
    if (this.state === 'closed') return
    this.failedAttempts++
    let session: JsonRpcSession | undefined
    try {
      session = await this.open()
    } catch (e) {
      this.lastError = e // the address is not reachable yet
      this.scheduleReconnect()
      return
    }
    if (session === undefined) return
    try {
      for (const reg of this.monitors.values()) reg.handlers.onSnapshot(await this.startMonitor(reg), true)
    } catch (e) {
      // The session closed under us (onSessionClosed reschedules) or the server refused the monitor.
      this.lastError = e
      if (this.session === session) session.close('lost')
      return
    }
    this.failedAttempts = 0
    this.setState('connected', {})
  }

  private setState(state: ClientState, info: { failure?: ConnectionFailure; error?: Error }): void {
    if (state === this.state && state === 'disconnected') return
    this.state = state
    for (const l of [...this.stateListeners]) l(state, info)
    if (state !== 'disconnected') {
      const waiters = this.connectedWaiters
      this.connectedWaiters = []
      for (const w of waiters) w()
    }
  }
}

/** OVSDB lock names are identifiers (RFC 7047 <id>: letters, digits, underscore, not starting with a digit). */
function checkLockId(lockId: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(lockId)) {
    throw new ValidationError(`invalid OVSDB lock name '${lockId}': must be letters, digits and '_', not starting with a digit`, { value: lockId })
  }
}
