/**
 * XDR (RFC 4506), the encoding of libvirt's RPC: big-endian 32-bit words, strings and opaque data padded to a
 * multiple of four, optional values as a 0/1 word before the value. Decoding is bounded: every length is checked
 * against what is left of the buffer and against a limit before anything is allocated.
 * @module
 */
import { HostnetError } from '../../errors.js'

/** libvirt's REMOTE_STRING_MAX (4 MiB in current libvirt). */
export const XDR_STRING_MAX = 4 * 1024 * 1024
/** Longest array decoded (domains in a list). */
export const XDR_ARRAY_MAX = 65_536

export class XdrWriter {
  private buf = Buffer.alloc(256)
  private len = 0

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.len + n))
    this.buf.copy(next, 0, 0, this.len)
    this.buf = next
  }

  int(v: number): this {
    this.ensure(4)
    this.buf.writeInt32BE(v, this.len)
    this.len += 4
    return this
  }

  uint(v: number): this {
    this.ensure(4)
    this.buf.writeUInt32BE(v >>> 0, this.len)
    this.len += 4
    return this
  }

  bool(v: boolean): this {
    return this.int(v ? 1 : 0)
  }

  /** Variable-length opaque data: length word, bytes, padding. */
  opaque(b: Uint8Array): this {
    this.uint(b.length)
    return this.fixedOpaque(b)
  }

  /** Fixed-length opaque data (a UUID): bytes and padding, no length word. */
  fixedOpaque(b: Uint8Array): this {
    const pad = (4 - (b.length % 4)) % 4
    this.ensure(b.length + pad)
    this.buf.set(b, this.len)
    this.len += b.length
    this.buf.fill(0, this.len, this.len + pad)
    this.len += pad
    return this
  }

  string(s: string): this {
    const b = Buffer.from(s, 'utf8')
    if (b.length > XDR_STRING_MAX) throw new HostnetError('invalid-argument', `string of ${b.length} bytes is longer than libvirt accepts (${XDR_STRING_MAX})`)
    return this.opaque(b)
  }

  /** A possibly-absent string (libvirt's remote_string). */
  optString(s: string | undefined): this {
    if (s === undefined) return this.int(0)
    return this.int(1).string(s)
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.len)
  }
}

export class XdrReader {
  private pos = 0

  constructor(private readonly buf: Buffer) {}

  private need(n: number, what: string): void {
    if (this.pos + n > this.buf.length) throw new HostnetError('backend-failure', `libvirt answer truncated while reading ${what}`)
  }

  int(what = 'an int'): number {
    this.need(4, what)
    const v = this.buf.readInt32BE(this.pos)
    this.pos += 4
    return v
  }

  uint(what = 'an unsigned int'): number {
    this.need(4, what)
    const v = this.buf.readUInt32BE(this.pos)
    this.pos += 4
    return v
  }

  bool(what = 'a bool'): boolean {
    return this.int(what) !== 0
  }

  fixedOpaque(n: number, what = 'opaque data'): Buffer {
    const pad = (4 - (n % 4)) % 4
    this.need(n + pad, what)
    const b = this.buf.subarray(this.pos, this.pos + n)
    this.pos += n + pad
    return b
  }

  opaque(max: number, what = 'opaque data'): Buffer {
    const n = this.uint(what)
    if (n > max) throw new HostnetError('backend-failure', `libvirt answer: ${what} of ${n} bytes is over the limit of ${max}`)
    return this.fixedOpaque(n, what)
  }

  string(what = 'a string'): string {
    return this.opaque(XDR_STRING_MAX, what).toString('utf8')
  }

  optString(what = 'a string'): string | undefined {
    return this.bool(what) ? this.string(what) : undefined
  }

  /** A counted array: the count (bounded), then `item` that many times. */
  array<T>(item: (r: XdrReader) => T, what = 'a list', max = XDR_ARRAY_MAX): T[] {
    const n = this.uint(what)
    if (n > max) throw new HostnetError('backend-failure', `libvirt answer: ${what} of ${n} entries is over the limit of ${max}`)
    if (n * 4 > this.remaining()) throw new HostnetError('backend-failure', `libvirt answer truncated while reading ${what}`)
    const out: T[] = []
    for (let i = 0; i < n; i++) out.push(item(this))
    return out
  }

  remaining(): number {
    return this.buf.length - this.pos
  }
}
