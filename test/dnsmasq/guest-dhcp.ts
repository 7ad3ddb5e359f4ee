/**
 * A minimal DHCPv4 client for tests (this machine has no dhclient or udhcpc). Run inside a guest namespace:
 * `node guest-dhcp.js MAC [HOSTNAME] [TIMEOUT_MS]`. It broadcasts DISCOVER, then REQUESTs the offered address
 * (both with the broadcast flag, so the server's answers reach an interface without an address) and prints the
 * ACK as JSON: {ip, serverId, leaseSec, router, dns, netmask, mtu, domain}. Exit 1 on NAK or timeout.
 * The namespace needs a route for the broadcast (`ip route add 255.255.255.255 dev IF`).
 * @module
 */
import { createSocket } from 'node:dgram'
import type { RemoteInfo } from 'node:dgram'
import { randomBytes } from 'node:crypto'

const MAGIC = [99, 130, 83, 99]
const DISCOVER = 1
const OFFER = 2
const REQUEST = 3
const ACK = 5
const NAK = 6

type Options = Map<number, Buffer>

function packet(type: number, xid: number, mac: number[], extra: Array<[number, number[]]>): Buffer {
  const b = Buffer.alloc(300)
  b[0] = 1 // BOOTREQUEST
  b[1] = 1 // Ethernet
  b[2] = 6
  b.writeUInt32BE(xid, 4)
  b.writeUInt16BE(0x8000, 10) // broadcast flag
  mac.forEach((x, i) => (b[28 + i] = x))
  let o = 236
  for (const x of MAGIC) b[o++] = x
  for (const [code, data] of [[53, [type]] as [number, number[]], ...extra, [55, [1, 3, 6, 15, 26, 51, 54]] as [number, number[]]]) {
    b[o++] = code
    b[o++] = data.length
    for (const x of data) b[o++] = x
  }
  b[o] = 255
  return b
}

function parseReply(msg: Buffer, xid: number): { type: number; yiaddr: string; opts: Options } | undefined {
  if (msg.length < 240 || msg[0] !== 2 || msg.readUInt32BE(4) !== xid) return undefined
  const opts: Options = new Map()
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

function main(): void {
  const [macText, hostname, timeoutText] = process.argv.slice(2)
  if (macText === undefined) throw new Error('usage: guest-dhcp MAC [HOSTNAME] [TIMEOUT_MS]')
  const mac = macText.split(':').map((x) => parseInt(x, 16))
  const xid = randomBytes(4).readUInt32BE(0)
  const name: Array<[number, number[]]> = hostname ? [[12, [...Buffer.from(hostname)]]] : []
  const sock = createSocket({ type: 'udp4', reuseAddr: true })
  let current = packet(DISCOVER, xid, mac, name)
  const send = (): void => sock.send(current, 67, '255.255.255.255')
  const timer = setInterval(send, 1000)
  setTimeout(() => {
    process.stderr.write('guest-dhcp: no answer\n')
    process.exit(1)
  }, Number(timeoutText ?? 15_000))
  sock.on('message', (msg: Buffer, _from: RemoteInfo) => {
    const r = parseReply(msg, xid)
    if (r === undefined) return
    if (r.type === OFFER && current[242] === DISCOVER) {
      const server = r.opts.get(54)
      current = packet(REQUEST, xid, mac, [[50, r.yiaddr.split('.').map(Number)], ...(server ? [[54, [...server]] as [number, number[]]] : []), ...name])
      send()
    } else if (r.type === ACK) {
      clearInterval(timer)
      const o = r.opts
      const out = {
        ip: r.yiaddr,
        serverId: ip4(o.get(54)),
        leaseSec: o.get(51)?.readUInt32BE(0),
        router: ip4(o.get(3)),
        dns: ip4(o.get(6)),
        netmask: ip4(o.get(1)),
        mtu: o.get(26)?.readUInt16BE(0),
        domain: o.get(15)?.toString('utf8'),
      }
      process.stdout.write(JSON.stringify(out) + '\n')
      process.exit(0)
    } else if (r.type === NAK) {
      process.stderr.write('guest-dhcp: NAK\n')
      process.exit(1)
    }
  })
  sock.bind(68, '0.0.0.0', () => {
    sock.setBroadcast(true)
    send()
  })
}

main()
