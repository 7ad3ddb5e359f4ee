/**
 * OVSDB's JSON-RPC stream has no framing: messages are JSON values written back to back. This splitter
 * finds where each top-level object or array ends by tracking nesting depth and string state across chunks.
 *
 * It scans bytes, not characters: the structural characters `{ } [ ] " \` are ASCII and never occur inside a
 * UTF-8 multi-byte sequence, so a chunk boundary in the middle of a character is harmless; each complete value
 * is decoded once. Every byte is looked at once (chunks of an unfinished value are kept, not re-scanned).
 * @module
 */
import { OvsdbProtocolError } from './errors.js'

const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const QUOTE = 0x22
const BACKSLASH = 0x5c

function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09
}

export interface JsonSplitterOptions {
  /** Largest accepted value in bytes (default 1 GiB); a longer one is a protocol error. */
  maxValueBytes?: number
}

export class JsonStreamSplitter {
  private readonly maxValueBytes: number
  /** Pieces of the value being read (undefined between values). */
  private pieces: Buffer[] = []
  private pendingBytes = 0
  private depth = 0
  private inString = false
  private escaped = false

  constructor(opts: JsonSplitterOptions = {}) {
    this.maxValueBytes = opts.maxValueBytes ?? 1024 * 1024 * 1024
  }

  /** Whether part of a value has been received but not its end. */
  get hasPartial(): boolean {
    return this.depth > 0
  }

  /** Feed one chunk; returns the text of every value it completes, in order. */
  push(chunk: Buffer | string): string[] {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk
    const out: string[] = []
    let start = this.depth > 0 ? 0 : -1
    for (let i = 0; i < buf.length; i++) {
      const c = buf[i]!
      if (this.depth === 0) {
        if (isJsonSpace(c)) continue
        if (c !== OPEN_BRACE && c !== OPEN_BRACKET) {
          throw new OvsdbProtocolError(`unexpected byte 0x${c.toString(16)} between JSON-RPC messages`, { offset: i })
        }
        start = i
        this.depth = 1
        continue
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false
        else if (c === BACKSLASH) this.escaped = true
        else if (c === QUOTE) this.inString = false
        continue
      }
      if (c === QUOTE) this.inString = true
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        this.depth--
        if (this.depth === 0) {
          out.push(this.finish(buf.subarray(start, i + 1)))
          start = -1
        }
      }
    }
    if (this.depth > 0 && start >= 0) this.keep(buf.subarray(start))
    return out
  }

  /** Drop a partial value (after the connection closed). */
  reset(): void {
    this.pieces = []
    this.pendingBytes = 0
    this.depth = 0
    this.inString = false
    this.escaped = false
  }

  private keep(piece: Buffer): void {
    this.pendingBytes += piece.length
    if (this.pendingBytes > this.maxValueBytes) {
      this.reset()
      throw new OvsdbProtocolError(`JSON value longer than ${this.maxValueBytes} bytes`)
    }
    // The caller may reuse its buffer: copy what we keep.
    this.pieces.push(Buffer.from(piece))
  }

  private finish(last: Buffer): string {
    if (this.pieces.length === 0) return last.toString('utf8')
    const all = Buffer.concat([...this.pieces, last])
    this.pieces = []
    this.pendingBytes = 0
    return all.toString('utf8')
  }
}
