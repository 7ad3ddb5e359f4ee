/**
 * The event stream's hub: every change in the store's change record (whoever made it: this API, a CLI in
 * another process, the confirm timer, supervision) goes to the subscribers whose filters match, in id order.
 * The hub reads the record once per wake-up for all live subscribers (none: it reads nothing): woken by this process's own changes
 * (`poke`), by the store's write-ahead log changing (inotify on the state directory: other processes' writes),
 * and by a slow poll as a safety net. A subscriber that reconnects with Last-Event-ID first catches up from the
 * store in pages, then joins the live stream with nothing missed and nothing twice. Bounded: a cap on
 * subscribers, and a subscriber whose unsent output passes MAX_BUFFERED_BYTES is dropped (it may reconnect and
 * resume), never buffered without end.
 * @module
 */
import { watch, type FSWatcher } from 'node:fs'
import type { ServerResponse } from 'node:http'
import type { ChangeKind, ChangeRecord } from '../../store/index.js'
import type { Store } from '../../store/index.js'

export const MAX_SUBSCRIBERS = 256
/** Unsent bytes a subscriber may accumulate before it is dropped. */
export const MAX_BUFFERED_BYTES = 1024 * 1024
export const HEARTBEAT_MS = 15_000
/** Safety-net poll (the WAL watch and this process's own changes wake the hub at once). */
export const POLL_MS = 250
/** Records read per page (live reads and catch-up). */
export const PAGE = 500
/** Tell EventSource clients to wait this long before reconnecting. */
export const RETRY_MS = 1000

export interface SubscriptionFilter {
  kinds?: readonly ChangeKind[]
  target?: string
}

interface Subscriber {
  res: ServerResponse
  filter: SubscriptionFilter
  /** The filter as text: subscribers with equal keys (and positions) are sent the same bytes. */
  filterKey: string
  /** Id of the last record considered for this subscriber. */
  cursor: number
  live: boolean
  closed: boolean
}

export function eventText(r: ChangeRecord): string {
  return `id: ${r.id}\nevent: ${r.kind}\ndata: ${JSON.stringify(r)}\n\n`
}

/** `text` as one HTTP/1.1 chunk (size line, data, CRLF), as a chunked response's write would send it. */
function chunk(text: string): Buffer {
  const data = Buffer.from(text)
  return Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`, 'latin1'), data, Buffer.from('\r\n', 'latin1')])
}

function matches(f: SubscriptionFilter, r: ChangeRecord): boolean {
  return (f.target === undefined || r.target === f.target) && (f.kinds === undefined || f.kinds.includes(r.kind))
}

export class EventHub {
  private readonly subs = new Set<Subscriber>()
  private cursor: number
  private reading = false
  private again = false
  /** The cursor may be behind the record (changes made while nobody subscribed were not read). */
  private stale = false
  private readonly watcher: FSWatcher | undefined
  private readonly poll: NodeJS.Timeout
  private readonly heartbeat: NodeJS.Timeout

  constructor(
    private readonly store: Store,
    private readonly log: (line: string) => void = () => undefined,
    readonly maxSubscribers = MAX_SUBSCRIBERS,
  ) {
    this.cursor = store.changes.lastId()
    try {
      this.watcher = watch(store.stateDir, { persistent: false }, (_e, file) => {
        if (file === null || String(file).startsWith('hostnet.db')) this.poke()
      })
      this.watcher.on('error', () => undefined)
    } catch (e) {
      this.watcher = undefined
      log(`warning: cannot watch '${store.stateDir}' for changes (${(e as Error).message}); events are polled every ${POLL_MS} ms`)
    }
    this.poll = setInterval(() => this.poke(), POLL_MS)
    this.poll.unref()
    this.heartbeat = setInterval(() => this.ping(), HEARTBEAT_MS)
    this.heartbeat.unref()
  }

  get size(): number {
    return this.subs.size
  }

  /** Something may have changed: read the record (coalesced: one read at a time, one more if poked meanwhile). */
  poke(): void {
    if (this.reading) {
      this.again = true
      return
    }
    this.reading = true
    setImmediate(() => this.readNew())
  }

  private readNew(): void {
    try {
      if (this.subs.size === 0) {
        // nobody to send to: read nothing (a port churn would read every record it writes); the cursor is
        // brought up to date when someone subscribes
        this.again = false
        this.stale = true
        return
      }
      for (;;) {
        this.again = false
        if (this.store.changes.lastId() <= this.cursor) break
        const batch = this.store.changes.list({ afterId: this.cursor, limit: PAGE })
        if (batch.length === 0) break
        // each record's text is made once, and each distinct output once (subscribers with the same filter and
        // position get the same bytes): a fan-out to many subscribers costs their writes, not their encodings
        const texts: Array<string | undefined> = []
        const outputs = new Map<string, Buffer | undefined>()
        for (const s of this.subs) if (s.live && !s.closed) this.send(s, batch, texts, outputs)
        this.cursor = batch[batch.length - 1]!.id
        if (batch.length < PAGE && !this.again) break
      }
    } catch (e) {
      this.log(`warning: reading the change record failed: ${(e as Error).message}`)
    } finally {
      this.reading = false
      if (this.again) this.poke()
    }
  }

  private send(s: Subscriber, records: readonly ChangeRecord[], texts: Array<string | undefined>, outputs: Map<string, Buffer | undefined>): void {
    const key = `${s.filterKey}\0${s.cursor}`
    let out = outputs.get(key)
    if (!outputs.has(key)) {
      let text = ''
      records.forEach((r, i) => {
        if (r.id > s.cursor && matches(s.filter, r)) text += texts[i] ??= eventText(r)
      })
      out = text === '' ? undefined : chunk(text)
      outputs.set(key, out)
    }
    const last = records[records.length - 1]
    if (last !== undefined && last.id > s.cursor) s.cursor = last.id
    if (out !== undefined) this.write(s, out)
  }

  /** `data`: text, or an HTTP/1.1 chunk made by chunk(). */
  private write(s: Subscriber, data: string | Buffer): void {
    if (s.closed) return
    if (typeof data === 'string') s.res.write(data)
    // the chunk goes to the socket as it is: one write of bytes shared by all subscribers, where the response's
    // own write frames it anew for each (four pieces, a writev)
    else if (s.res.chunkedEncoding && s.res.headersSent && s.res.socket !== null) s.res.socket.write(data)
    else s.res.write(data.subarray(data.indexOf('\r\n') + 2, data.length - 2))
    if (s.res.writableLength > MAX_BUFFERED_BYTES) {
      this.log(`event stream: a subscriber is ${s.res.writableLength} bytes behind; dropped (it may resume with Last-Event-ID)`)
      this.drop(s)
    }
  }

  private drop(s: Subscriber): void {
    if (s.closed) return
    s.closed = true
    this.subs.delete(s)
    s.res.destroy()
  }

  private ping(): void {
    for (const s of this.subs) if (!s.closed) this.write(s, ': ping\n\n')
  }

  /**
   * Stream to `res` (headers already checked): the records after `lastEventId` first (from the store, page by
   * page, waiting for the client to take them), then every new one. Without lastEventId, only new records.
   */
  async subscribe(res: ServerResponse, filter: SubscriptionFilter, lastEventId: number | undefined): Promise<void> {
    if (this.stale || this.subs.size === 0) {
      // nobody was listening: the hub's cursor meant nothing (a read may even be pending from a wake-up made
      // while nobody subscribed); this subscriber's stream starts at the record's end
      this.cursor = Math.max(this.cursor, this.store.changes.lastId())
      this.stale = false
    }
    const filterKey = JSON.stringify([filter.target ?? null, filter.kinds ?? null])
    const s: Subscriber = { res, filter, filterKey, cursor: lastEventId ?? this.cursor, live: lastEventId === undefined, closed: false }
    this.subs.add(s)
    res.on('close', () => {
      s.closed = true
      this.subs.delete(s)
    })
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' })
    res.write(`retry: ${RETRY_MS}\n: hostnet events after ${s.cursor}\n\n`)
    if (s.live) return
    const oldest = this.store.changes.oldestId()
    if (s.cursor + 1 < oldest) {
      // pruned by the retention rule: say which ids are gone, then go on from the oldest kept
      this.write(s, `event: hostnet.gap\ndata: ${JSON.stringify({ afterId: s.cursor, oldestId: oldest })}\n\n`)
    }
    while (!s.closed) {
      if (s.cursor >= this.cursor) {
        // caught up with the hub: from now on it is fed with the others (its cursor never goes back: records
        // it was sent are not sent again)
        s.live = true
        return
      }
      const page = this.store.changes.list({ afterId: s.cursor, limit: PAGE, ...(filter.target === undefined ? {} : { target: filter.target }), ...(filter.kinds === undefined ? {} : { kinds: filter.kinds }) })
      const upTo = page.length < PAGE ? this.cursor : Math.min(this.cursor, page[page.length - 1]!.id)
      const text = page.filter((r) => r.id <= upTo).map(eventText).join('')
      s.cursor = Math.max(s.cursor, upTo)
      if (text !== '') {
        s.res.write(text)
        if (s.res.writableLength > MAX_BUFFERED_BYTES / 2) await new Promise((r) => s.res.once('drain', r).once('close', r))
      }
    }
  }

  close(): void {
    clearInterval(this.poll)
    clearInterval(this.heartbeat)
    this.watcher?.close()
    for (const s of [...this.subs]) {
      s.closed = true
      s.res.end()
    }
    this.subs.clear()
  }
}
