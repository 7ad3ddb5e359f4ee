/**
 * Benchmark `kimchi-networks`: N NAT networks (default 50) created, activated, deactivated and deleted through the
 * Kimchi-compatible API of `hostnet serve --kimchi-netns` (HTTP over its Unix socket, one request after another, on a
 * namespace the benchmark creates), against Debian's libvirtd doing the same with the same documents Kimchi would
 * define (bench/harness/libvirtd.ts, one virsh process: net-define + net-autostart, net-start, net-destroy,
 * net-undefine). Kimchi's own cost is libvirt's plus its Python on top, so libvirt alone is the baseline.
 * Results: `kimchi-networks` (wall ms per network, all four steps), one row per step, and the CPU time of the
 * daemon (serve, with the dnsmasq it started and waited for, against libvirtd, with its children) per network.
 * Options: --networks N, --no-baseline.
 */
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { ApiServe } from './lib/api-serve.js'
import { intArg } from './lib/args.js'
import { dropNetns, freshNetns } from './lib/netns.js'
import { stopNetnsProcesses } from '../src/sys/netns.js'
import { loadLine, log, printResults, result, type BenchResult } from './lib/result.js'
import { median } from './lib/stats.js'
import { libvirtMissing, startPrivateLibvirtd } from './harness/libvirtd.js'

const STEPS = ['create', 'activate', 'deactivate', 'delete'] as const
type Step = (typeof STEPS)[number]

/** User + system CPU seconds of a process and of its waited-for children (/proc/PID/stat fields 14-17). */
function cpuSec(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])
  return ticks / 100
}

function subnetOf(i: number): { subnet: string; gateway: string; start: string; end: string } {
  const net = `10.${100 + (i >> 8)}.${i & 255}`
  return { subnet: `${net}.0/24`, gateway: `${net}.1`, start: `${net}.129`, end: `${net}.254` }
}

/** The XML Kimchi defines for a NAT network (xmlutils/network.py, with the intended gateway and range). */
function kimchiXml(name: string, i: number): string {
  const s = subnetOf(i)
  return `<network><name>${name}</name><forward mode="nat"/><ip address="${s.gateway}" netmask="255.255.255.0"><dhcp><range start="${s.start}" end="${s.end}"/></dhcp></ip></network>`
}

interface Side {
  ms: Record<Step, number[]>
  cpuSec: number
}

async function runOurs(n: number): Promise<Side> {
  const ns = await freshNetns('kimchi')
  const serve = await ApiServe.start({ serveArgs: ['--kimchi-netns', ns, '--no-console'] })
  const ms: Record<Step, number[]> = { create: [], activate: [], deactivate: [], delete: [] }
  const call = async (step: Step, method: string, path: string, want: number, body?: unknown): Promise<void> => {
    const t0 = performance.now()
    const a = await serve.reqAt(method, `/plugins/kimchi/networks${path}`, body === undefined ? undefined : JSON.stringify(body), 'application/json')
    ms[step].push(performance.now() - t0)
    if (a.status !== want) throw new Error(`${method} ${path}: ${a.status} ${a.text.slice(0, 300)}`)
  }
  try {
    const names = Array.from({ length: n }, (_, i) => `kbench${i + 1}`)
    const cpu0 = cpuSec(serve.child.pid!)
    for (const [i, name] of names.entries()) {
      await call('create', 'POST', '', 201, { name, connection: 'nat', subnet: subnetOf(i + 1).subnet })
      await call('activate', 'POST', `/${name}/activate`, 200, {})
    }
    for (const name of names) {
      await call('deactivate', 'POST', `/${name}/deactivate`, 200, {})
      await call('delete', 'DELETE', `/${name}`, 204)
    }
    return { ms, cpuSec: cpuSec(serve.child.pid!) - cpu0 }
  } finally {
    await serve.stop()
    // after a failed run the networks' dnsmasq still run inside: they would outlive the namespace's name
    await stopNetnsProcesses(ns)
    await dropNetns(ns)
  }
}

async function runLibvirt(n: number): Promise<Side> {
  const lv = await startPrivateLibvirtd()
  try {
    const names = Array.from({ length: n }, (_, i) => `kbench${i + 1}`)
    const files = names.map((name, i) => lv.writeFile(`${name}.xml`, kimchiXml(name, i + 1)))
    const cpu0 = cpuSec(lv.libvirtdPid)
    const up = await lv.virshSession(names.flatMap((name, i) => [['net-define', files[i]!], ['net-autostart', name], ['net-start', name]]))
    const down = await lv.virshSession(names.flatMap((name) => [['net-destroy', name], ['net-undefine', name]]))
    const cpu = cpuSec(lv.libvirtdPid) - cpu0
    const steps = [...up, ...down]
    const bad = steps.find((s) => !s.ok)
    if (bad !== undefined) throw new Error(`virsh ${bad.argv.join(' ')} failed: ${bad.error}`)
    const of = (cmd: string): number[] => steps.filter((s) => s.argv[0] === cmd).map((s) => s.ms)
    const define = of('net-define')
    const autostart = of('net-autostart')
    return { ms: { create: define.map((x, i) => x + autostart[i]!), activate: of('net-start'), deactivate: of('net-destroy'), delete: of('net-undefine') }, cpuSec: cpu }
  } finally {
    await lv.stop()
  }
}

function perNetwork(s: Side): number[] {
  return s.ms.create.map((_, i) => STEPS.reduce((sum, step) => sum + s.ms[step][i]!, 0))
}

async function main(): Promise<void> {
  const n = intArg(process.argv, '--networks', 50)
  log(loadLine())
  const ours = await runOurs(n)
  const missing = process.argv.includes('--no-baseline') ? 'skipped (--no-baseline)' : libvirtMissing()
  const base = missing === undefined ? await runLibvirt(n) : undefined
  if (base === undefined) log(`libvirt baseline: ${missing}`)
  for (const [label, s] of [['hostnet Kimchi API', ours], ['libvirt 9.0 + virsh', base]] as const) {
    if (s === undefined) continue
    log(`${label}: ${n} NAT networks, per step median ms: ${STEPS.map((st) => `${st} ${median(s.ms[st]).toFixed(1)}`).join(', ')}; daemon CPU ${s.cpuSec.toFixed(2)} s`)
  }
  const results: BenchResult[] = [result('kimchi-networks', median(perNetwork(ours)), base === undefined ? null : median(perNetwork(base)), 'ms')]
  for (const st of STEPS) results.push(result(`kimchi-networks-${st}`, median(ours.ms[st]), base === undefined ? null : median(base.ms[st]), 'ms'))
  results.push(result('kimchi-networks-daemon-cpu', (ours.cpuSec * 1000) / n, base === undefined ? null : (base.cpuSec * 1000) / n, 'ms'))
  log(loadLine())
  printResults('kimchi-networks', results)
}

await main()
