import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { ValidationError } from '../../errors.js'
import { EtcdClient, EtcdUnavailableError, prefixEnd } from './client.js'

test('prefix range end: the last byte incremented (in UTF-8)', () => {
  assert.equal(Buffer.from(prefixEnd('/hostnet/'), 'base64').toString(), '/hostnet0')
  assert.deepEqual([...Buffer.from(prefixEnd('\u00e9'), 'base64')], [0xc3, 0xaa])
})

test('endpoints: http(s)://HOST:PORT only, refused before any request', () => {
  for (const bad of ['127.0.0.1:2379', 'ftp://x:1', 'http://x:1/v3', 'http://u:p@x:1', 'http://x:1?a=b']) {
    assert.throws(() => new EtcdClient({ endpoints: [bad] }), (e: unknown) => e instanceof ValidationError && e.path === '--etcd', bad)
  }
  assert.throws(() => new EtcdClient({ endpoints: [] }), /no etcd endpoint/)
})

test('a member that is down or answers "unavailable" is skipped for the next; none answering is EtcdUnavailableError', async () => {
  const seen: string[] = []
  const mk = (answer: (path: string) => [number, unknown]) =>
    createServer((req, res) => {
      seen.push(`${(req.socket.address() as { port: number }).port}${req.url ?? ''}`)
      const [status, body] = answer(req.url ?? '')
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
    })
  const unavailable = mk(() => [503, { error: 'etcdserver: no leader', code: 14, message: 'etcdserver: no leader' }])
  const good = mk(() => [200, { header: { revision: '7' }, kvs: [{ key: Buffer.from('/p/a').toString('base64'), value: Buffer.from('1').toString('base64'), mod_revision: '5' }] }])
  const denied = mk(() => [403, { error: 'etcdserver: permission denied', code: 7, message: 'etcdserver: permission denied' }])
  const listen = (s: ReturnType<typeof createServer>): Promise<number> => new Promise((r) => s.listen(0, '127.0.0.1', () => r((s.address() as { port: number }).port)))
  const [pu, pg, pd] = [await listen(unavailable), await listen(good), await listen(denied)]
  try {
    const c = new EtcdClient({ endpoints: [`http://127.0.0.1:${pu}`, `http://127.0.0.1:${pg}`] })
    const r = await c.rangePrefix('/p/')
    assert.deepEqual(r, { revision: 7, kvs: [{ key: '/p/a', value: '1', createRevision: 0, modRevision: 5 }] })
    assert.equal(c.endpoint, `http://127.0.0.1:${pg}`, 'it stays on the member that answered')
    c.close()
    const d = new EtcdClient({ endpoints: [`http://127.0.0.1:${pd}`] })
    await assert.rejects(d.rangePrefix('/p/'), (e: unknown) => (e as { kind?: string }).kind === 'permission' && /permission denied/.test((e as Error).message))
    d.close()
    const u = new EtcdClient({ endpoints: [`http://127.0.0.1:${pu}`], requestTimeoutMs: 500 })
    await assert.rejects(u.rangePrefix('/p/'), (e: unknown) => e instanceof EtcdUnavailableError && /no leader/.test(e.message))
    u.close()
  } finally {
    for (const s of [unavailable, good, denied]) s.close()
  }
})
