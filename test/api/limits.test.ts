/**
 * Limits and clients that misbehave: a body that never finishes changes nothing; a client that goes away while
 * its apply runs leaves the transaction finished (committed, verified), never half-applied; a declared body over
 * the limit is refused at once (413); connections past the per-listener cap are closed, and the server goes on
 * serving the others.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import * as net from 'node:net'
import { canUseNetns, leakedNetns } from '../helpers/netns.js'
import { ApiLab, linkNames, natXml, until } from './lab.js'

const skip = !canUseNetns() ? 'needs root and ip netns' : false
let lab: ApiLab

before(async () => {
  // the apply test pauses 1.5 s between the kernel change and its verification (test hook of the engine)
  if (skip === false) lab = await ApiLab.open({ env: { HOSTNET_TEST_PAUSE_AFTER_APPLY_MS: '1500' } })
})

after(async () => {
  if (skip !== false) return
  await lab?.close()
  assert.deepEqual(leakedNetns(), [])
})

/** Send raw bytes on a new connection to the read-write socket; resolves with what came back before it closed. */
function raw(data: string, opts: { closeAfterMs?: number } = {}): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(lab.socket('rw'))
    let got = ''
    s.on('data', (b) => (got += b.toString()))
    s.on('close', () => resolve(got))
    s.on('error', () => undefined)
    s.write(data)
    if (opts.closeAfterMs !== undefined) setTimeout(() => s.destroy(), opts.closeAfterMs)
  })
}

test('a body cut short (the client goes away) defines nothing; the server keeps serving', { skip }, async () => {
  const body = natXml('halfnet', '10.250.0')
  const path = `/api/v1/targets/${encodeURIComponent(lab.target)}/networks`
  const got = await raw(`POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/xml\r\ncontent-length: ${body.length}\r\n\r\n${body.slice(0, 60)}`, { closeAfterMs: 200 })
  assert.equal(got, '', 'no answer: the body never arrived')
  const list = await lab.req('GET', `/targets/${encodeURIComponent(lab.target)}/networks?all=true`)
  assert.deepEqual([list.status, list.json], [200, []])
})

test('a client that disconnects during its apply: the transaction still ends committed and verified, not half-applied', { skip }, async () => {
  const doc = 'interfaces:\n  - name: brgone\n    type: linux-bridge\n    state: up\n    mtu: 1420\n'
  const path = `/api/v1/targets/${encodeURIComponent(lab.target)}/apply`
  const got = await raw(`POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/yaml\r\ncontent-length: ${doc.length}\r\n\r\n${doc}`, { closeAfterMs: 500 })
  assert.equal(got, '', 'gone before the answer')
  const txn = await until('the transaction to end', async () => {
    const h = await lab.req('GET', `/transactions?target=${encodeURIComponent(lab.target)}&limit=1`)
    const last = h.json[0] as { status: string } | undefined
    return last !== undefined && last.status !== 'applying' ? last : undefined
  })
  assert.equal(txn.status, 'committed')
  assert.ok(linkNames(lab.ns).includes('brgone'))
  const state = await lab.req('GET', `/targets/${encodeURIComponent(lab.target)}/state?names=brgone`)
  assert.equal(state.json.interfaces[0].mtu, 1420)
})

test('a declared body over the limit is refused at once with 413, before it is sent', { skip }, async () => {
  const path = `/api/v1/targets/${encodeURIComponent(lab.target)}/networks`
  const got = await raw(`POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/xml\r\ncontent-length: ${64 * 1024 * 1024}\r\n\r\n`, { closeAfterMs: 2000 })
  assert.match(got, /^HTTP\/1\.1 413 /)
  assert.match(got, /request body larger than 4194304 bytes/)
})

test('connections past the cap (256 per listener) are closed; the others are served', { skip }, async () => {
  const sockets: net.Socket[] = []
  let closed = 0
  await Promise.all(
    Array.from(
      { length: 300 },
      () =>
        new Promise<void>((resolve) => {
          const s = net.connect(lab.socket('ro'))
          sockets.push(s)
          s.on('error', () => undefined)
          s.on('close', () => closed++)
          s.on('connect', () => resolve())
          s.on('close', () => resolve())
        }),
    ),
  )
  await until('the excess to be closed', () => (closed >= 300 - 256 ? true : undefined), 5000)
  assert.ok(closed <= 300 - 256 + 5, `${closed} closed`)
  for (const s of sockets) s.destroy()
  await until('the slots to free up', async () => ((await lab.req('GET', '/targets', { via: 'ro' })).status === 200 ? true : undefined), 5000)
})
