/**
 * The event stream over the real server: a change made with the CLI (another process) appears on an open
 * stream; one made through the API names its principal; a client that reconnects with Last-Event-ID receives
 * exactly the events it missed, in order, then the live ones; filters by kind and target; a bad filter is a 400.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { canUseNetns, leakedNetns } from '../helpers/netns.js'
import { ApiLab, bridgeXml, portXml } from './lab.js'
import { SseClient } from '../../src/api/client/events.js'

const skip = !canUseNetns() ? 'needs root and ip netns' : false
let lab: ApiLab

before(async () => {
  if (skip === false) lab = await ApiLab.open()
})

after(async () => {
  if (skip !== false) return
  await lab?.close()
  assert.deepEqual(leakedNetns(), [])
})

test('a CLI change appears on an open stream; API changes name their principal; Last-Event-ID resumes exactly', { skip }, async () => {
  const stream = await SseClient.open(lab.socket('ro'), '/events')
  assert.equal(stream.status, 200)
  const file = join(lab.dir, 'ev.xml')
  writeFileSync(file, bridgeXml('evnet'))
  const cli = await lab.cli(['net-define', ...lab.t, file])
  assert.equal(cli.code, 0, cli.stderr)
  await stream.until((es) => es.some((e) => e.event === 'network.defined' && e.data.object === 'evnet'))
  const defined = stream.events.find((e) => e.event === 'network.defined')!
  assert.match(String(defined.data.actor), /^cli:/)
  assert.equal(defined.data.target, lab.target)

  const t = `/targets/${encodeURIComponent(lab.target)}`
  assert.equal((await lab.req('POST', `${t}/networks/evnet/start`)).status, 200)
  await stream.until((es) => es.some((e) => e.event === 'network.started'))
  assert.equal(stream.events.find((e) => e.event === 'network.started')!.data.actor, 'api:unix:rw')
  const seen = stream.events[stream.events.length - 1]!.id
  stream.close()

  // missed while away: three changes, two by the API, one by the CLI
  const u = ['e1e1e1e1-0000-4000-8000-000000000001', 'e2e2e2e2-0000-4000-8000-000000000002']
  assert.equal((await lab.req('POST', `${t}/networks/evnet/ports?plug=false`, { body: portXml(u[0]!, '52:54:00:ee:00:01'), type: 'application/xml' })).status, 201)
  writeFileSync(join(lab.dir, 'p2.xml'), portXml(u[1]!, '52:54:00:ee:00:02'))
  assert.equal((await lab.cli(['net-port-create', '--no-plug', ...lab.t, 'evnet', join(lab.dir, 'p2.xml')])).code, 0)
  assert.equal((await lab.req('DELETE', `${t}/networks/evnet/ports/${u[0]}`)).status, 204)

  const again = await SseClient.open(lab.socket('ro'), '/events', { 'last-event-id': String(seen) })
  await again.until((es) => es.length >= 3)
  assert.deepEqual(
    again.events.map((e) => [e.event, e.data.object]),
    [
      ['port.created', u[0]],
      ['port.created', u[1]],
      ['port.deleted', u[0]],
    ],
  )
  assert.deepEqual(again.events.map((e) => e.id), [seen + 1, seen + 2, seen + 3], 'ids follow on, nothing missed or doubled')
  assert.equal((await lab.req('POST', `${t}/networks/evnet/stop`)).status, 204)
  await again.until((es) => es.some((e) => e.event === 'network.stopped'))
  const ids = again.events.map((e) => e.id)
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b))
  assert.equal(new Set(ids).size, ids.length)
  again.close()
})

test('filters: kind families and target; a bad filter or Last-Event-ID is a 400', { skip }, async () => {
  const t = `/targets/${encodeURIComponent(lab.target)}`
  const ports = await SseClient.open(lab.socket('rw'), `/events?kind=port,network.undefined&target=${encodeURIComponent(lab.target)}`)
  const elsewhere = await SseClient.open(lab.socket('rw'), '/events?target=netns%3Aelsewhere')
  assert.equal((await lab.req('POST', `${t}/networks/evnet/start`)).status, 200)
  const u = 'e3e3e3e3-0000-4000-8000-000000000003'
  assert.equal((await lab.req('POST', `${t}/networks/evnet/ports?plug=false`, { body: portXml(u, '52:54:00:ee:00:03'), type: 'application/xml' })).status, 201)
  assert.equal((await lab.req('POST', `${t}/networks/evnet/stop`)).status, 204)
  assert.equal((await lab.req('DELETE', `${t}/networks/evnet`)).status, 204)
  await ports.until((es) => es.some((e) => e.event === 'network.undefined'))
  assert.deepEqual(
    ports.events.map((e) => e.event),
    ['port.created', 'port.deleted', 'network.undefined'],
    'no network.started/stopped; the port is released when its network stops',
  )
  assert.equal(elsewhere.events.length, 0)
  ports.close()
  elsewhere.close()
  for (const q of ['?kind=nosuch', '?target=netns%3A..%2Fx', '?lastEventId=abc', '?since=1']) {
    const r = await lab.req('GET', `/events${q}`)
    assert.equal(r.status, 400, `${q}: ${r.text}`)
  }
  const badHeader = await lab.req('GET', '/events', { headers: { 'last-event-id': 'x1' } })
  assert.equal(badHeader.status, 400)
})
