/**
 * Benchmark console (issue 13): the web console in Chromium (Debian's, through playwright-core, headless) against a
 * real `hostnet serve` on a namespace the benchmark creates and removes, holding 1,000 interfaces (100 bridges and
 * 450 veth pairs, one end of each in a bridge), 100 bridge networks (one per bridge) and 2,000 ports (1,000 guests
 * with two NICs each, on neighbouring networks; allocated without plugging).
 *   - console-topology: ms from navigation (the page's time origin) to the complete topology on screen (the
 *     console's `hn-topology-complete` mark, set once the SVG with every node is rendered); median of --runs page
 *     loads after one warm-up. Baseline: the same page fetching and parsing the topology JSON alone (what any
 *     client pays for the data), median of as many runs. Target < 1,000 ms.
 *   - console-assets: compressed KB the page's own files cost (index.html and its assets, as transferred:
 *     brotli), no baseline. Target < 150.
 *   - console-live: ms from a change committed in another process (a port created through the driver, as the
 *     CLI does) to its guest's node on the open topology; median of --changes changes. No baseline. Target < 1,000.
 * Last line: {"bench":"console","results":[...]}. Options: --runs N (default 5), --changes N (default 5).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import * as net from 'node:net'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { chromium, type Browser, type Page } from 'playwright-core'
import type { NetworkPortDef } from '../src/model/networkport.js'
import type { MacAddr } from '../src/model/values/mac.js'
import type { Uuid } from '../src/model/values/uuid.js'
import { bridgeNetworkXml } from './harness/libvirt-docs.js'
import { intArg } from './lib/args.js'
import { dropNetns, freshNetns } from './lib/netns.js'
import { ipBatch, openDriverEnv, portMac, portUuid, type DriverEnv } from './lib/port-env.js'
import { loadLine, log, printResults, result } from './lib/result.js'
import { median } from './lib/stats.js'

/** Page-side globals used inside page.evaluate (this file compiles without the DOM library). */
declare const document: any // eslint-disable-line @typescript-eslint/no-explicit-any

const argv = process.argv.slice(2)
const RUNS = intArg(argv, '--runs', 5)
const CHANGES = intArg(argv, '--changes', 5)
const BRIDGES = 100
const VETH_PAIRS = 450
const VMS = 1000
const CHROMIUM = '/usr/bin/chromium'
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking', '--disable-component-update']
const root = new URL('../..', import.meta.url).pathname

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address()
      srv.close(() => (typeof a === 'object' && a !== null ? resolve(a.port) : reject(new Error('no port'))))
    })
  })
}

function hostnet(args: readonly string[]): string {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'hostnet'), ...args], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`hostnet ${args.join(' ')}: ${r.stderr}`)
  return r.stdout
}

async function buildHost(ns: string, env: DriverEnv): Promise<void> {
  const lines: string[] = []
  for (let b = 0; b < BRIDGES; b++) lines.push(`link add hncbr${b} type bridge`, `link set hncbr${b} up`)
  for (let v = 0; v < VETH_PAIRS; v++) lines.push(`link add hncva${v} type veth peer name hncvb${v}`, `link set hncva${v} master hncbr${v % BRIDGES}`, `link set hncva${v} up`, `link set hncvb${v} up`)
  ipBatch(ns, lines)
  for (let b = 0; b < BRIDGES; b++) {
    await env.driver.define(env.target, bridgeNetworkXml(`hncnet${b}`, `hncbr${b}`))
    await env.driver.start(env.target, `hncnet${b}`)
  }
  // 1,000 guests with two NICs each: on network k and k+1 (so the networks form one connected picture)
  const perNetwork = new Map<number, Array<{ port: NetworkPortDef }>>()
  for (let vm = 0; vm < VMS; vm++) {
    const owner = { name: `vm${vm}`, uuid: portUuid(9, vm) as Uuid }
    for (const nic of [0, 1]) {
      const i = vm * 2 + nic
      const n = (vm + nic) % BRIDGES
      const list = perNetwork.get(n) ?? []
      list.push({ port: { uuid: portUuid(3, i) as Uuid, owner, mac: portMac(i) as MacAddr } })
      perNetwork.set(n, list)
    }
  }
  for (const [n, reqs] of perNetwork) await env.driver.ports.createMany(env.target, `hncnet${n}`, reqs, { plug: false })
}

async function startServe(dir: string): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort()
  const child = spawnCli(['serve', '--state-dir', dir, '--listen', `127.0.0.1:${port}`, '--no-tls'])
  let out = ''
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()))
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()))
  const deadline = Date.now() + 60_000
  while (!/API listening on 127\.0\.0\.1:\d+ \(tcp\)/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`serve did not start: ${out}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  return { child, url: `http://127.0.0.1:${port}` }
}

function spawnCli(args: readonly string[]): ChildProcess {
  return spawn(process.execPath, [join(root, 'bin', 'hostnet'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
}

/** Navigation → the console's complete topology (its Performance mark), ms; the node count it drew. */
async function topologyLoad(page: Page, url: string): Promise<{ ms: number; nodes: number; fetched: number; laidOut: number }> {
  await page.goto(url)
  await page.waitForFunction(() => performance.getEntriesByName('hn-topology-complete').length > 0, undefined, { timeout: 120_000, polling: 50 })
  return page.evaluate(() => {
    const m = performance.getEntriesByName('hn-topology-complete')[0]
    const at = (name: string): number => performance.getEntriesByName(name)[0]?.startTime ?? Number.NaN
    return { ms: m!.startTime, nodes: (m as unknown as { detail: { nodes: number } }).detail.nodes, fetched: at('hn-topology-fetched'), laidOut: at('hn-topology-laid-out') }
  })
}

/** The data alone: fetch + parse the topology JSON in the same page, ms. */
async function dataOnly(page: Page, target: string): Promise<number> {
  return page.evaluate(async (t) => {
    const t0 = performance.now()
    const r = await fetch(`/api/v1/targets/${encodeURIComponent(t)}/topology`)
    const j = (await r.json()) as { nodes: unknown[] }
    if (j.nodes.length === 0) throw new Error('empty topology')
    return performance.now() - t0
  }, target)
}

/** Compressed bytes of the page's own files (navigation + non-API resources), as transferred. */
async function assetBytes(page: Page): Promise<{ encoded: number; decoded: number; files: string[] }> {
  return page.evaluate(() => {
    type Entry = { name: string; encodedBodySize: number; decodedBodySize: number }
    const byType = (performance as unknown as { getEntriesByType(t: string): Entry[] }).getEntriesByType.bind(performance)
    const all = [...byType('navigation'), ...byType('resource')]
    const entries = all.filter((e) => !new URL(e.name).pathname.startsWith('/api/'))
    return {
      encoded: entries.reduce((s, e) => s + e.encodedBodySize, 0),
      decoded: entries.reduce((s, e) => s + e.decodedBodySize, 0),
      files: entries.map((e) => `${new URL(e.name).pathname} ${e.encodedBodySize} B`),
    }
  })
}

async function main(): Promise<void> {
  const { buildConsole } = (await import(join(root, 'scripts', 'build-console.mjs'))) as { buildConsole: () => Promise<boolean> }
  await buildConsole()
  log(loadLine())
  const ns = await freshNetns('console')
  const env = openDriverEnv(ns)
  let serve: ChildProcess | undefined
  let browser: Browser | undefined
  try {
    const t0 = Date.now()
    await buildHost(ns, env)
    const target = `netns:${ns}`
    const token = hostnet(['token', 'create', '--role', 'admin', '--state-dir', env.dir]).trim().split('\n').pop()!.trim()
    log(`host built in ${Date.now() - t0} ms: ${BRIDGES} bridges, ${VETH_PAIRS} veth pairs, ${BRIDGES} networks, ${VMS * 2} ports of ${VMS} guests`)
    const s = await startServe(env.dir)
    serve = s.child
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
    const playwright = (JSON.parse(readFileSync(createRequire(import.meta.url).resolve('playwright-core/package.json'), 'utf8')) as { version: string }).version
    log(`chromium ${browser.version()}, playwright-core ${playwright}`)
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: s.url })
    const login = await context.request.post('/api/v1/session', { data: { token } })
    if (login.status() !== 201) throw new Error(`login: ${login.status()} ${await login.text()}`)
    const hash = `#/${encodeURIComponent(target)}/topology`
    const url = `/${hash}`

    // assets: a fresh page with an empty cache (a new context shares nothing)
    const cold = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: s.url, storageState: await context.storageState() })
    const coldPage = await cold.newPage()
    const first = await topologyLoad(coldPage, url)
    const assets = await assetBytes(coldPage)
    await cold.close()
    log(`first load (empty cache): ${first.ms.toFixed(0)} ms, ${first.nodes} nodes; assets ${assets.files.join(', ')}; ${(assets.decoded / 1024).toFixed(1)} KB uncompressed`)

    for (let k = 0; k < 3; k++) {
      const q0 = performance.now()
      const r = await context.request.get(`/api/v1/targets/${encodeURIComponent(target)}/topology`)
      const body = await r.body()
      log(`GET topology from Node: ${(performance.now() - q0).toFixed(0)} ms, ${(body.length / 1024).toFixed(0)} KB`)
    }
    const page = await context.newPage()
    await topologyLoad(page, url) // warm-up
    const loads: number[] = []
    const data: number[] = []
    for (let r = 0; r < RUNS; r++) {
      const l = await topologyLoad(page, `/?run=${r}${hash}`)
      loads.push(l.ms)
      data.push(await dataOnly(page, target))
      log(`run ${r + 1}: complete topology ${l.ms.toFixed(0)} ms (${l.nodes} nodes: data in at ${l.fetched.toFixed(0)}, laid out at ${l.laidOut.toFixed(0)}); the topology JSON alone ${data.at(-1)!.toFixed(0)} ms`)
    }

    // live: a change committed in this process (another process than serve, as the CLI is) → the node on screen
    await topologyLoad(page, `/?live${hash}`)
    const live: number[] = []
    for (let k = 0; k < CHANGES; k++) {
      const owner = { name: `live-vm${k}`, uuid: portUuid(10, k) as Uuid }
      const watching = page.waitForFunction(
        (id) => {
          const root = document.querySelector('hn-app')?.shadowRoot?.querySelector('hn-topology')?.shadowRoot
          return root?.querySelector(`g[data-id="${id}"]`) ? Date.now() : false
        },
        `guest:${owner.name}`,
        { polling: 'raf', timeout: 30_000 },
      )
      await env.driver.ports.create(env.target, `hncnet${k % BRIDGES}`, { port: { uuid: portUuid(11, k) as Uuid, owner, mac: portMac(100_000 + k) as MacAddr } }, { plug: false })
      const committed = Date.now()
      const seen = (await (await watching).jsonValue()) as number
      live.push(Math.max(0, seen - committed))
      log(`change ${k + 1}: on screen ${live.at(-1)} ms after its commit`)
      await new Promise((r) => setTimeout(r, 300))
    }
    await context.close()
    log(loadLine())
    printResults('console', [
      result('console-topology', median(loads), median(data), 'ms'),
      result('console-assets', assets.encoded / 1024, null, 'KB'),
      result('console-live', median(live), null, 'ms'),
    ])
  } finally {
    await browser?.close()
    if (serve !== undefined && serve.exitCode === null) {
      const exited = new Promise((r) => serve!.once('exit', r))
      serve.kill('SIGTERM')
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))])
      if (serve.exitCode === null) serve.kill('SIGKILL')
    }
    env.close()
    await dropNetns(ns)
  }
}

await main()
