/**
 * Acceptance (issue 6 B.1): 1000 port creations at once from several processes against a 64-device passthrough
 * pool. Exactly 64 succeed, the other 936 fail with the typed "none available" conflict (nothing else: no
 * SQLITE_BUSY), no device is given twice, and the live XML's connections and the store's usage equal the ports
 * in the store. Once allocation only (`plug: false`), once plugged (64 passthrough macvtaps on veth "NICs").
 * A smaller run goes through the CLI (each process runs recovery before its creation, like every command).
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { canUseNetns, leakedNetns } from '../helpers/netns.js'
import { finished, linksIn, liveConnections, macFor, newPortXml, passthroughXml, PortLab, portDevicesIn, workerReady } from './stress-lab.js'
import type { WorkerResult } from './stress-worker.js'

const skip = canUseNetns() ? false : 'needs root and ip netns'

after(() => {
  if (skip === false) assert.deepEqual(leakedNetns(), [])
})

const POOL = 64
const TOTAL = 1000
const EXHAUSTED = /requires exclusive access to interfaces, but none are available/

/** Start `workers` worker processes, let them all go at once, collect their results. */
async function race(lab: PortLab, network: string, workers: number, perWorker: number, plug: boolean): Promise<WorkerResult[]> {
  const children: ChildProcess[] = []
  for (let w = 0; w < workers; w++) {
    children.push(lab.spawnWorker([lab.dir, lab.host, network, String(perWorker), '4', plug ? 'plug' : 'noplug', String(w + 1)]))
  }
  const done = children.map(finished)
  await Promise.all(children.map(workerReady))
  for (const c of children) c.stdin!.end('go\n')
  const results = await Promise.all(done)
  return results.map((r, i) => {
    assert.equal(r.code, 0, `worker ${i} failed: ${r.stderr}`)
    const line = r.stdout.split('\n').filter((l) => l.startsWith('{')).pop()
    assert.ok(line !== undefined, `worker ${i} printed no result: ${r.stdout}`)
    return JSON.parse(line) as WorkerResult
  })
}

function checkOutcome(lab: PortLab, network: string, pool: readonly string[], results: WorkerResult[], total: number): void {
  const ok = results.flatMap((r) => r.ok)
  const errors = results.flatMap((r) => r.errors)
  const unexpected = errors.filter((e) => !(e.kind === 'conflict' && e.name === 'PortError' && EXHAUSTED.test(e.message)))
  assert.deepEqual(unexpected.slice(0, 5), [], `${unexpected.length} failures other than the exhausted pool`)
  assert.equal(ok.length, pool.length, 'exactly one port per pool device')
  assert.equal(errors.length, total - pool.length)
  assert.ok(errors.every((e) => e.field === '/network/forward/interface'))
  const devs = ok.map((p) => p.dev)
  assert.equal(new Set(devs).size, devs.length, 'no device given twice')
  assert.deepEqual([...devs].sort(), [...pool].sort())

  const stored = lab.driver.ports.list(lab.target, network)
  assert.deepEqual(stored.map((p) => p.uuid).sort(), ok.map((p) => p.uuid).sort(), 'the store holds exactly the ports handed out')
  const usage = lab.driver.ports.ctx.ports.usage(`netns:${lab.host}`, network)
  assert.equal(usage.connections, stored.length)
  assert.deepEqual(usage.devices, Object.fromEntries(pool.map((d) => [d, 1])))
  const live = liveConnections(lab.driver.dumpXml(lab.target, network))
  assert.equal(live.network, stored.length, 'live XML network connections')
  assert.deepEqual(live.devices, Object.fromEntries(pool.map((d) => [d, 1])), 'live XML interface connections')
}

async function deleteAll(lab: PortLab, network: string): Promise<void> {
  const uuids = lab.driver.ports.list(lab.target, network).map((p) => p.uuid)
  await lab.driver.ports.deleteMany(lab.target, network, uuids)
  assert.equal(lab.driver.ports.list(lab.target, network).length, 0)
  const live = liveConnections(lab.driver.dumpXml(lab.target, network))
  assert.equal(live.network, 0)
  assert.ok(Object.values(live.devices).every((n) => n === 0))
}

test('1000 concurrent allocations (8 processes) on a 64-device passthrough pool: 64 ports, 936 typed refusals', { skip, timeout: 600_000 }, async () => {
  const lab = await PortLab.open()
  try {
    const pool = lab.makePool(POOL)
    await lab.startNetwork(passthroughXml('pt', pool))
    const results = await race(lab, 'pt', 8, TOTAL / 8, false)
    checkOutcome(lab, 'pt', pool, results, TOTAL)
    assert.ok(results.flatMap((r) => r.ok).every((p) => p.status === 'allocated'))
    assert.deepEqual(portDevicesIn(lab.host), [], 'allocation only: no device made')
    await deleteAll(lab, 'pt')
  } finally {
    await lab.close()
  }
})

test('1000 concurrent plugged creations (4 processes): 64 passthrough macvtaps, one per NIC, 936 typed refusals', { skip, timeout: 600_000 }, async () => {
  const lab = await PortLab.open()
  try {
    const pool = lab.makePool(POOL)
    await lab.startNetwork(passthroughXml('pt', pool))
    const results = await race(lab, 'pt', 4, TOTAL / 4, true)
    checkOutcome(lab, 'pt', pool, results, TOTAL)
    const ok = results.flatMap((r) => r.ok)
    assert.ok(ok.every((p) => p.status === 'plugged'))
    // the kernel agrees: one passthru macvtap per pool NIC, each the device the store names
    const links = linksIn(lab.host)
    const macvtaps = links.filter((l) => l.linkinfo?.info_kind === 'macvtap')
    assert.equal(macvtaps.length, POOL)
    assert.ok(macvtaps.every((l) => l.linkinfo?.info_data?.mode === 'passthru'))
    const lowerOf = new Map(macvtaps.map((l) => [l.ifname, l.link]))
    for (const p of ok) assert.equal(lowerOf.get(p.device ?? ''), p.dev, `port ${p.uuid}: its macvtap sits on its pool NIC`)
    await deleteAll(lab, 'pt')
    assert.deepEqual(portDevicesIn(lab.host), [], 'deleting the ports removes their macvtaps')
  } finally {
    await lab.close()
  }
})

test('concurrent net-port-create CLI processes (recovery runs in each): exactly the pool size succeeds', { skip, timeout: 600_000 }, async () => {
  const lab = await PortLab.open()
  try {
    const pool = lab.makePool(8)
    await lab.startNetwork(passthroughXml('pt', pool))
    const files: string[] = []
    for (let i = 0; i < 40; i++) {
      const f = join(lab.dir, `port-${i}.xml`)
      const uuid = randomUUID()
      writeFileSync(f, newPortXml(uuid, `cli-${i}`, macFor(900_000 + i)))
      files.push(f)
    }
    const runs: Array<Awaited<ReturnType<typeof finished>>> = []
    // 8 at a time, as fast as they finish
    let next = 0
    const lane = async (): Promise<void> => {
      while (next < files.length) {
        const f = files[next++]!
        runs.push(await finished(lab.spawnCli(['net-port-create', '--netns', lab.host, '--json', 'pt', f])))
      }
    }
    await Promise.all(Array.from({ length: 8 }, lane))
    const ok = runs.filter((r) => r.code === 0)
    const refused = runs.filter((r) => r.code !== 0)
    assert.equal(ok.length, pool.length, `successes: ${ok.length}; stderr of others: ${refused.slice(0, 2).map((r) => r.stderr).join(' | ')}`)
    for (const r of refused) {
      assert.equal(r.code, 4, `exit 4 (conflict), got ${r.code}: ${r.stdout}${r.stderr}`)
      assert.match(r.stdout + r.stderr, EXHAUSTED)
    }
    const got = ok.map((r) => JSON.parse(r.stdout) as { uuid: string; plug: { dev: string } })
    assert.deepEqual(got.map((g) => g.plug.dev).sort(), [...pool].sort(), 'no device given twice')
    const stored = lab.driver.ports.list(lab.target, 'pt')
    assert.deepEqual(stored.map((p) => p.uuid).sort(), got.map((g) => g.uuid).sort())
    assert.ok(stored.every((p) => p.status === 'plugged'))
    assert.equal(liveConnections(lab.driver.dumpXml(lab.target, 'pt')).network, pool.length)
    assert.equal(portDevicesIn(lab.host).length, pool.length)
    await deleteAll(lab, 'pt')
    assert.deepEqual(portDevicesIn(lab.host), [])
  } finally {
    await lab.close()
  }
})
