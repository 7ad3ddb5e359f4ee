/**
 * Benchmark: one-shot CLI commands as a user runs them (bin/hostnet, the bundle): whole-process wall time,
 * median of N runs (default 15, at least 10), each run paired with its baseline in the same round (the order
 * alternates between rounds):
 *   - cli-version:  `hostnet --version`                          vs `node -e 0`                      (target ≤ 1.5)
 *   - cli-net-list: `hostnet net-list --all`, 100 defined networks vs `node -e 0`                    (target ≤ 2)
 *   - cli-show:     `hostnet show --netns X`, 20 interfaces        vs `ip -n X -d -j addr` + `node -e 0` (target ≤ 1.5)
 *   - cli-vs-virsh: `hostnet net-list --all`                      vs `virsh net-list --all` on a private libvirtd
 *                   with the same 100 networks (bench/harness/libvirtd.ts; reported, target ≤ 3)
 *   - serve-ready:  `hostnet serve` until its API socket accepts   vs a bare node process listening on a Unix socket
 * The networks are defined (not started) in a namespace the benchmark creates, which also holds the 20 interfaces
 * (10 veth pairs with addresses); everything is removed at the end. Options: --runs N, --no-baseline (no libvirtd).
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { Iproute2Backend } from '../src/backend/iproute2/index.js'
import { createNetworkDriver } from '../src/driver/network/index.js'
import type { Target } from '../src/model/target.js'
import { openStore } from '../src/store/index.js'
import { deleteNetns } from '../src/sys/netns.js'
import { libvirtMissing, startPrivateLibvirtd, type LibvirtHarness } from './harness/libvirtd.js'
import { natNetworkDoc } from './harness/libvirt-docs.js'
import { intArg } from './lib/args.js'
import { freshNetns } from './lib/netns.js'
import { loadLine, log, printResults, result, type BenchResult } from './lib/result.js'
import { list, median } from './lib/stats.js'

const ROOT = new URL('../..', import.meta.url).pathname
const HOSTNET = join(ROOT, 'bin', 'hostnet')
const NETWORKS = 100
const VETH_PAIRS = 10

interface Run {
  ms: number
  stdout: string
}

/** Wall time of one process from spawn to exit; a failure stops the benchmark. */
function runMs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Run {
  const t0 = performance.now()
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 })
  const ms = performance.now() - t0
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status ?? r.signal}: ${r.stderr}`)
  return { ms, stdout: r.stdout }
}

/** Time until a freshly spawned process accepts connections on `socket`; then SIGTERM it and wait for its exit. */
async function readyMs(argv: readonly string[], socket: string): Promise<number> {
  rmSync(socket, { force: true })
  const t0 = performance.now()
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${argv.join(' ')} exited before it was ready: ${stderr}`)
      if (performance.now() - t0 > 30_000) throw new Error(`${argv.join(' ')} not ready after 30 s: ${stderr}`)
      if (existsSync(socket) && (await accepts(socket))) return performance.now() - t0
      await new Promise((r) => setTimeout(r, 2))
    }
  } finally {
    child.kill('SIGTERM')
    await exited
  }
}

function accepts(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(socket)
    c.once('connect', () => {
      c.destroy()
      resolve(true)
    })
    c.once('error', () => resolve(false))
  })
}

/** `runs` rounds of `fns`, the order reversed every other round; the timings per function. */
function rounds(runs: number, fns: Array<() => number>): number[][] {
  const out = fns.map(() => [] as number[])
  for (let i = 0; i < runs; i++) {
    const order = fns.map((_, k) => k)
    if (i % 2 === 1) order.reverse()
    for (const k of order) out[k]!.push(fns[k]!())
  }
  return out
}

async function defineNetworks(stateDir: string, target: Target): Promise<void> {
  const store = openStore(stateDir)
  const driver = createNetworkDriver({ backend: new Iproute2Backend(), store, stateDir })
  try {
    for (let i = 1; i <= NETWORKS; i++) await driver.define(target, natNetworkDoc(i).xml)
  } finally {
    driver.close()
    store.close()
  }
}

/** 10 veth pairs with an address on one end: with lo, 21 interfaces. */
function makeInterfaces(ns: string): void {
  const lines: string[] = []
  for (let i = 0; i < VETH_PAIRS; i++) {
    lines.push(`link add v${i}a type veth peer name v${i}b`, `address add 10.77.${i}.1/24 dev v${i}a`, `link set v${i}a up`, `link set v${i}b up`)
  }
  const r = spawnSync('ip', ['-n', ns, '-batch', '-'], { input: `${lines.join('\n')}\n`, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`ip -batch: ${r.stderr}`)
}

async function libvirtWithNetworks(): Promise<LibvirtHarness> {
  const lv = await startPrivateLibvirtd()
  const steps = await lv.virshSession(Array.from({ length: NETWORKS }, (_, k) => ['net-define', lv.writeFile(`n${k + 1}.xml`, natNetworkDoc(k + 1).xml)]))
  const bad = steps.find((s) => !s.ok)
  if (bad !== undefined) {
    await lv.stop()
    throw new Error(`virsh ${bad.argv.join(' ')}: ${bad.error}`)
  }
  return lv
}

function countLines(text: string, re: RegExp): number {
  return text.split('\n').filter((l) => re.test(l)).length
}

async function main(): Promise<void> {
  const runs = Math.max(10, intArg(process.argv, '--runs', 15))
  const dir = mkdtempSync(join(tmpdir(), 'hostnet-clibench-'))
  const ns = await freshNetns('cli')
  const env = { ...process.env, HOSTNET_STATE_DIR: join(dir, 'state') }
  let lv: LibvirtHarness | undefined
  try {
    log(`cli-startup: ${runs} rounds; ${loadLine()}`)
    await defineNetworks(join(dir, 'state'), { kind: 'netns', name: ns })
    makeInterfaces(ns)
    const missing = process.argv.includes('--no-baseline') ? 'skipped (--no-baseline)' : libvirtMissing()
    lv = missing === undefined ? await libvirtWithNetworks() : undefined
    if (lv === undefined) log(`libvirt baseline: ${missing}`)
    const virshEnv = lv === undefined ? undefined : { ...process.env, ...lv.virshEnv() }

    const node = (): number => runMs([process.execPath, '-e', '0']).ms
    const version = (): number => runMs([process.execPath, HOSTNET, '--version'], env).ms
    const netList = (): number => runMs([process.execPath, HOSTNET, 'net-list', '--all'], env).ms
    const show = (): number => runMs([process.execPath, HOSTNET, 'show', '--netns', ns], env).ms
    const ipAddr = (): number => runMs(['ip', '-n', ns, '-d', '-j', 'addr']).ms
    const virsh = (): number => runMs(['virsh', '-c', lv!.uri, 'net-list', '--all'], virshEnv).ms

    // what each side prints: the same 100 networks, the same interfaces
    const ours = runMs([process.execPath, HOSTNET, 'net-list', '--all'], env).stdout
    if (countLines(ours, /hnlv\d+/) !== NETWORKS) throw new Error(`hostnet net-list printed:\n${ours}`)
    if (lv !== undefined) {
      const theirs = runMs(['virsh', '-c', lv.uri, 'net-list', '--all'], virshEnv).stdout
      if (countLines(theirs, /hnlv\d+/) !== NETWORKS) throw new Error(`virsh net-list printed:\n${theirs}`)
    }
    const shown = runMs([process.execPath, HOSTNET, 'show', '--netns', ns], env).stdout
    if (countLines(shown, /^ {2}- name: /) !== 2 * VETH_PAIRS + 1) throw new Error(`hostnet show printed:\n${shown}`)

    const fns = [node, version, netList, show, ipAddr, ...(lv === undefined ? [] : [virsh])]
    rounds(1, fns) // warm the page cache
    const [tNode, tVersion, tList, tShow, tIp, tVirsh] = rounds(runs, fns)
    const showBase = tIp!.map((ms, i) => ms + tNode![i]!)
    log(`node -e 0                 ${list(tNode!)} ms`)
    log(`hostnet --version         ${list(tVersion!)} ms`)
    log(`hostnet net-list --all    ${list(tList!)} ms (${NETWORKS} networks)`)
    log(`hostnet show --netns X    ${list(tShow!)} ms (${2 * VETH_PAIRS + 1} interfaces)`)
    log(`ip -d -j addr             ${list(tIp!)} ms`)
    if (tVirsh !== undefined) log(`virsh net-list --all      ${list(tVirsh)} ms`)

    const serveRuns = Math.max(10, Math.ceil(runs / 2))
    const bare = join(dir, 'bare.sock')
    const apiSock = join(dir, 'api', 'hostnet.sock')
    const tBare: number[] = []
    const tServe: number[] = []
    const listen = `require('net').createServer().listen(${JSON.stringify(bare)})`
    for (let i = 0; i < serveRuns; i++) {
      tBare.push(await readyMs([process.execPath, '-e', listen], bare))
      tServe.push(await readyMs([process.execPath, HOSTNET, 'serve', '--state-dir', join(dir, 'serve-state'), '--socket-dir', join(dir, 'api')], apiSock))
    }
    log(`node listening            ${list(tBare)} ms`)
    log(`hostnet serve (API ready) ${list(tServe)} ms`)
    log(loadLine())

    const results: BenchResult[] = [
      result('cli-version', median(tVersion!), median(tNode!), 'ms'),
      result('cli-net-list', median(tList!), median(tNode!), 'ms'),
      result('cli-show', median(tShow!), median(showBase), 'ms'),
      result('cli-vs-virsh', median(tList!), tVirsh === undefined ? null : median(tVirsh), 'ms'),
      result('serve-ready', median(tServe), median(tBare), 'ms'),
    ]
    printResults('cli-startup', results)
  } finally {
    await lv?.stop()
    await deleteNetns(ns)
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
