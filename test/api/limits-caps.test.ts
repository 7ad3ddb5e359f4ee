/**
 * The API's caps on slow and numerous clients, on the real server (its test hooks lower them so that a test
 * reaches them in a second: HOSTNET_TEST_API_MAX_SUBSCRIBERS, HOSTNET_TEST_API_HEADERS_TIMEOUT_MS):
 * - event subscribers past the cap are refused with 503 and Retry-After, the subscribers already in keep
 *   receiving events, and a place freed by one that leaves is taken by the next;
 * - a client that never finishes its headers is answered 408 and disconnected once the header timeout passes
 *   (not up to 30 s later, when node's own check would run), while the others are served meanwhile.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import * as net from 'node:net'
import { SseClient } from '../../src/api/client/events.js'
import { HEADERS_TIMEOUT_ENV, MAX_SUBSCRIBERS_ENV } from '../../src/api/server.js'
import { canUseNetns, leakedNetns } from '../helpers/netns.js'
import { ApiLab, bridgeXml, until } from './lab.js'

const skip = !canUseNetns() ? 'needs root and ip netns' : false
const CAP = 3
const HEADERS_TIMEOUT_MS = 1500
let lab: ApiLab

before(async () => {
  if (skip === false) lab = await ApiLab.open({ env: { [MAX_SUBSCRIBERS_ENV]: String(CAP), [HEADERS_TIMEOUT_ENV]: String(HEADERS_TIMEOUT_MS) } })
})

after(async () => {
  if (skip !== false) return
  await lab?.close()
  assert.deepEqual(leakedNetns(), [])
})

test('event subscribers past the cap get 503 with Retry-After; those in keep their stream; a freed place is taken', { skip }, async () => {
  const streams: SseClient[] = []
  try {
    for (let i = 0; i < CAP; i++) streams.push(await SseClient.open(lab.socket(i % 2 === 0 ? 'ro' : 'rw'), '/events?kind=network'))
    assert.deepEqual(streams.map((s) => s.status), Array(CAP).fill(200))
    const refused = await lab.req('GET', '/events', { via: 'ro' })
    assert.equal(refused.status, 503)
    assert.equal(refused.headers['retry-after'], '5')
    assert.match(refused.text, /too many event subscribers \(3\)/)

    const t = `/targets/${encodeURIComponent(lab.target)}`
    assert.equal((await lab.req('POST', `${t}/networks`, { body: bridgeXml('capnet'), type: 'application/xml' })).status, 201)
    for (const s of streams) await s.until((es) => es.some((e) => e.event === 'network.defined' && e.data.object === 'capnet'))

    streams.shift()!.close()
    const next = await until('a freed place', async () => {
      const s = await SseClient.open(lab.socket('ro'), '/events?kind=network')
      if (s.status === 200) return s
      s.close()
      return undefined
    }, 5000)
    streams.push(next)
    assert.equal((await lab.req('POST', `${t}/networks/capnet/start`)).status, 200)
    for (const s of streams) await s.until((es) => es.some((e) => e.event === 'network.started' && e.data.object === 'capnet'))
  } finally {
    for (const s of streams) s.close()
  }
})

test('a client that never finishes its headers gets 408 and is disconnected at the header timeout; others are served', { skip }, async () => {
  const started = Date.now()
  const slow = new Promise<{ got: string; ms: number }>((resolve) => {
    const s = net.connect(lab.socket('rw'))
    let got = ''
    s.on('data', (b) => (got += b.toString()))
    s.on('close', () => resolve({ got, ms: Date.now() - started }))
    s.on('error', () => undefined)
    // a request line and one header, then a byte now and then: never the blank line that ends the headers
    s.write('GET /api/v1/targets HTTP/1.1\r\nhost: x\r\n')
    const drip = setInterval(() => (s.writable ? s.write('x') : clearInterval(drip)), 200)
    s.on('close', () => clearInterval(drip))
    setTimeout(() => s.destroy(), 20_000) // the test's own limit: the assertion below reports it
  })
  // meanwhile the server answers others
  for (let i = 0; i < 3; i++) {
    assert.equal((await lab.req('GET', '/targets', { via: 'ro' })).status, 200)
    await new Promise((r) => setTimeout(r, 200))
  }
  const { got, ms } = await slow
  assert.match(got, /^HTTP\/1\.1 408 Request Timeout\r\n/, `answered: ${JSON.stringify(got)}`)
  assert.ok(ms >= HEADERS_TIMEOUT_MS - 100, `not before the timeout (${ms} ms)`)
  assert.ok(ms < HEADERS_TIMEOUT_MS + 3000, `within about a second of the timeout (${ms} ms), not node's default 30 s check`)
})
