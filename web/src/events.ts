/**
 * Live updates of one target: the API's event stream (GET /api/v1/events, Server-Sent Events over the change
 * record). Every change made anywhere (this console, the CLI, the confirm timer, supervision) arrives as an event
 * named by its kind; listeners hear about them in batches (one call per burst), so a page reloads once for a
 * burst of changes. EventSource reconnects by itself and resumes with Last-Event-ID. When the server refuses the
 * stream (too many subscribers, or a server without one), the feed reads the change record instead
 * (GET /changes?after=ID), twice a second, until the stream can be opened again.
 * @module
 */
import { CHANGE_KINDS } from '../../src/store/change-kinds.js'
import { API, getJson } from './api.js'
import type { ChangeRecord } from './types.js'

export type ChangeListener = (records: ChangeRecord[]) => void

/** Changes arriving within this long are delivered together. */
export const BATCH_MS = 60
export const POLL_MS = 500
/** How long polling goes on before the stream is tried again. */
export const RETRY_STREAM_MS = 30_000

export class ChangeFeed {
  private source: EventSource | undefined
  private readonly listeners = new Set<ChangeListener>()
  private pending: ChangeRecord[] = []
  private timer: ReturnType<typeof setTimeout> | undefined
  private poller: ReturnType<typeof setTimeout> | undefined
  private stopped = false
  /** The newest change id seen (where a resumed stream or the polling starts). */
  private lastId: number | undefined
  /** `stream`, `polling`, or `off`: shown in the header. */
  mode: 'stream' | 'polling' | 'off' = 'off'
  onStatus: ((mode: 'stream' | 'polling' | 'off') => void) | undefined

  constructor(readonly target: string) {}

  /** Open the stream; with `afterId`, the server first sends what came after that change. */
  start(afterId?: number): void {
    if (afterId !== undefined) this.lastId = afterId
    this.stopped = false
    this.openStream()
  }

  private openStream(): void {
    if (this.source !== undefined || this.stopped) return
    const resume = this.lastId === undefined ? '' : `&lastEventId=${this.lastId}`
    const s = new EventSource(`${API}/events?target=${encodeURIComponent(this.target)}${resume}`, { withCredentials: true })
    this.source = s
    const onEvent = (ev: MessageEvent<string>): void => {
      try {
        this.receive(JSON.parse(ev.data) as ChangeRecord)
      } catch {
        // a malformed event carries nothing to show
      }
    }
    for (const kind of CHANGE_KINDS) s.addEventListener(kind, onEvent as EventListener)
    s.onopen = () => this.status('stream')
    s.onerror = () => {
      // CLOSED: the server refused the stream (EventSource gives up); otherwise it reconnects by itself
      if (s.readyState !== EventSource.CLOSED) return
      s.close()
      this.source = undefined
      this.poll()
      setTimeout(() => {
        if (this.mode === 'polling') {
          this.stopPolling()
          this.openStream()
        }
      }, RETRY_STREAM_MS)
    }
  }

  private receive(r: ChangeRecord): void {
    if (this.lastId !== undefined && r.id <= this.lastId) return
    this.lastId = r.id
    this.pending.push(r)
    this.timer ??= setTimeout(() => this.flush(), BATCH_MS)
  }

  private poll(): void {
    if (this.stopped) return
    this.status('polling')
    const tick = async (): Promise<void> => {
      try {
        const after = this.lastId === undefined ? '&limit=1' : `&after=${this.lastId}`
        const records = await getJson<ChangeRecord[]>(`/changes?target=${encodeURIComponent(this.target)}${after}`)
        if (this.lastId === undefined) this.lastId = records.at(-1)?.id ?? 0
        else for (const r of records) this.receive(r)
      } catch {
        // the next tick tries again (a 401 already sent the app to the login)
      }
      if (this.mode === 'polling' && !this.stopped) this.poller = setTimeout(() => void tick(), POLL_MS)
    }
    void tick()
  }

  private stopPolling(): void {
    if (this.poller !== undefined) clearTimeout(this.poller)
    this.poller = undefined
  }

  private status(mode: 'stream' | 'polling' | 'off'): void {
    if (this.mode === mode) return
    this.mode = mode
    this.onStatus?.(mode)
  }

  private flush(): void {
    this.timer = undefined
    const batch = this.pending
    this.pending = []
    for (const l of this.listeners) l(batch)
  }

  subscribe(l: ChangeListener): () => void {
    this.listeners.add(l)
    return () => this.listeners.delete(l)
  }

  stop(): void {
    this.stopped = true
    this.source?.close()
    this.source = undefined
    this.stopPolling()
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    this.status('off')
  }
}
