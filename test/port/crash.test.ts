/**
 * Acceptance (issue 6 B.2): kill -9 of hostnet during a port creation. With the pause hook the kill lands after
 * the port's devices exist but before the port is recorded as plugged; then at random moments in a loop. After a
 * restart (any hostnet command on the target, or driver.recover({scanPorts:true})) the counts equal the ports in
 * the store, and no port device (`hnp…`: tap, veth, macvtap) is left without a port.
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parsePortInput } from '../../src/driver/port/index.js'
import { canUseNetns, leakedNetns } from '../helpers/netns.js'
import {
  crash,
  finished,
  ipIn,
  linksIn,
  liveConnections,
  macFor,
  newPortXml,
  passthroughXml,
  PortLab,
  portDevicesIn,
  waitFor,
  workerReady,
} from './stress-lab.js'

const skip = canUseNetns() ? false : 'needs root and ip netns'

after(() => {
  if (skip === false) assert.deepEqual(leakedNetns(), [])
})

const PAUSE_ENV = 'HOSTNET_TEST_PORT_PAUSE_AFTER_PLUG_MS'

interface CrashLab {
  lab: PortLab
  pool: string[]
  /** The pool NICs' own MACs (passthrough takes them over while plugged). */
  poolMacs: Map<string, string>
}

/** A Linux bridge network 'br' (on br0) and a passthrough network 'pt' (8 veth NICs) in the lab's host namespace. */
async function openCrashLab(): Promise<CrashLab> {
  const lab = await PortLab.open()
  try {
    ipIn(lab.host, 'link', 'add', 'br0', 'type', 'bridge')
    ipIn(lab.host, 'link', 'set', 'br0', 'up')
    const pool = lab.makePool(8)
    await lab.startNetwork(`<network><name>br</name><forward mode='bridge'/><bridge name='br0'/></network>`)
    await lab.startNetwork(passthroughXml('pt', pool))
    const poolMacs = new Map(linksIn(lab.host).flatMap((l) => (pool.includes(l.ifname) ? [[l.ifname, l.address ?? '']] : [])))
    return { lab, pool, poolMacs }
  } catch (e) {
    await lab.close()
    throw e
  }
}

function portFile(lab: PortLab, i: number): string {
  const f = join(lab.dir, `crash-${i}-${randomUUID()}.xml`)
  writeFileSync(f, newPortXml(randomUUID(), `crash-${i}`, macFor(700_000 + i)))
  return f
}

/** The invariants after a restart: nothing half-done, counts = rows, port devices = the rows' devices. */
function checkConsistent(c: CrashLab, context: string): void {
  const { lab } = c
  const rows = lab.driver.ports.ctx.ports.listAll()
  assert.deepEqual(rows.filter((r) => r.status !== 'plugged').map((r) => `${r.uuid} ${r.status}`), [], `${context}: no port left half-done`)
  const expected: string[] = []
  for (const net of ['br', 'pt']) {
    const ports = lab.driver.ports.list(lab.target, net)
    const live = liveConnections(lab.driver.dumpXml(lab.target, net))
    assert.equal(live.network, ports.length, `${context}: live connections of '${net}' = its ports in the store`)
    assert.equal(lab.driver.ports.ctx.ports.usage(`netns:${lab.host}`, net).connections, ports.length)
    if (net === 'pt') {
      const used = ports.map((p) => (p.port.plug?.type === 'direct' ? p.port.plug.dev : '?'))
      for (const d of c.pool) assert.equal(live.devices[d] ?? 0, used.filter((u) => u === d).length, `${context}: connections of ${d}`)
    }
    for (const p of ports) if (p.device !== undefined) expected.push(p.device)
  }
  assert.deepEqual(portDevicesIn(lab.host), expected.sort(), `${context}: the port devices in the target are exactly those of the ports in the store`)
  // a pool NIC without a port has its own MAC back
  const inUse = new Set(lab.driver.ports.list(lab.target, 'pt').map((p) => (p.port.plug?.type === 'direct' ? p.port.plug.dev : '')))
  for (const l of linksIn(lab.host)) {
    if (c.poolMacs.has(l.ifname) && !inUse.has(l.ifname)) assert.equal(l.address, c.poolMacs.get(l.ifname), `${context}: ${l.ifname} has its MAC back`)
  }
}

function rowsWith(lab: PortLab, status: string): number {
  return lab.driver.ports.ctx.ports.listAll().filter((r) => r.status === status).length
}

test('kill -9 after the devices exist, before the port is plugged: the next command removes the half-made port', { skip, timeout: 120_000 }, async () => {
  const c = await openCrashLab()
  const { lab } = c
  try {
    for (const net of ['pt', 'br']) {
      const child = lab.spawnCli(['net-port-create', '--netns', lab.host, net, portFile(lab, 1)], { [PAUSE_ENV]: '60000' })
      const out = finished(child)
      const plugged = await waitFor(() => portDevicesIn(lab.host).length > 0 && rowsWith(lab, 'plugging') === 1, 30_000)
      assert.ok(plugged, `${net}: the port device appeared with its row 'plugging' (${(await Promise.race([out, Promise.resolve(undefined)]))?.stderr ?? ''})`)
      await crash(child)
      assert.equal((await out).signal, 'SIGKILL')
      assert.equal(portDevicesIn(lab.host).length, 1, 'the kill left the device behind')
      // restart: any hostnet command on the target recovers first
      const list = await finished(lab.spawnCli(['net-port-list', '--netns', lab.host, '--json', net]))
      assert.equal(list.code, 0, list.stderr)
      assert.deepEqual(JSON.parse(list.stdout), [], `${net}: the interrupted port is gone`)
      assert.match(list.stderr, /interrupted while plugging: removing it/)
      checkConsistent(c, `${net} after restart`)
    }
  } finally {
    await lab.close()
  }
})

test('kill -9 of a driver plugging a guest veth: recover({scanPorts:true}) removes host end and guest end', { skip, timeout: 120_000 }, async () => {
  const c = await openCrashLab()
  const { lab } = c
  try {
    const guest = await lab.ns('g')
    const keep = await lab.driver.ports.create(lab.target, 'br', { port: parsePortInput(newPortXml(randomUUID(), 'keep', macFor(1))) })
    const child = lab.spawnWorker([lab.dir, lab.host, 'br', '2', '2', 'plug', '7'], { [PAUSE_ENV]: '60000', STRESS_GUEST_NETNS: guest })
    const out = finished(child)
    await workerReady(child)
    child.stdin!.end('go\n')
    const ok = await waitFor(() => rowsWith(lab, 'plugging') === 2 && linksIn(guest).filter((l) => l.ifname.startsWith('eth')).length === 2, 30_000)
    assert.ok(ok, 'both guest veths exist, their rows plugging')
    await crash(child)
    await out
    assert.equal(portDevicesIn(lab.host).length, 3)
    const report = await lab.driver.recover({ scanPorts: true })
    assert.equal(report.ports?.removed.length, 2)
    assert.deepEqual(report.ports?.failed, [])
    assert.deepEqual(linksIn(guest).map((l) => l.ifname), ['lo'], 'the guest ends went with the host ends')
    assert.deepEqual(lab.driver.ports.list(lab.target, 'br').map((p) => p.uuid), [keep.uuid], 'the living port stays')
    checkConsistent(c, 'after recover')
  } finally {
    await lab.close()
  }
})

/** A small seeded PRNG (mulberry32): the seed is printed, so a failing run can be repeated. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

test('kill -9 at random moments of net-port-create, then restart: counts = ports in the store, no orphan device', { skip, timeout: 300_000 }, async () => {
  const seed = Number(process.env['HOSTNET_TEST_SEED'] ?? Date.now() % 1_000_000)
  console.log(`seed ${seed} (HOSTNET_TEST_SEED to repeat)`)
  const random = prng(seed)
  const c = await openCrashLab()
  const { lab } = c
  try {
    // how long one creation takes here, to spread the kills over its whole run
    const t0 = Date.now()
    const probe = await finished(lab.spawnCli(['net-port-create', '--netns', lab.host, 'br', portFile(lab, 0)]))
    assert.equal(probe.code, 0, probe.stderr)
    const spanMs = Date.now() - t0
    const outcomes: string[] = []
    for (let i = 1; i <= 10; i++) {
      const net = i % 2 === 0 ? 'pt' : 'br'
      if (net === 'pt' && lab.driver.ports.list(lab.target, 'pt').length >= c.pool.length) {
        await lab.driver.ports.deleteMany(lab.target, 'pt', lab.driver.ports.list(lab.target, 'pt').map((p) => p.uuid))
      }
      const child = lab.spawnCli(['net-port-create', '--netns', lab.host, net, portFile(lab, i)])
      const out = finished(child)
      const delayMs = Math.floor(random() * spanMs * 1.1)
      await new Promise((r) => setTimeout(r, delayMs))
      await crash(child)
      const r = await out
      outcomes.push(`${net}@${delayMs}ms:${r.signal ?? r.code}`)
      // restart: alternately the next CLI command and a driver recovery with the orphan scan
      if (i % 3 === 0) {
        await lab.driver.recover({ scanPorts: true })
      } else {
        const list = await finished(lab.spawnCli(['net-port-list', '--netns', lab.host, net]))
        assert.equal(list.code, 0, list.stderr)
      }
      checkConsistent(c, `iteration ${i} (${net}, kill after ${delayMs} ms, seed ${seed})`)
    }
    console.log(`kills: ${outcomes.join(' ')}`)
  } finally {
    await lab.close()
  }
})
