/**
 * A minimal DHCPv4 client for guest namespaces (hosts without dhclient or udhcpc): it broadcasts DISCOVER, then
 * REQUESTs the offered address (both with the broadcast flag, so the server's answers reach an interface without
 * an address) and resolves with the ACK. The namespace needs a route for the broadcast
 * (`ip route add 255.255.255.255 dev IF`). Run it in a namespace through the entry script (./index.ts).
 * @module
 */
import { createSocket } from 'node:dgram'
import { randomBytes } from 'node:crypto'
import { HostnetError } from '../../errors.js'
import { udpExchange } from './udp-exchange.js'

const MAGIC = [99, 130, 83, 99]
export const DHCP_DISCOVER = 1
export const DHCP_OFFER = 2
export const DHCP_REQUEST = 3
export const DHCP_ACK = 5
export const DHCP_NAK = 6
const RETRY_MS = 1000
export const DEFAULT_DHCP_TIMEOUT_MS = 15_000

type DhcpOption = [code: number, data: number[]]

export interface DhcpReply {
  type: number
  yiaddr: string
  opts: Map<number, Buffer>
}

/** What the ACK gave, as the entry script prints it. */
export interface DhcpAck {
  ip: string
  serverId?: string
  leaseSec?: number
  router?: string
  dns?: string
  netmask?: string
  mtu?: number
  domain?: string
}

export interface DhcpClientOptions {
  mac: string
  hostname?: string
  timeoutMs?: number
}

/** A BOOTREQUEST of message `type` with the broadcast flag, `extra` options and a parameter request list. */
export function dhcpPacket(type: number, xid: number, mac: readonly number[], extra: readonly DhcpOption[]): Buffer {
  const b = Buffer.alloc(300)
  b[0] = 1 // BOOTREQUEST
  b[1] = 1 // Ethernet
  b[2] = 6
  b.writeUInt32BE(xid, 4)
  b.writeUInt16BE(0x8000, 10) // broadcast flag
  mac.forEach((x, i) => (b[28 + i] = x))
  let o = 236
  for (const x of MAGIC) b[o++] = x
  const opts: DhcpOption[] = [[53, [type]], ...extra, [55, [1, 3, 6, 15, 26, 51, 54]]]
  for (const [code, data] of opts) {
    b[o++] = code
    b[o++] = data.length
    for (const x of data) b[o++] = x
  }
  b[o] = 255
  return b
}

/** A BOOTREPLY for transaction `xid`, or undefined for anything else. */
export function parseDhcpReply(msg: Buffer, xid: number): DhcpReply | undefined {
  if (msg.length < 240 || msg[0] !== 2 || msg.readUInt32BE(4) !== xid) return undefined
  const opts = new Map<number, Buffer>()
  let o = 240
  while (o < msg.length && msg[o] !== 255) {
    const code = msg[o]!
    if (code === 0) {
      o++
      continue
    }
    const len = msg[o + 1]!
    opts.set(code, msg.subarray(o + 2, o + 2 + len))
    o += 2 + len
  }
  const type = opts.get(53)?.[0] ?? 0
  return { type, yiaddr: [...msg.subarray(16, 20)].join('.'), opts }
}

const ip4 = (b: Buffer | undefined): string | undefined => (b === undefined || b.length < 4 ? undefined : [...b.subarray(0, 4)].join('.'))

/** The ACK's fields (undefined ones left out). */
export function dhcpAckOf(r: DhcpReply): DhcpAck {
  const o = r.opts
  const fields = {
    serverId: ip4(o.get(54)),
    leaseSec: o.get(51)?.readUInt32BE(0),
    router: ip4(o.get(3)),
    dns: ip4(o.get(6)),
    netmask: ip4(o.get(1)),
    mtu: o.get(26)?.readUInt16BE(0),
    domain: o.get(15)?.toString('utf8'),
  }
  const ack: DhcpAck = { ip: r.yiaddr }
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) Object.assign(ack, { [k]: v })
  return ack
}

/**
 * DISCOVER/REQUEST on UDP port 68 of this namespace until an ACK: 'backend-failure' on NAK, 'timeout' when no
 * ACK came within `timeoutMs`.
 */
export function requestDhcpLease(o: DhcpClientOptions): Promise<DhcpAck> {
  const mac = o.mac.split(':').map((x) => parseInt(x, 16))
  const xid = randomBytes(4).readUInt32BE(0)
  const name: DhcpOption[] = o.hostname ? [[12, [...Buffer.from(o.hostname)]]] : []
  const sock = createSocket({ type: 'udp4', reuseAddr: true })
  let current = dhcpPacket(DHCP_DISCOVER, xid, mac, name)
  const send = (): void => sock.send(current, 67, '255.255.255.255')
  return udpExchange<DhcpAck>({
    socket: sock,
    send,
    retryMs: RETRY_MS,
    timeoutMs: o.timeoutMs ?? DEFAULT_DHCP_TIMEOUT_MS,
    onMessage: (msg, settle) => {
      const r = parseDhcpReply(msg, xid)
      if (r === undefined) return
      if (r.type === DHCP_OFFER && current[242] === DHCP_DISCOVER) {
        const server = r.opts.get(54)
        const requested: DhcpOption = [50, r.yiaddr.split('.').map(Number)]
        current = dhcpPacket(DHCP_REQUEST, xid, mac, [requested, ...(server ? [[54, [...server]] as DhcpOption] : []), ...name])
        send()
      } else if (r.type === DHCP_ACK) {
        settle.resolve(dhcpAckOf(r))
      } else if (r.type === DHCP_NAK) {
        settle.reject(new HostnetError('backend-failure', 'NAK'))
      }
    },
    start: () =>
      sock.bind(68, '0.0.0.0', () => {
        sock.setBroadcast(true)
        send()
      }),
  })
}
