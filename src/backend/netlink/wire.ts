/**
 * rtnetlink on the wire (pure): the message header, `struct ifinfomsg`, attributes (type-length-value, 4-byte
 * aligned, nested ones flagged as such by their content only), in host byte order (little endian here, as
 * the kernel and lldpad read them). Decoding is linear in its input and refuses anything longer than
 * {@link NL_MSG_MAX} or an attribute that overruns its parent.
 * @module
 */
import { HostnetError } from '../../errors.js'

export const NLMSG_HDRLEN = 16
export const IFINFOMSG_LEN = 16
/** The helper's and lldpad's buffer limits are below this. */
export const NL_MSG_MAX = 65536

export const NLMSG_ERROR = 2
export const NLMSG_DONE = 3
export const RTM_NEWLINK = 16
export const RTM_GETLINK = 18
export const RTM_SETLINK = 19

export const NLM_F_REQUEST = 0x1
export const NLM_F_MULTI = 0x2
export const NLM_F_ACK = 0x4

/** A decoded attribute: its type (nested flag and byte-order flag removed) and its payload. */
export interface NlAttr {
  readonly type: number
  readonly data: Uint8Array
}

/** An attribute to encode: raw bytes, or nested attributes. */
export type AttrSpec = { readonly type: number; readonly data: Uint8Array } | { readonly type: number; readonly nested: readonly AttrSpec[] }

export interface NlMessage {
  readonly type: number
  readonly flags: number
  readonly seq: number
  readonly pid: number
  /** Everything after the 16-byte header. */
  readonly payload: Uint8Array
}

const align4 = (n: number): number => (n + 3) & ~3

function malformed(what: string): HostnetError {
  return new HostnetError('backend-failure', `malformed netlink message: ${what}`)
}

export function u8(v: number): Uint8Array {
  return Uint8Array.of(v & 0xff)
}

export function u16(v: number): Uint8Array {
  const b = new Uint8Array(2)
  new DataView(b.buffer).setUint16(0, v, true)
  return b
}

export function u32(v: number): Uint8Array {
  const b = new Uint8Array(4)
  new DataView(b.buffer).setUint32(0, v >>> 0, true)
  return b
}

/** A NUL-terminated string, as the kernel's NLA_STRING / NLA_NUL_STRING attributes take them. */
export function cstring(s: string): Uint8Array {
  const enc = new TextEncoder().encode(s)
  const b = new Uint8Array(enc.length + 1)
  b.set(enc)
  return b
}

function attrLength(a: AttrSpec): number {
  return 4 + ('nested' in a ? a.nested.reduce((n, c) => n + align4(attrLength(c)), 0) : a.data.length)
}

function writeAttr(out: Uint8Array, view: DataView, at: number, a: AttrSpec): number {
  const len = attrLength(a)
  view.setUint16(at, len, true)
  view.setUint16(at + 2, a.type, true)
  if ('nested' in a) {
    let p = at + 4
    for (const c of a.nested) p = writeAttr(out, view, p, c)
  } else {
    out.set(a.data, at + 4)
  }
  return at + align4(len)
}

/** `struct ifinfomsg` (family AF_UNSPEC) for one interface index. */
export function ifinfomsg(ifindex: number): Uint8Array {
  const b = new Uint8Array(IFINFOMSG_LEN)
  new DataView(b.buffer).setInt32(4, ifindex, true)
  return b
}

/** One message: header, fixed part, attributes. */
export function encodeMessage(m: { type: number; flags: number; seq: number; pid?: number; fixed: Uint8Array; attrs: readonly AttrSpec[] }): Uint8Array {
  const len = NLMSG_HDRLEN + align4(m.fixed.length) + m.attrs.reduce((n, a) => n + align4(attrLength(a)), 0)
  if (len > NL_MSG_MAX) throw new HostnetError('bug', `netlink message of ${len} bytes is too long`)
  const out = new Uint8Array(len)
  const view = new DataView(out.buffer)
  view.setUint32(0, len, true)
  view.setUint16(4, m.type, true)
  view.setUint16(6, m.flags, true)
  view.setUint32(8, m.seq >>> 0, true)
  view.setUint32(12, (m.pid ?? 0) >>> 0, true)
  out.set(m.fixed, NLMSG_HDRLEN)
  let p = NLMSG_HDRLEN + align4(m.fixed.length)
  for (const a of m.attrs) p = writeAttr(out, view, p, a)
  return out
}

/** Decode one message (the bytes of exactly one, as the helper prints them). */
export function decodeMessage(b: Uint8Array): NlMessage {
  if (b.length > NL_MSG_MAX) throw malformed(`${b.length} bytes (at most ${NL_MSG_MAX})`)
  if (b.length < NLMSG_HDRLEN) throw malformed(`${b.length} bytes, shorter than its header`)
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength)
  const len = view.getUint32(0, true)
  if (len < NLMSG_HDRLEN || len > b.length) throw malformed(`length ${len} of a ${b.length}-byte message`)
  return {
    type: view.getUint16(4, true),
    flags: view.getUint16(6, true),
    seq: view.getUint32(8, true),
    pid: view.getUint32(12, true),
    payload: b.subarray(NLMSG_HDRLEN, len),
  }
}

/** The attributes in `b` (a message's attribute area or a nested attribute's payload). */
export function parseAttrs(b: Uint8Array): NlAttr[] {
  const out: NlAttr[] = []
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength)
  let p = 0
  while (p + 4 <= b.length) {
    const len = view.getUint16(p, true)
    const type = view.getUint16(p + 2, true) & 0x3fff
    if (len < 4 || p + len > b.length) throw malformed(`attribute ${type} of length ${len} overruns its parent`)
    out.push({ type, data: b.subarray(p + 4, p + len) })
    p += align4(len)
  }
  return out
}

export function findAttr(attrs: readonly NlAttr[], type: number): NlAttr | undefined {
  return attrs.find((a) => a.type === type)
}

export function readU16(a: NlAttr): number {
  if (a.data.length < 2) throw malformed(`attribute ${a.type} shorter than 2 bytes`)
  return new DataView(a.data.buffer, a.data.byteOffset, 2).getUint16(0, true)
}

export function readU32(a: NlAttr): number {
  if (a.data.length < 4) throw malformed(`attribute ${a.type} shorter than 4 bytes`)
  return new DataView(a.data.buffer, a.data.byteOffset, 4).getUint32(0, true)
}

/** The attributes after the `struct ifinfomsg` of an RTM_*LINK message, with its interface index. */
export function linkMessageAttrs(m: NlMessage): { ifindex: number; attrs: NlAttr[] } {
  if (m.payload.length < IFINFOMSG_LEN) throw malformed('link message without its ifinfomsg')
  const ifindex = new DataView(m.payload.buffer, m.payload.byteOffset, IFINFOMSG_LEN).getInt32(4, true)
  return { ifindex, attrs: parseAttrs(m.payload.subarray(IFINFOMSG_LEN)) }
}

/** An NLMSG_ERROR's error number (0: an acknowledgement; negative: -errno). */
export function errorCode(m: NlMessage): number {
  if (m.type !== NLMSG_ERROR) throw new HostnetError('bug', `message type ${m.type} is not NLMSG_ERROR`)
  if (m.payload.length < 4) throw malformed('NLMSG_ERROR without its error number')
  return new DataView(m.payload.buffer, m.payload.byteOffset, 4).getInt32(0, true)
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')
}

export function fromHex(s: string): Uint8Array {
  if (s.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(s)) throw malformed('not hex')
  if (s.length / 2 > NL_MSG_MAX) throw malformed(`${s.length / 2} bytes (at most ${NL_MSG_MAX})`)
  return new Uint8Array(Buffer.from(s, 'hex'))
}
