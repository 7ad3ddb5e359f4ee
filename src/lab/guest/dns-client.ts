/**
 * A tiny DNS client for guest namespaces (hosts without dig): one recursive query over UDP, resent every 500 ms
 * until an answer, resolving with {rcode, answers} (addresses as text, TXT as strings). Run it in a namespace
 * through the entry script (./index.ts).
 * @module
 */
import { createSocket } from 'node:dgram'
import { randomBytes } from 'node:crypto'
import { udpExchange } from './udp-exchange.js'

export const DNS_TYPES: Readonly<Record<string, number>> = { A: 1, TXT: 16, AAAA: 28 }
const RETRY_MS = 500
export const DEFAULT_DNS_TIMEOUT_MS = 5000

export interface DnsAnswer {
  rcode: number
  answers: string[]
}

export interface DnsClientOptions {
  server: string
  name: string
  /** A, AAAA or TXT (default A; an unknown type asks for A). */
  type?: string
  timeoutMs?: number
}

export function dnsQuery(id: number, name: string, type: number): Buffer {
  const labels = name.split('.').filter((l) => l !== '')
  const q = Buffer.concat([
    ...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'ascii')])),
    Buffer.from([0, type >> 8, type & 255, 0, 1]),
  ])
  const h = Buffer.alloc(12)
  h.writeUInt16BE(id, 0)
  h.writeUInt16BE(0x0100, 2) // recursion desired
  h.writeUInt16BE(1, 4)
  return Buffer.concat([h, q])
}

/** Offset just past the (possibly compressed) name at `o`. */
function skipName(msg: Buffer, o: number): number {
  for (;;) {
    const len = msg[o]!
    if (len === 0) return o + 1
    if ((len & 0xc0) === 0xc0) return o + 2
    o += len + 1
  }
}

function rdataText(type: number, rd: Buffer): string {
  if (type === 1) return [...rd].join('.')
  if (type === 28) return Array.from({ length: 8 }, (_, i) => rd.readUInt16BE(2 * i).toString(16)).join(':')
  return rd.subarray(1, 1 + rd[0]!).toString('utf8')
}

/** The answer to query `id`: rcode and the answers of `type`; undefined for another message. */
export function parseDnsAnswer(msg: Buffer, id: number, type: number): DnsAnswer | undefined {
  if (msg.length < 12 || msg.readUInt16BE(0) !== id) return undefined
  const rcode = msg.readUInt16BE(2) & 0xf
  const qd = msg.readUInt16BE(4)
  const an = msg.readUInt16BE(6)
  let o = 12
  for (let i = 0; i < qd; i++) o = skipName(msg, o) + 4
  const answers: string[] = []
  for (let i = 0; i < an; i++) {
    o = skipName(msg, o)
    const t = msg.readUInt16BE(o)
    const len = msg.readUInt16BE(o + 8)
    if (t === type) answers.push(rdataText(t, msg.subarray(o + 10, o + 10 + len)))
    o += 10 + len
  }
  return { rcode, answers }
}

/** Ask `server` (port 53) once, resending until an answer: 'timeout' when none came within `timeoutMs`. */
export function resolveDns(o: DnsClientOptions): Promise<DnsAnswer> {
  const type = DNS_TYPES[o.type ?? 'A'] ?? 1
  const id = randomBytes(2).readUInt16BE(0)
  const sock = createSocket(o.server.includes(':') ? 'udp6' : 'udp4')
  const msg = dnsQuery(id, o.name, type)
  return udpExchange<DnsAnswer>({
    socket: sock,
    send: () => sock.send(msg, 53, o.server),
    retryMs: RETRY_MS,
    timeoutMs: o.timeoutMs ?? DEFAULT_DNS_TIMEOUT_MS,
    onMessage: (m, settle) => {
      const r = parseDnsAnswer(m, id, type)
      if (r !== undefined) settle.resolve(r)
    },
  })
}
