/** JSON-RPC session against a scripted fake server on a temporary unix socket. */
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type Server, type Socket } from 'node:net'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { JsonRpcSession } from './jsonrpc.js'
import { JsonStreamSplitter } from './json-splitter.js'
import { OvsdbConnectionError, OvsdbRpcError, type ConnectionFailure } from './errors.js'

const dir = mkdtempSync(join(tmpdir(), 'hostnet-jsonrpc-'))
let seq = 0
after(() => rmSync(dir, { recursive: true, force: true }))

type Msg = Record<string, unknown>

/** A server that hands every parsed message to `onMessage` with a reply function. */
async function fakeServer(onMessage: (m: Msg, sock: Socket) => void): Promise<{ path: string; server: Server; received: Msg[] }> {
  const path = join(dir, `s${++seq}.sock`)
  const received: Msg[] = []
  const server = createServer((sock) => {
    const sp = new JsonStreamSplitter()
    sock.on('data', (b) => {
      for (const t of sp.push(b)) {
        const m = JSON.parse(t) as Msg
        received.push(m)
        onMessage(m, sock)
      }
    })
    sock.on('error', () => sock.destroy())
  })
  await new Promise<void>((r) => server.listen(path, r))
  return { path, server, received }
}

function connect(path: string, keepaliveIntervalMs = 0, closed?: (f: ConnectionFailure) => void): Promise<JsonRpcSession> {
  return JsonRpcSession.connect({ kind: 'unix', path }, { keepaliveIntervalMs, onNotification: () => {}, onClose: (f) => closed?.(f) })
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

test('jsonrpc: answers the server echo (inactivity probe) with the same params and id', async () => {
  const srv = await fakeServer(() => {})
  const conns: Socket[] = []
  srv.server.on('connection', (c) => conns.push(c))
  const s = await connect(srv.path)
  while (conns.length === 0) await sleep(5)
  conns[0]!.write('{"method":"echo","params":["probe",1],"id":"echo-7"}')
  while (srv.received.length === 0) await sleep(5)
  assert.deepEqual(srv.received[0], { result: ['probe', 1], error: null, id: 'echo-7' })
  assert.equal(s.echoesAnswered, 1)
  s.close()
  srv.server.close()
})

test('jsonrpc: responses split over writes, several per write and out of order reach the right requests', async () => {
  const held: Msg[] = []
  const srv = await fakeServer((m, sock) => {
    held.push(m)
    if (held.length < 3) return
    const replies = held.reverse().map((h) => JSON.stringify({ result: [h['method'], h['params']], error: null, id: h['id'] })).join('')
    const mid = Math.floor(replies.length / 3)
    sock.write(replies.slice(0, mid))
    setTimeout(() => sock.write(replies.slice(mid)), 10)
  })
  const s = await connect(srv.path)
  const rs = await Promise.all(['a', 'b', 'c'].map((m, i) => s.request(m, [i]).result))
  assert.deepEqual(rs, [['a', [0]], ['b', [1]], ['c', [2]]])
  s.close()
  srv.server.close()
})

test('jsonrpc: an error answer is an OvsdbRpcError; a late answer is a timeout', async () => {
  const srv = await fakeServer((m, sock) => {
    if (m['method'] === 'get_schema') sock.write(JSON.stringify({ result: null, error: { error: 'unknown database', details: 'no db' }, id: m['id'] }))
  })
  const s = await connect(srv.path)
  await assert.rejects(s.request('get_schema', ['nope']).result, (e: unknown) => e instanceof OvsdbRpcError && e.kind === 'not-found' && /unknown database/.test(e.message))
  await assert.rejects(s.request('transact', ['db'], { timeoutMs: 30 }).result, (e: unknown) => e instanceof OvsdbConnectionError && e.kind === 'timeout' && e.outcomeUnknown)
  assert.equal(s.pendingCount, 0)
  s.close()
  srv.server.close()
})

test('jsonrpc: when the server closes, a sent transact is rejected as lost with an unknown outcome', async () => {
  const srv = await fakeServer((m, sock) => {
    if (m['method'] === 'transact') setTimeout(() => sock.destroy(), 10)
  })
  let failure: ConnectionFailure | undefined
  const s = await connect(srv.path, 0, (f) => (failure = f))
  const echo = s.request('list_dbs', [])
  const txn = s.request('transact', ['Open_vSwitch'])
  await assert.rejects(txn.result, (e: unknown) => e instanceof OvsdbConnectionError && e.failure === 'lost' && e.outcomeUnknown && e.retryable && e.details?.['outcome'] === 'unknown')
  await assert.rejects(echo.result, (e: unknown) => e instanceof OvsdbConnectionError && !e.outcomeUnknown)
  assert.equal(failure, 'lost')
  assert.equal(s.isOpen, false)
  await assert.rejects(s.request('echo', []).result, (e: unknown) => e instanceof OvsdbConnectionError && e.failure === 'not-connected')
  srv.server.close()
})

test('jsonrpc: keepalive sends an echo when idle and declares a silent peer dead', async () => {
  const srv = await fakeServer(() => {}) // never answers
  let failure: ConnectionFailure | undefined
  const s = await connect(srv.path, 40, (f) => (failure = f))
  const pending = s.request('transact', ['db'])
  await assert.rejects(pending.result, (e: unknown) => e instanceof OvsdbConnectionError && e.failure === 'keepalive' && e.outcomeUnknown)
  assert.equal(failure, 'keepalive')
  assert.ok(srv.received.some((m) => m['method'] === 'echo'), 'an echo was sent')
  srv.server.close()
})

test('jsonrpc: keepalive keeps a responsive connection open', async () => {
  const srv = await fakeServer((m, sock) => {
    if (m['method'] === 'echo') sock.write(JSON.stringify({ result: m['params'], error: null, id: m['id'] }))
  })
  const s = await connect(srv.path, 30)
  await sleep(250)
  assert.equal(s.isOpen, true)
  assert.ok(srv.received.filter((m) => m['method'] === 'echo').length >= 2)
  s.close()
  srv.server.close()
})

test('jsonrpc: connecting to a missing socket is a connect-failed error', async () => {
  await assert.rejects(connect(join(dir, 'missing.sock')), (e: unknown) => e instanceof OvsdbConnectionError && e.failure === 'connect-failed')
})

test('jsonrpc: a notification the client cannot apply drops the connection (so it resyncs)', async () => {
  const conns: Socket[] = []
  const srv = await fakeServer(() => {})
  srv.server.on('connection', (c) => conns.push(c))
  let failure: ConnectionFailure | undefined
  const s = await JsonRpcSession.connect(
    { kind: 'unix', path: srv.path },
    {
      onNotification: () => {
        throw new Error('cannot apply')
      },
      onClose: (f) => (failure = f),
    },
  )
  while (conns.length === 0) await sleep(5)
  const pending = s.request('transact', ['db'])
  conns[0]!.write('{"method":"update","params":["m",{}],"id":null}')
  await assert.rejects(pending.result, (e: unknown) => e instanceof OvsdbConnectionError && /cannot apply/.test(e.message))
  assert.equal(failure, 'lost')
  srv.server.close()
})
