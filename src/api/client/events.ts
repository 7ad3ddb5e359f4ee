/**
 * A client of hostnet's event stream (GET /api/v1/events) over a Unix socket: events parsed as they arrive, each
 * with its arrival time (performance.now() on this process's clock). Used by tests and benchmarks.
 * @module
 */
import * as http from 'node:http'
import { performance } from 'node:perf_hooks'

export interface SseEvent {
  id: number
  event: string
  /** The change record as JSON. */
  data: Record<string, unknown> & { object?: string; actor?: string; target?: string; timeMs?: number }
  /** performance.now() when it arrived. */
  receivedMs: number
}

export class SseClient {
  readonly events: SseEvent[] = []
  status = 0
  /** Set when the stream ended (server closed it, or close()). */
  ended = false
  private buf = ''
  private req: http.ClientRequest | undefined
  private waiters: Array<() => void> = []

  static open(socketPath: string, path: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const c = new SseClient()
    return new Promise((resolve, reject) => {
      c.req = http.request({ socketPath, path: path.startsWith('/api/') ? path : `/api/v1${path}`, headers: { accept: 'text/event-stream', ...headers } }, (res) => {
        c.status = res.statusCode ?? 0
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => c.feed(chunk))
        res.on('error', () => undefined)
        res.on('close', () => {
          c.ended = true
          for (const w of c.waiters.splice(0)) w()
        })
        resolve(c)
      })
      c.req.on('error', reject)
      c.req.end()
    })
  }

  private feed(chunk: string): void {
    this.buf += chunk
    for (let end = this.buf.indexOf('\n\n'); end >= 0; end = this.buf.indexOf('\n\n')) {
      const block = this.buf.slice(0, end)
      this.buf = this.buf.slice(end + 2)
      let id: number | undefined
      let event = 'message'
      let data = ''
      for (const line of block.split('\n')) {
        if (line.startsWith('id: ')) id = Number(line.slice(4))
        else if (line.startsWith('event: ')) event = line.slice(7)
        else if (line.startsWith('data: ')) data += line.slice(6)
      }
      if (id !== undefined) this.events.push({ id, event, data: JSON.parse(data) as SseEvent['data'], receivedMs: performance.now() })
    }
    for (const w of this.waiters.splice(0)) w()
  }

  /** Wait until `pred` holds over the events received (or time out). */
  async until(pred: (events: readonly SseEvent[]) => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!pred(this.events)) {
      const left = deadline - Date.now()
      if (left <= 0 || this.ended) throw new Error(`timed out; events: ${this.events.map((e) => `${e.id}:${e.event}`).join(' ')}`)
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.min(left, 200))
        this.waiters.push(() => {
          clearTimeout(t)
          r()
        })
      })
    }
  }

  close(): void {
    this.req?.destroy()
  }
}
