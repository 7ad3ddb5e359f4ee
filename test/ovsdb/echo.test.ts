/**
 * ovsdb-server's inactivity probe over TCP: a Manager row opens `ptcp:PORT:127.0.0.1` with a 1 s probe. Our
 * client (own keepalive off) answers the server's echo and stays connected; a raw socket that ignores the
 * echo is dropped by the server — which shows the probe is real.
 */
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createConnection, createServer } from 'node:net'
import type { OvsPrivate } from '../../src/lab/ovs-private.js'
import { OvsdbClient } from '../../src/backend/ovsdb/client.js'
import { Op, mutation } from '../../src/backend/ovsdb/ops.js'
import { namedUuid, ovsSet } from '../../src/backend/ovsdb/atoms.js'
import { SKIP_OVS, connectClient, sleep, startOvs, stopAllAndCheck } from './helpers.js'

const PROBE_MS = 1000
let ovs: OvsPrivate
let port = 0

async function freePort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const addr = srv.address()
  await new Promise<void>((r) => srv.close(() => r()))
  return typeof addr === 'object' && addr ? addr.port : 0
}

async function waitListening(p: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((r) => {
      const s = createConnection({ host: '127.0.0.1', port: p }, () => r(true)).on('error', () => r(false))
      s.on('connect', () => s.destroy())
    })
    if (ok) return
    await sleep(20)
  }
  throw new Error(`ovsdb-server is not listening on ${p}`)
}

before(async () => {
  if (SKIP_OVS) return
  ovs = await startOvs()
  port = await freePort()
  const admin = await connectClient(ovs)
  await admin.transact('Open_vSwitch', [
    Op.insert('Manager', { target: `ptcp:${port}:127.0.0.1`, inactivity_probe: PROBE_MS }, 'm'),
    Op.mutate('Open_vSwitch', [], [mutation('manager_options', 'insert', ovsSet([namedUuid('m')]))]),
  ])
  admin.close()
  await waitListening(port)
})

after(async () => {
  assert.deepEqual(await stopAllAndCheck(), [])
})

test('the client answers the server inactivity probe and stays connected; a silent peer is dropped', { skip: SKIP_OVS }, async () => {
  const client = await OvsdbClient.connect({ address: `tcp:127.0.0.1:${port}`, keepaliveIntervalMs: 0, reconnect: false })
  let rawClosedAfterMs: number | undefined
  const raw = createConnection({ host: '127.0.0.1', port })
  const rawStart = performance.now()
  let rawGotEcho = false
  raw.on('data', (b) => (rawGotEcho ||= b.toString().includes('"echo"')))
  raw.on('close', () => (rawClosedAfterMs = performance.now() - rawStart))
  raw.on('error', () => raw.destroy())
  try {
    await sleep(3 * PROBE_MS + 500)
    assert.ok(client.echoesAnswered >= 1, `answered ${client.echoesAnswered} echoes`)
    assert.equal(client.isConnected, true)
    assert.deepEqual(await client.echo('still', 'here'), ['still', 'here'])
    assert.equal(rawGotEcho, true, 'the server probed the raw socket')
    assert.ok(rawClosedAfterMs !== undefined && rawClosedAfterMs >= PROBE_MS, 'the server dropped the raw socket that ignored its echo')
  } finally {
    raw.destroy()
    client.close()
  }
})
