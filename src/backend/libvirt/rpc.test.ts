import { test } from 'node:test'
import assert from 'node:assert/strict'
import * as net from 'node:net'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LibvirtClient, PROC } from './client.js'
import { decodeHeader, encodeMessage, KEEPALIVE_PROGRAM, LibvirtError, REMOTE_PROGRAM } from './rpc.js'
import { XdrReader, XdrWriter } from './xdr.js'
import { parseLibvirtUri, privateLibvirtUri } from './uri.js'

test('XDR: words, padded strings and opaque, optional strings; decoding bounded', () => {
  const w = new XdrWriter().int(-2).uint(7).string('abcde').optString(undefined).optString('x').fixedOpaque(Buffer.from([1, 2, 3]))
  assert.equal(w.bytes().toString('hex'), 'fffffffe' + '00000007' + '00000005' + '6162636465000000' + '00000000' + '00000001' + '00000001' + '78000000' + '01020300')
  const r = new XdrReader(Buffer.from(w.bytes()))
  assert.deepEqual([r.int(), r.uint(), r.string(), r.optString(), r.optString(), [...r.fixedOpaque(3)]], [-2, 7, 'abcde', undefined, 'x', [1, 2, 3]])
  assert.throws(() => new XdrReader(Buffer.from('00000010616263', 'hex')).string(), /truncated/)
  assert.throws(() => new XdrReader(Buffer.from('7fffffff', 'hex')).array((x) => x.int()), /over the limit/)
})

test('libvirt URIs: the local socket, ?socket=, remote transports refused', () => {
  assert.deepEqual(parseLibvirtUri('qemu:///system?socket=/tmp/x/libvirt-sock'), { name: 'qemu:///system', socket: '/tmp/x/libvirt-sock' })
  assert.equal(parseLibvirtUri('qemu:///system').name, 'qemu:///system')
  assert.equal(parseLibvirtUri(privateLibvirtUri('/run/a b')).socket, '/run/a b')
  assert.throws(() => parseLibvirtUri('qemu+ssh://host/system'), /remote/)
  assert.throws(() => parseLibvirtUri('qemu+tls:///system'), /remote/)
  assert.throws(() => parseLibvirtUri('not a uri'), /invalid libvirt URI/)
})

/** A stand-in libvirtd: answers auth list (none), open, list domains, one error, and pings once. */
function fakeDaemon(path: string, seen: number[]): net.Server {
  return net.createServer((sock) => {
    let buf = Buffer.alloc(0)
    let pinged = false
    sock.on('data', (b: Buffer) => {
      buf = Buffer.concat([buf, b])
      while (buf.length >= 4 && buf.length >= buf.readUInt32BE(0)) {
        const len = buf.readUInt32BE(0)
        const msg = buf.subarray(0, len)
        buf = buf.subarray(len)
        const h = decodeHeader(msg)
        if (h.prog === KEEPALIVE_PROGRAM) {
          seen.push(-h.proc)
          continue
        }
        seen.push(h.proc)
        const reply = (payload: Uint8Array, status = 0): void => {
          // the reply arrives in two pieces, to exercise reassembly
          const m = encodeMessage(REMOTE_PROGRAM, h.proc, 1, h.serial, status, payload)
          sock.write(m.subarray(0, 10))
          setTimeout(() => sock.write(m.subarray(10)), 5)
        }
        if (!pinged) {
          pinged = true
          sock.write(encodeMessage(KEEPALIVE_PROGRAM, 1, 2, 0, 0, Buffer.alloc(0)))
        }
        if (h.proc === PROC.AUTH_LIST) reply(new XdrWriter().uint(1).int(0).bytes())
        else if (h.proc === PROC.CONNECT_OPEN) {
          const r = new XdrReader(Buffer.from(msg.subarray(28)))
          assert.equal(r.optString(), 'qemu:///system')
          reply(Buffer.alloc(0))
        } else if (h.proc === PROC.CONNECT_LIST_ALL_DOMAINS) {
          const w = new XdrWriter().uint(2)
          w.string('g1').fixedOpaque(Buffer.alloc(16, 0xab)).int(-1)
          w.string('g2').fixedOpaque(Buffer.alloc(16, 0x01)).int(3)
          reply(w.uint(2).bytes())
        } else if (h.proc === PROC.DOMAIN_LOOKUP_BY_NAME) {
          const e = new XdrWriter().int(42).int(10).optString("Domain not found: no domain with matching name 'nope'").int(2).int(0)
          e.optString(undefined).optString(undefined).optString(undefined).int(0).int(0).int(0)
          reply(e.bytes(), 1)
        } else if (h.proc === 9999) {
          const huge = Buffer.alloc(8)
          huge.writeUInt32BE(0x7fffffff, 0)
          sock.write(huge)
        }
      }
    })
  }).listen(path)
}

test('RPC: handshake, a list decoded from a reply in pieces, libvirt errors typed, keepalive answered, a bad frame closes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hostnet-rpc-test-'))
  const sock = join(dir, 'libvirt-sock')
  const seen: number[] = []
  const server = fakeDaemon(sock, seen)
  await new Promise((r) => server.once('listening', r))
  const c = new LibvirtClient(privateLibvirtUri(sock))
  try {
    const doms = await c.listDomains()
    assert.deepEqual(doms.map((d) => [d.name, d.uuid.toString('hex'), d.id]), [
      ['g1', 'ab'.repeat(16), -1],
      ['g2', '01'.repeat(16), 3],
    ])
    await assert.rejects(c.lookup('nope'), (e: unknown) => e instanceof LibvirtError && e.code === 42 && e.kind === 'not-found' && /no domain with matching name/.test(e.message))
    assert.deepEqual(seen.filter((p) => p > 0).slice(0, 3), [PROC.AUTH_LIST, PROC.CONNECT_OPEN, PROC.CONNECT_LIST_ALL_DOMAINS])
    assert.ok(seen.includes(-2), 'the ping got its pong')
    await assert.rejects(c.call(9999), /not libvirt's protocol/)
    // the next call reconnects
    assert.equal((await c.listDomains()).length, 2)
  } finally {
    c.close()
    server.close()
    rmSync(dir, { recursive: true, force: true })
  }
})
