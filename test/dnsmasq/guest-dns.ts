/**
 * A tiny DNS client for tests (this machine has no dig): `node guest-dns.js SERVER NAME [A|AAAA|TXT] [TIMEOUT_MS]`
 * sends one recursive query over UDP and prints {rcode, answers} as JSON (addresses as text, TXT as strings).
 * @module
 */
import { createSocket } from 'node:dgram'
import { randomBytes } from 'node:crypto'

const TYPES: Record<string, number> = { A: 1, TXT: 16, AAAA: 28 }

function query(id: number, name: string, type: number): Buffer {
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

function parse(msg: Buffer, id: number, type: number): { rcode: number; answers: string[] } | undefined {
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

function main(): void {
  const [server, name, typeName, timeoutText] = process.argv.slice(2)
  if (server === undefined || name === undefined) throw new Error('usage: guest-dns SERVER NAME [A|AAAA|TXT] [TIMEOUT_MS]')
  const type = TYPES[typeName ?? 'A'] ?? 1
  const id = randomBytes(2).readUInt16BE(0)
  const sock = createSocket(server.includes(':') ? 'udp6' : 'udp4')
  const msg = query(id, name, type)
  const timer = setInterval(() => sock.send(msg, 53, server), 500)
  setTimeout(() => {
    process.stderr.write('guest-dns: no answer\n')
    process.exit(1)
  }, Number(timeoutText ?? 5000))
  sock.on('message', (m: Buffer) => {
    const r = parse(m, id, type)
    if (r === undefined) return
    clearInterval(timer)
    process.stdout.write(JSON.stringify(r) + '\n')
    process.exit(0)
  })
  sock.send(msg, 53, server)
}

main()
