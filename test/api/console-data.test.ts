/**
 * What the web console reads besides the CLI's verbs, over the API against a real namespace: the topology graph
 * (bridge → network → port, controllers), a free subnet (avoiding networks, interface addresses and routes of
 * the target), the change record (hostnet history), with viewers allowed to read all three; and the console's
 * own files at / on the same listener.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { canUseNetns, leakedNetns } from '../helpers/netns.js'
import * as http from 'node:http'
import { ensureConsoleBuilt } from '../web/browser.js'
import { ApiLab, ip, natXml, portXml } from './lab.js'

const skip = !canUseNetns() ? 'needs root and ip netns' : false
let lab: ApiLab

before(async () => {
  if (skip !== false) return
  await ensureConsoleBuilt()
  lab = await ApiLab.open()
})

after(async () => {
  if (skip !== false) return
  await lab.close()
  assert.deepEqual(leakedNetns(), [])
})

const XML = 'application/xml'

test('free subnet: the first /24 no network, address or route of the target uses; prefix checked', { skip }, async () => {
  const t = `/targets/${encodeURIComponent(lab.target)}`
  const first = await lab.req('GET', `${t}/free-subnet`)
  assert.equal(first.status, 200, first.text)
  assert.deepEqual(first.json, { subnet: '192.168.100.0/24', address: '192.168.100.1', prefix: 24, dhcpStart: '192.168.100.2', dhcpEnd: '192.168.100.254' })
  // a defined (not running) network and an address on an interface of the namespace are both avoided
  assert.equal((await lab.req('POST', `${t}/networks`, { body: natXml('taken', '192.168.100'), type: XML })).status, 201)
  ip(lab.ns, 'addr', 'add', '192.168.101.9/24', 'dev', 'br0')
  const next = await lab.req('GET', `${t}/free-subnet?prefix=28`, { via: 'ro' })
  assert.equal(next.status, 200, 'viewers may ask')
  assert.equal(next.json.subnet, '192.168.102.0/28')
  const bad = await lab.req('GET', `${t}/free-subnet?prefix=8`)
  assert.equal(bad.status, 400)
  assert.match(bad.json.detail, /prefix/)
  assert.equal((await lab.req('DELETE', `${t}/networks/taken`)).status, 204)
})

test('topology: the bridge carries the network, the network its port, the port its guest; controllers and veth peers', { skip }, async () => {
  const t = `/targets/${encodeURIComponent(lab.target)}`
  ip(lab.ns, 'link', 'set', 'eth0', 'master', 'br0')
  assert.equal((await lab.req('POST', `${t}/networks`, { body: natXml('topo', '10.232.0'), type: XML })).status, 201)
  assert.equal((await lab.req('POST', `${t}/networks/topo/start`)).status, 200)
  const uuid = '5d1a2f3e-0c4b-4e6a-9f7d-8b2c1e0a9d31'
  const port = await lab.req('POST', `${t}/networks/topo/ports`, { body: portXml(uuid, '52:54:00:12:34:56'), type: XML })
  assert.equal(port.status, 201, port.text)
  assert.equal((await lab.req('POST', `${t}/networks`, { body: natXml('idle', '10.233.0'), type: XML })).status, 201, 'an inactive network is in the picture too')
  const r = await lab.req('GET', `${t}/topology`, { via: 'ro' })
  assert.equal(r.status, 200, r.text)
  const topo = r.json as { target: string; changeId: number; nodes: Array<{ id: string; kind: string; detail: Record<string, unknown> }>; edges: Array<{ from: string; to: string; kind: string }> }
  assert.equal(topo.target, lab.target)
  const edges = new Set(topo.edges.map((e) => `${e.from} -${e.kind}-> ${e.to}`))
  for (const e of ['iface:virbr0 -bridge-> network:topo', `network:topo -port-> port:${uuid}`, `port:${uuid} -guest-> guest:vm1`, 'iface:eth0 -controller-> iface:br0', 'iface:eth0 -peer-> iface:eth1']) {
    assert.ok(edges.has(e), `${e} in ${[...edges].join('\n')}`)
  }
  const idle = topo.nodes.find((n) => n.id === 'network:idle') as { state?: string; detail: Record<string, unknown> } | undefined
  assert.equal(idle?.state, 'inactive')
  assert.equal(idle?.detail['connections'], 0)
  const net = topo.nodes.find((n) => n.id === 'network:topo')!
  assert.deepEqual(net.detail['addresses'], ['10.232.0.1/24'])
  assert.equal(net.detail['connections'], 1)
  const device = topo.nodes.find((n) => n.id === `port:${uuid}`)!.detail['device'] as string
  assert.ok(!topo.nodes.some((n) => n.id === `iface:${device}`), "the port's tap is the port node, not a second interface node")
  const changes = await lab.req('GET', `/changes?target=${encodeURIComponent(lab.target)}&kind=port&limit=5`)
  assert.equal(topo.changeId >= changes.json.at(-1).id, true, 'the graph says which change it includes')
})

test('changes: the record over the API (newest N, after an id, by kind and target), viewers may read it; bad kinds are 400', { skip }, async () => {
  const all = await lab.req('GET', `/changes?target=${encodeURIComponent(lab.target)}`, { via: 'ro' })
  assert.equal(all.status, 200, all.text)
  const kinds = all.json.map((r: { kind: string }) => r.kind)
  for (const k of ['network.defined', 'network.undefined', 'network.started', 'port.created']) assert.ok(kinds.includes(k), `${k} in ${kinds.join(', ')}`)
  const ids = all.json.map((r: { id: number }) => r.id)
  assert.deepEqual(ids, [...ids].sort((a: number, b: number) => a - b), 'oldest first')
  const started = all.json.find((r: { kind: string; object: string }) => r.kind === 'network.started' && r.object === 'topo')
  assert.equal(started.outcome, 'ok')
  assert.equal(typeof started.actor, 'string')
  const after = await lab.req('GET', `/changes?after=${started.id}&kind=port`)
  assert.deepEqual(after.json.map((r: { kind: string }) => r.kind), ['port.created'])
  const newest = await lab.req('GET', '/changes?limit=1')
  assert.equal(newest.json.length, 1)
  assert.equal(newest.json[0].id, Math.max(...ids))
  const bad = await lab.req('GET', '/changes?kind=nonsense')
  assert.equal(bad.status, 400)
  assert.match(bad.json.detail, /nonsense/)
  assert.equal((await lab.req('GET', '/changes?limit=0')).status, 400)
})

function get(socketPath: string, path: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ socketPath, path }, (res) => {
        let text = ''
        res.on('data', (c: Buffer) => (text += c.toString()))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }))
      })
      .on('error', reject)
  })
}

test('the console is served at / on the API listeners (viewers too), its assets immutable; unknown files are 404', { skip }, async () => {
  const page = await get(lab.socket('ro'), '/')
  assert.equal(page.status, 200, page.text)
  assert.equal(page.headers['cache-control'], 'no-cache')
  assert.match(page.text, /<hn-app><\/hn-app>/)
  const asset = /src="(\/assets\/[^"]+\.js)"/.exec(page.text)?.[1]
  assert.ok(asset !== undefined, page.text)
  const js = await get(lab.socket('rw'), asset)
  assert.equal(js.status, 200)
  assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable')
  const missing = await get(lab.socket('rw'), '/assets/../../package.json')
  assert.equal(missing.status, 404)
})
