/**
 * A minimal DHCPv6 client (RFC 8415) for guest namespaces: SOLICIT to All_DHCP_Relay_Agents_and_Servers
 * (ff02::1:2) on the given interface, REQUEST of the first ADVERTISE that offers an address, and the REPLY's
 * address (IA_NA) as the result. The client identifier is a DUID-LL made from the interface's MAC. It does not
 * configure the address (the caller does, as with the DHCPv4 client). The interface's link-local address must
 * be usable (DAD finished or disabled): until it is, sends fail and are retried.
 * @module
 */
import { createSocket } from 'node:dgram'
import { randomBytes } from 'node:crypto'
import { HostnetError } from '../../errors.js'
import { udpExchange } from './udp-exchange.js'

export const DHCP6_SOLICIT = 1
export const DHCP6_ADVERTISE = 2
export const DHCP6_REQUEST = 3
export const DHCP6_REPLY = 7

export const OPT_CLIENTID = 1
export const OPT_SERVERID = 2
export const OPT_IA_NA = 3
export const OPT_IAADDR = 5
export const OPT_ORO = 6
export const OPT_ELAPSED_TIME = 8
export const OPT_STATUS_CODE = 13
export const OPT_DNS_SERVERS = 23
export const OPT_DOMAIN_LIST = 24

const SERVERS_GROUP = 'ff02::1:2'
const SERVER_PORT = 547
const CLIENT_PORT = 546
const RETRY_MS = 1000
export const DEFAULT_DHCP6_TIMEOUT_MS = 15_000

/** What the REPLY gave, as the entry script prints it. */
export interface Dhcp6Lease {
  ip: string
  preferredSec: number
  validSec: number
  serverId: string
  dns?: string[]
}

export interface Dhcp6ClientOptions {
  mac: string
  ifname: string
  timeoutMs?: number
}

export interface Dhcp6Message {
  type: number
  xid: number
  /** Top-level options in order (a code may repeat). */
  options: Array<[code: number, data: Buffer]>
}

function option(code: number, data: Buffer): Buffer {
  const head = Buffer.alloc(4)
  head.writeUInt16BE(code, 0)
  head.writeUInt16BE(data.length, 2)
  return Buffer.concat([head, data])
}

/** DUID-LL (type 3) over Ethernet (hardware type 1). */
export function duidLl(mac: string): Buffer {
  const b = Buffer.alloc(10)
  b.writeUInt16BE(3, 0)
  b.writeUInt16BE(1, 2)
  mac.split(':').forEach((x, i) => (b[4 + i] = parseInt(x, 16)))
  return b
}

/** An IA_NA with identifier `iaid`, T1 = T2 = 0 (the server chooses), and the given sub-options. */
export function iaNa(iaid: number, sub: readonly Buffer[] = []): Buffer {
  const b = Buffer.alloc(12)
  b.writeUInt32BE(iaid, 0)
  return option(OPT_IA_NA, Buffer.concat([b, ...sub]))
}

export function dhcp6Packet(type: number, xid: number, options: readonly Buffer[]): Buffer {
  const head = Buffer.alloc(4)
  head.writeUInt32BE(xid & 0xffffff, 0)
  head[0] = type
  return Buffer.concat([head, ...options])
}

/** Options of a buffer (top level of a message, or inside an IA_NA / IAADDR); undefined when malformed. */
export function parseOptions(b: Buffer): Array<[number, Buffer]> | undefined {
  const out: Array<[number, Buffer]> = []
  let o = 0
  while (o < b.length) {
    if (o + 4 > b.length) return undefined
    const code = b.readUInt16BE(o)
    const len = b.readUInt16BE(o + 2)
    if (o + 4 + len > b.length) return undefined
    out.push([code, b.subarray(o + 4, o + 4 + len)])
    o += 4 + len
  }
  return out
}

export function parseDhcp6(msg: Buffer): Dhcp6Message | undefined {
  if (msg.length < 4) return undefined
  const options = parseOptions(msg.subarray(4))
  if (options === undefined) return undefined
  return { type: msg[0]!, xid: msg.readUInt32BE(0) & 0xffffff, options }
}

export function ip6String(b: Buffer): string {
  const groups: string[] = []
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16))
  // the longest run of two or more zero groups becomes '::'
  let best = -1
  let bestLen = 0
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++
      continue
    }
    let j = i
    while (j < 8 && groups[j] === '0') j++
    if (j - i > bestLen && j - i >= 2) {
      best = i
      bestLen = j - i
    }
    i = j
  }
  if (best < 0) return groups.join(':')
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`
}

const first = (m: Dhcp6Message, code: number): Buffer | undefined => m.options.find(([c]) => c === code)?.[1]

/** The status code inside `b`'s options (0, success, when absent) and its message. */
function statusOf(opts: ReadonlyArray<[number, Buffer]>): { code: number; message: string } {
  const s = opts.find(([c]) => c === OPT_STATUS_CODE)?.[1]
  if (s === undefined || s.length < 2) return { code: 0, message: '' }
  return { code: s.readUInt16BE(0), message: s.subarray(2).toString('utf8') }
}

/** The first address of the message's IA_NA, or a reason why there is none. */
export function offeredAddress(m: Dhcp6Message): { ip: string; preferredSec: number; validSec: number } | { refused: string } {
  const top = statusOf(m.options)
  if (top.code !== 0) return { refused: `status ${top.code}${top.message ? ` (${top.message})` : ''}` }
  const ia = first(m, OPT_IA_NA)
  if (ia === undefined || ia.length < 12) return { refused: 'no IA_NA in the answer' }
  const sub = parseOptions(ia.subarray(12))
  if (sub === undefined) return { refused: 'malformed IA_NA' }
  const st = statusOf(sub)
  if (st.code !== 0) return { refused: `IA_NA status ${st.code}${st.message ? ` (${st.message})` : ''}` }
  const addr = sub.find(([c]) => c === OPT_IAADDR)?.[1]
  if (addr === undefined || addr.length < 24) return { refused: 'no address in the IA_NA' }
  return { ip: ip6String(addr.subarray(0, 16)), preferredSec: addr.readUInt32BE(16), validSec: addr.readUInt32BE(20) }
}

function dnsServers(m: Dhcp6Message): string[] | undefined {
  const d = first(m, OPT_DNS_SERVERS)
  if (d === undefined || d.length < 16) return undefined
  const out: string[] = []
  for (let i = 0; i + 16 <= d.length; i += 16) out.push(ip6String(d.subarray(i, i + 16)))
  return out
}

/**
 * SOLICIT until an ADVERTISE with an address, REQUEST it until the REPLY: 'backend-failure' when the server
 * refuses (a status code), 'timeout' when nothing came within `timeoutMs`.
 */
export function requestDhcp6Lease(o: Dhcp6ClientOptions): Promise<Dhcp6Lease> {
  const xid = randomBytes(3).readUIntBE(0, 3)
  const iaid = randomBytes(4).readUInt32BE(0)
  const clientId = option(OPT_CLIENTID, duidLl(o.mac))
  const oro = option(OPT_ORO, Buffer.from([0, OPT_DNS_SERVERS, 0, OPT_DOMAIN_LIST]))
  const started = Date.now()
  const elapsed = (): Buffer => {
    const b = Buffer.alloc(2)
    b.writeUInt16BE(Math.min(0xffff, Math.floor((Date.now() - started) / 10)), 0)
    return option(OPT_ELAPSED_TIME, b)
  }
  let state: 'soliciting' | 'requesting' = 'soliciting'
  let serverId: Buffer | undefined
  const packet = (): Buffer =>
    state === 'soliciting'
      ? dhcp6Packet(DHCP6_SOLICIT, xid, [clientId, elapsed(), oro, iaNa(iaid)])
      : dhcp6Packet(DHCP6_REQUEST, xid, [clientId, option(OPT_SERVERID, serverId!), elapsed(), oro, iaNa(iaid)])
  const sock = createSocket({ type: 'udp6', reuseAddr: true })
  let lastSendError = ''
  const send = (): void => {
    sock.send(packet(), SERVER_PORT, `${SERVERS_GROUP}%${o.ifname}`, (e) => {
      // the link-local address may still be tentative: keep trying until the deadline
      lastSendError = e === null || e === undefined ? '' : e.message
    })
  }
  return udpExchange<Dhcp6Lease>({
    socket: sock,
    send,
    retryMs: RETRY_MS,
    timeoutMs: o.timeoutMs ?? DEFAULT_DHCP6_TIMEOUT_MS,
    noAnswer: () => (lastSendError === '' ? 'no answer' : `no answer (last send failed: ${lastSendError})`),
    onMessage: (raw, settle) => {
      const m = parseDhcp6(raw)
      if (m === undefined || m.xid !== xid) return
      const offer = offeredAddress(m)
      if (m.type === DHCP6_ADVERTISE && state === 'soliciting') {
        const sid = first(m, OPT_SERVERID)
        if ('refused' in offer || sid === undefined) return // wait for another server
        serverId = sid
        state = 'requesting'
        send()
      } else if (m.type === DHCP6_REPLY && state === 'requesting') {
        if ('refused' in offer) {
          settle.reject(new HostnetError('backend-failure', `the server refused: ${offer.refused}`))
          return
        }
        const dns = dnsServers(m)
        settle.resolve({ ...offer, serverId: serverId!.toString('hex'), ...(dns === undefined ? {} : { dns }) })
      }
    },
    start: () => sock.bind(CLIENT_PORT, '::', () => send()),
  })
}
