/**
 * Benchmark net-update: N (default 1,000) ip-dhcp-host additions, then their N deletions, `--live --config`, on a
 * running NAT network whose dnsmasq holds 50 guests' leases.
 *   - hostnet: its network driver in this process (real dnsmasq, nftables, iproute2) on a namespace the benchmark
 *     creates and removes; the 50 leases are written into dnsmasq's lease database before the network starts
 *     (dnsmasq loads it), and after the updates the benchmark checks that all 50 are still there and that the
 *     dnsmasq pid never changed (every update is a hosts-file rewrite and a SIGHUP);
 *   - baseline: Debian's libvirtd in a private namespace (bench/harness/libvirtd.ts), the same network document and
 *     the same update commands through one virsh process.
 * libvirt rebuilds the network's iptables rules on every ip-dhcp-host update (seconds each on a loaded machine),
 * so the baseline runs its own, smaller count (--baseline-hosts, default 50) and the results compare per command:
 * `net-update` is the mean ms per update over all additions and deletions, `net-update-add` and
 * `net-update-delete` the medians.
 * Options: --hosts N (1..4000), --baseline-hosts N (1..4000), --no-baseline.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import type { Target } from '../src/model/target.js'
import { Iproute2Backend } from '../src/backend/iproute2/index.js'
import { dnsmasqPaths } from '../src/backend/dnsmasq/index.js'
import { createNetworkDriver, networkRunDir } from '../src/driver/network/index.js'
import { openStore } from '../src/store/index.js'
import { createNetns, deleteNetns, stopNetnsProcesses } from '../src/sys/netns.js'
import { libvirtMissing, startPrivateLibvirtd } from './harness/libvirtd.js'
import { round1, summarize } from './harness/stats.js'
import { loadLine, log, printResults, result } from './lib/result.js'

const NAME = 'hnupd'
const LEASES = 50

function intOption(name: string, dflt: number, max: number): number {
  const i = process.argv.indexOf(name)
  if (i < 0) return dflt
  const v = Number(process.argv[i + 1])
  if (!Number.isInteger(v) || v < 1 || v > max) throw new Error(`${name} needs an integer in 1..${max}`)
  return v
}

/** A /16 network: guests' leases in 10.200.1.x, static hosts in 10.200.16.0 upwards. */
const NETWORK_XML = `<network>
  <name>${NAME}</name>
  <forward mode='nat'/>
  <bridge name='${NAME}br0' stp='on' delay='0'/>
  <ip address='10.200.0.1' netmask='255.255.0.0'>
    <dhcp>
      <range start='10.200.1.1' end='10.200.1.250'/>
    </dhcp>
  </ip>
</network>
`

const hex = (n: number): string => n.toString(16).padStart(2, '0')
// double quotes: the element goes into one single-quoted virsh argument as it is
const hostXml = (i: number): string => `<host mac="52:54:00:7e:${hex(i >> 8)}:${hex(i & 255)}" name="h${i}" ip="10.200.${16 + (i >> 8)}.${i & 255}"/>`
const hostPattern = (i: number): string => `<host mac="52:54:00:7e:${hex(i >> 8)}:${hex(i & 255)}"/>`

interface Side {
  add: number[]
  del: number[]
  totalMs: number
}

async function runHostnet(n: number): Promise<Side> {
  const ns = `hostnet-updbench-${process.pid}`
  const dir = mkdtempSync(join(tmpdir(), 'hostnet-updbench-'))
  const store = openStore(dir)
  const target: Target = { kind: 'netns', name: ns }
  await createNetns(ns)
  const driver = createNetworkDriver({ backend: new Iproute2Backend(), store, stateDir: dir, nftSessions: true })
  try {
    execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up'])
    await driver.define(target, NETWORK_XML)
    // 50 guests' leases in dnsmasq's database, loaded when it starts
    const expiry = Math.floor(Date.now() / 1000) + 3600
    const lines = Array.from({ length: LEASES }, (_, g) => `${expiry} 52:54:00:6a:00:${hex(g)} 10.200.1.${g + 1} guest${g} *`)
    const paths = dnsmasqPaths(networkRunDir(dir, target), NAME)
    execFileSync('mkdir', ['-p', paths.dir])
    writeFileSync(paths.leases, `${lines.join('\n')}\n`)
    await driver.start(target, NAME)
    const pid = driver.info(target, NAME).dnsmasqPid
    const before = (await driver.leases(target, NAME)).length
    if (before !== LEASES) throw new Error(`dnsmasq loaded ${before} leases, expected ${LEASES}`)
    const side: Side = { add: [], del: [], totalMs: 0 }
    const t0 = performance.now()
    for (let i = 0; i < n; i++) {
      const t = performance.now()
      await driver.update(target, NAME, { command: 'add-last', section: 'ip-dhcp-host', parentIndex: -1, xml: hostXml(i) }, { live: true, config: true })
      side.add.push(performance.now() - t)
    }
    for (let i = 0; i < n; i++) {
      const t = performance.now()
      await driver.update(target, NAME, { command: 'delete', section: 'ip-dhcp-host', parentIndex: -1, xml: hostPattern(i) }, { live: true, config: true })
      side.del.push(performance.now() - t)
    }
    side.totalMs = performance.now() - t0
    const after = await driver.leases(target, NAME)
    if (after.length !== LEASES) throw new Error(`leases lost: ${after.length} of ${LEASES} left`)
    if (driver.info(target, NAME).dnsmasqPid !== pid) throw new Error('dnsmasq was restarted')
    log(`hostnet: ${LEASES} leases kept, dnsmasq pid ${pid ?? '?'} unchanged`)
    await driver.destroy(target, NAME)
    return side
  } finally {
    driver.close()
    store.close()
    await stopNetnsProcesses(ns)
    await deleteNetns(ns)
    rmSync(dir, { recursive: true, force: true })
  }
}

async function runLibvirt(n: number): Promise<Side> {
  const lv = await startPrivateLibvirtd()
  try {
    const up = await lv.virshSession([['net-define', lv.writeFile(`${NAME}.xml`, NETWORK_XML)], ['net-start', NAME]])
    const bad = up.find((s) => !s.ok)
    if (bad !== undefined) throw new Error(`virsh ${bad.argv.join(' ')} failed: ${bad.error}`)
    const cmds = [
      ...Array.from({ length: n }, (_, i) => ['net-update', NAME, 'add-last', 'ip-dhcp-host', hostXml(i), '--live', '--config']),
      ...Array.from({ length: n }, (_, i) => ['net-update', NAME, 'delete', 'ip-dhcp-host', hostPattern(i), '--live', '--config']),
    ]
    const steps = await lv.virshSession(cmds)
    const failed = steps.find((s) => !s.ok)
    if (failed !== undefined) throw new Error(`virsh ${failed.argv.join(' ')} failed: ${failed.error}`)
    const ms = steps.map((s) => s.ms)
    await lv.virshSession([['net-destroy', NAME], ['net-undefine', NAME]])
    return { add: ms.slice(0, n), del: ms.slice(n), totalMs: ms.reduce((a, b) => a + b, 0) }
  } finally {
    await lv.stop()
  }
}

function print(title: string, s: Side): void {
  log(title)
  for (const [name, list] of [['add', s.add], ['delete', s.del]] as const) {
    const x = summarize(list)
    log(`  ${name.padEnd(7)} n=${x.n}  median ${round1(x.median)} ms  p90 ${round1(x.p90)}  max ${round1(x.max)}`)
  }
  log(`  total ${round1(s.totalMs)} ms`)
}

async function main(): Promise<void> {
  const n = intOption('--hosts', 1000, 4000)
  log(`net-update: ${n} ip-dhcp-host additions then deletions (--live --config), ${LEASES} leases; ${loadLine()}`)
  const ours = await runHostnet(n)
  print('hostnet (driver in-process):', ours)
  const missing = process.argv.includes('--no-baseline') ? 'skipped (--no-baseline)' : libvirtMissing()
  const base = missing === undefined ? await runLibvirt(intOption('--baseline-hosts', 50, 4000)) : undefined
  if (base !== undefined) print('libvirt (one virsh process):', base)
  else log(`libvirt baseline: ${missing}`)
  printResults('net-update', [
    result('net-update', ours.totalMs / (2 * ours.add.length), base === undefined ? null : base.totalMs / (2 * base.add.length), 'ms/update'),
    result('net-update-add', summarize(ours.add).median, base === undefined ? null : summarize(base.add).median, 'ms'),
    result('net-update-delete', summarize(ours.del).median, base === undefined ? null : summarize(base.del).median, 'ms'),
  ])
}

await main()
