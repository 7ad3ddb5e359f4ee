/**
 * Reading `ip -json address show` output while ip still prints it: ip spends most of its time printing (a few
 * thousand links take ~45 ms after the dumps), so the links parsed meanwhile cost no wall time. ip prints one
 * JSON array whose elements are link objects that begin with `{"ifindex":`; that text cannot occur inside a JSON
 * string (its quotes would be escaped), so each element ends where the next one begins. Anything that does not
 * fit this shape makes `finish` parse the whole text at once instead, so the result is always JSON.parse's.
 * @module
 */
import type { Iface } from '../../model/host/iface.js'
import { parseLink } from './query-link.js'
import type { IdResolver } from './query-sections.js'

const MARK = '{"ifindex":'

export class LinkStream {
  private readonly chunks: string[] = []
  private rest = ''
  private opened = false
  private broken = false
  private readonly ifaces: Iface[] = []

  constructor(private readonly ids: IdResolver) {}

  push(text: string): void {
    this.chunks.push(text)
    if (this.broken) return
    this.rest += text
    try {
      this.scan()
    } catch {
      this.broken = true // finish() parses the whole text, and reports what is wrong with it
    }
  }

  /** The links as parseLink makes them (without port lists); `whole` parses the complete text when needed. */
  finish(whole: (text: string) => unknown): { ifaces: Iface[] } | { links: unknown } {
    if (!this.broken) {
      try {
        if (this.finishScan()) return { ifaces: this.ifaces }
      } catch {
        // fall through to the whole parse
      }
    }
    return { links: whole(this.chunks.join('')) }
  }

  private take(element: string): void {
    const i = parseLink(JSON.parse(element) as unknown, this.ids)
    if (i !== undefined) this.ifaces.push(i)
  }

  private scan(): void {
    if (!this.opened) {
      const start = this.rest.search(/\S/)
      if (start < 0) return
      if (this.rest[start] !== '[') throw new Error('not an array')
      this.rest = this.rest.slice(start + 1)
      this.opened = true
    }
    for (;;) {
      const next = this.rest.indexOf(MARK, 1)
      if (next < 0) return
      if (!this.rest.startsWith(MARK) || this.rest[next - 1] !== ',') throw new Error('unexpected element boundary')
      this.take(this.rest.slice(0, next - 1))
      this.rest = this.rest.slice(next)
    }
  }

  private finishScan(): boolean {
    if (!this.opened) return false
    const last = this.rest.trimEnd()
    if (last === ']' && this.ifaces.length === 0) return true
    if (!last.startsWith(MARK) || !last.endsWith(']')) return false
    this.take(last.slice(0, -1))
    return true
  }
}
