/**
 * Benchmark api-events (issue 11): the event stream of `hostnet serve` under load, and the server's memory.
 *   - set-up: 100 bridge networks in a namespace and 10,000 ports (100 per network, allocation only), all
 *     through the API; `api-serve-memory` is serve's resident memory (VmRSS, MB) then, and after the event run
 *     with its 100 subscribers (the larger of the two). Target < 250 MB.
 *   - 100 subscribers (a child process, GET /events?kind=port&target=..., read-only socket) while 2,000 changes
 *     are made through the API (1,000 port create + delete pairs, one request at a time): every subscriber must
 *     receive all 2,000 events in order (the same ids for all). `api-events-p99`: the 99th percentile over all
 *     200,000 deliveries of (arrival at the subscriber − the change record's time), ms. Target < 50.
 *   No baseline (libvirt has no event stream of its network driver over HTTP; its events need a connection per
 *   client through libvirtd's RPC).
 * Last line: {"bench":"api-events","results":[{"name":"api-events-p99",...},{"name":"api-serve-memory",...}]}
 * Options: --subscribers N, --changes N (even), --networks N, --ports-per-network N.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { bridgeNetworkXml, networkPortXml } from './harness/libvirt-docs.js'
import { ApiServe } from './lib/api-serve.js'
import { intArg as intArgOf } from './lib/args.js'
import { dropNetns, freshNetns } from './lib/netns.js'
import { ipBatch, portMac, portUuid } from './lib/port-env.js'
import { loadLine, log, printResults, result } from './lib/result.js'
import { round } from './lib/stats.js'
import { processCpuMs } from './lib/cpu.js'

const argv = process.argv.slice(2)
const intArg = (name: string, dflt: number): number => intArgOf(argv, name, dflt)
const OWNER = '6f0a8f3e-2d55-4b0e-9a53-9b0f3c1d2e03'

interface ChildReport {
  subscribers: number
  counts: number[]
  allOrdered: boolean
  allSame: boolean
  deliveries: number
  p50: number
  p99: number
  max: number
}

/** Run `fn` over 0..n-1 with `width` requests in flight. */
async function pool(n: number, width: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: width }, async () => {
    for (let i = next++; i < n; i = next++) await fn(i)
  }))
}

async function main(): Promise<void> {
  const subscribers = intArg('--subscribers', 100)
  const changes = intArg('--changes', 2000)
  const networks = intArg('--networks', 100)
  const perNetwork = intArg('--ports-per-network', 100)
  log(`api-events: ${networks} networks, ${networks * perNetwork} ports, ${subscribers} subscribers, ${changes} changes; ${loadLine()}`)
  const ns = await freshNetns('apiev')
  let api: ApiServe | undefined
  try {
    ipBatch(ns, Array.from({ length: networks }, (_, i) => [`link add hnae${i} type bridge`, `link set hnae${i} up`]).flat())
    api = await ApiServe.start()
    const a = api
    const t = `/targets/${encodeURIComponent(`netns:${ns}`)}`
    const t0 = Date.now()
    await pool(networks, 4, async (i) => {
      await a.ok('POST', `${t}/networks`, 201, bridgeNetworkXml(`hnae${i}`, `hnae${i}`))
      await a.ok('POST', `${t}/networks/hnae${i}/start`, 200)
    })
    await pool(networks * perNetwork, 4, async (k) => {
      const net = k % networks
      await a.ok('POST', `${t}/networks/hnae${net}/ports?plug=false`, 201, networkPortXml({ uuid: portUuid(3, k), ownerName: `vm${k}`, ownerUuid: OWNER, mac: portMac(k) }))
    })
    const setUp = api.memoryMb()
    log(`set-up through the API in ${round((Date.now() - t0) / 1000, 1)} s; serve VmRSS ${round(setUp.rss)} MB (VmHWM ${round(setUp.hwm)} MB); ${loadLine()}`)

    const childJs = fileURLToPath(new URL('./lib/sse-subscribers-child.js', import.meta.url))
    const child = spawn(process.execPath, [childJs, api.socket.replace('hostnet.sock', 'hostnet-ro.sock'), String(subscribers), String(changes), `netns:${ns}`], { stdio: ['ignore', 'pipe', 'inherit'] })
    const lines = createInterface({ input: child.stdout! })
    const it = lines[Symbol.asyncIterator]()
    assert.equal((await it.next()).value, 'ready')
    const c0 = Date.now()
    const cpu0 = [processCpuMs(api.child.pid), processCpuMs(child.pid)]
    for (let k = 0; k < changes / 2; k++) {
      const uuid = portUuid(4, k)
      await api.ok('POST', `${t}/networks/hnae0/ports?plug=false`, 201, networkPortXml({ uuid, ownerName: 'vm-ev', ownerUuid: OWNER, mac: portMac(100_000 + k) }))
      await api.ok('DELETE', `${t}/networks/hnae0/ports/${uuid}`, 204)
    }
    const changeMs = Date.now() - c0
    const cpu = [processCpuMs(api.child.pid) - cpu0[0]!, processCpuMs(child.pid) - cpu0[1]!].map((ms) => round(ms / changes, 3))
    log(`CPU per change: serve ${cpu[0]} ms (the request and the fan-out to ${subscribers} subscribers), the subscribers' process ${cpu[1]} ms`)
    const during = api.memoryMb()
    const report = JSON.parse(String((await it.next()).value)) as ChildReport
    log(`${changes} changes in ${round(changeMs / 1000, 1)} s; ${report.deliveries} deliveries to ${report.subscribers} subscribers: p50 ${round(report.p50, 1)} ms, p99 ${round(report.p99, 1)} ms, max ${round(report.max, 1)} ms; serve VmRSS ${round(during.rss)} MB (VmHWM ${round(during.hwm)} MB); ${loadLine()}`)
    assert.deepEqual(report.counts, [changes], `every subscriber gets every event (${report.counts.join(', ')})`)
    assert.ok(report.allOrdered && report.allSame, 'in order, the same for all')
    printResults('api-events', [result('api-events-p99', report.p99, null, 'ms'), result('api-serve-memory', Math.max(setUp.rss, during.rss), null, 'MB')])
  } finally {
    await api?.stop()
    await dropNetns(ns)
  }
}

await main()
