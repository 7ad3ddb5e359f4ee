/**
 * The dnsmasq runner against the real dnsmasq, inside namespaces this file creates and deletes: a "host"
 * namespace with the network's bridge and dnsmasq, and guest namespaces on veths plugged into the bridge.
 * Guests get DHCPv4 leases (hostnet's node DHCP client, src/lab/guest/), the fixed address of their static host,
 * resolve DNS host entries (its DNS client) and get SLAAC addresses from dnsmasq's router advertisements.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HostnetError } from '../../src/errors.js'
import { parseNetworkXml } from '../../src/codec/libvirt-xml/network/index.js'
import type { NetworkDef } from '../../src/model/network/network-def.js'
import { formatIp } from '../../src/model/values/ip.js'
import {
  dnsmasqPaths,
  isDnsmasqRunning,
  readDnsmasqLeases,
  reloadDnsmasq,
  runningDnsmasqPid,
  startDnsmasq,
  stopDnsmasq,
} from '../../src/backend/dnsmasq/index.js'
import type { DnsmasqPaths } from '../../src/backend/dnsmasq/index.js'
import { dhcpClientArgv, dnsClientArgv } from '../../src/lab/guest/index.js'
import { canUseNetns, leakedNetns, makeNetns, removeNetns } from '../helpers/netns.js'

const haveDnsmasq = spawnSync('dnsmasq', ['--version']).status === 0
const skip = !canUseNetns() ? 'needs root and ip netns' : !haveDnsmasq ? 'needs dnsmasq' : false
const BRIDGE = 'br-hn'
// quotes, a space and '#': the file names must stay in the run directory and not break dnsmasq's parser
const NAME = 'lab "one" #1'
const GUEST_MAC = ['52:54:00:77:00:01', '52:54:00:77:00:02', '52:54:00:77:00:03'] as const

function xml(extraDns = '', extraHosts = ''): string {
  return `<network><name>${NAME.replace(/"/g, '&quot;')}</name><uuid>81ff0d90-c91e-6742-64da-4a736edb9a9b</uuid>
  <forward mode='nat'/><bridge name='${BRIDGE}'/><domain name='lab.test'/>
  <dns><txt name='info.lab.test' value='hello'/><host ip='10.77.0.50'><hostname>files</hostname></host>${extraDns}</dns>
  <ip address='10.77.0.1' prefix='24'><dhcp><range start='10.77.0.100' end='10.77.0.150'/>
    <host mac='${GUEST_MAC[1]}' name='fixed' ip='10.77.0.20'/>${extraHosts}</dhcp></ip>
  <ip family='ipv6' address='fd77::1' prefix='64'></ip></network>`
}

let hostNs = ''
const guests: string[] = []
const namespaces: string[] = []
let runDir = ''
let paths: DnsmasqPaths
const def: NetworkDef = parseNetworkXml(xml())

function ip(ns: string, ...args: string[]): string {
  return execFileSync('ip', ['-n', ns, ...args], { encoding: 'utf8' })
}

/** Run a guest client (argv from src/lab/guest) in namespace `ns`: its JSON output. */
function inGuest(ns: string, argv: readonly string[]): unknown {
  const r = spawnSync('ip', ['netns', 'exec', ns, ...argv], { encoding: 'utf8', timeout: 20_000 })
  assert.equal(r.status, 0, `${argv.slice(2).join(' ')} in ${ns} failed: ${r.stderr}`)
  return JSON.parse(r.stdout) as unknown
}

async function addGuest(mac: string): Promise<string> {
  const ns = await makeNetns('g')
  namespaces.push(ns)
  const port = `vg${guests.length}`
  ip(hostNs, 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns)
  ip(hostNs, 'link', 'set', port, 'master', BRIDGE, 'up')
  ip(ns, 'link', 'set', 'eth0', 'address', mac, 'up')
  ip(ns, 'link', 'set', 'lo', 'up')
  ip(ns, 'route', 'add', '255.255.255.255', 'dev', 'eth0') // where the DHCP client's broadcasts leave
  guests.push(ns)
  return ns
}

interface Ack {
  ip: string
  router?: string
  dns?: string
  netmask?: string
  domain?: string
}

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v !== undefined) return v
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

before(async () => {
  if (skip) return
  runDir = await mkdtemp(join(tmpdir(), 'hnt-dnsmasq-'))
  paths = dnsmasqPaths(runDir, NAME)
  hostNs = await makeNetns('h')
  namespaces.push(hostNs)
  ip(hostNs, 'link', 'set', 'lo', 'up')
  ip(hostNs, 'link', 'add', BRIDGE, 'type', 'bridge', 'forward_delay', '0')
  ip(hostNs, 'addr', 'add', '10.77.0.1/24', 'dev', BRIDGE)
  ip(hostNs, 'addr', 'add', 'fd77::1/64', 'dev', BRIDGE, 'nodad')
  ip(hostNs, 'link', 'set', BRIDGE, 'up')
  await addGuest(GUEST_MAC[0])
  await addGuest(GUEST_MAC[1])
})

after(async () => {
  if (skip) return
  try {
    await stopDnsmasq(paths)
  } finally {
    for (const ns of namespaces) {
      // a safety net: whatever still runs in our namespaces (nothing, when the tests passed) is killed
      const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout.split('\n').filter((p) => /^\d+$/.test(p))
      for (const pid of pids) process.kill(Number(pid), 'SIGKILL')
      await removeNetns(ns)
    }
    await rm(runDir, { recursive: true, force: true })
  }
  assert.deepEqual(leakedNetns(), [])
})

test('dnsmasq starts in the namespace, ready, with its files in the run directory', { skip }, async () => {
  const inst = await startDnsmasq(def, { runDir, bridgeName: BRIDGE, netns: hostNs, logFile: join(runDir, 'dnsmasq.log') })
  assert.equal(inst.pid, await runningDnsmasqPid(paths))
  assert.equal(await isDnsmasqRunning(paths), true)
  assert.equal(paths.conf, join(runDir, 'lab &quot;one&quot; &#35;1.conf'))
  for (const f of [paths.conf, paths.hostsfile, paths.addnhosts, paths.pid]) assert.ok(existsSync(f), f)
  const conf = await readFile(paths.conf, 'utf8')
  assert.match(conf, new RegExp(`^pid-file=${paths.pid.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'))
  assert.equal(await readFile(paths.hostsfile, 'utf8'), `${GUEST_MAC[1]},10.77.0.20,fixed\n`)
  await assert.rejects(startDnsmasq(def, { runDir, bridgeName: BRIDGE, netns: hostNs }), (e: unknown) => e instanceof HostnetError && e.kind === 'conflict')
})

test('a guest gets a DHCPv4 lease in the range, and the lease file shows it', { skip }, async () => {
  const ack = inGuest(guests[0]!, dhcpClientArgv({ mac: GUEST_MAC[0], hostname: 'g1' })) as Ack
  const last = Number(ack.ip.split('.')[3])
  assert.ok(ack.ip.startsWith('10.77.0.') && last >= 100 && last <= 150, ack.ip)
  assert.deepEqual([ack.router, ack.dns, ack.netmask, ack.domain], ['10.77.0.1', '10.77.0.1', '255.255.255.0', 'lab.test'])
  const lease = await until('the lease in the lease file', async () =>
    (await readDnsmasqLeases(paths.leases)).leases.find((l) => l.mac === GUEST_MAC[0]),
  )
  assert.equal(formatIp(lease.ip), ack.ip)
  assert.equal(lease.hostname, 'g1')
  assert.ok(typeof lease.expiresAtEpochSec === 'number' && lease.expiresAtEpochSec > Date.now() / 1000)
  ip(guests[0]!, 'addr', 'add', `${ack.ip}/24`, 'dev', 'eth0')
})

test('a static DHCP host gets its fixed address', { skip }, () => {
  const ack = inGuest(guests[1]!, dhcpClientArgv({ mac: GUEST_MAC[1] })) as Ack
  assert.equal(ack.ip, '10.77.0.20')
})

test('DNS: host entries, DHCP-registered names and TXT records resolve through dnsmasq', { skip }, () => {
  assert.deepEqual(inGuest(guests[0]!, dnsClientArgv({ server: '10.77.0.1', name: 'files.lab.test' })), { rcode: 0, answers: ['10.77.0.50'] })
  assert.deepEqual(inGuest(guests[0]!, dnsClientArgv({ server: '10.77.0.1', name: 'files' })), { rcode: 0, answers: ['10.77.0.50'] })
  const g1 = inGuest(guests[0]!, dnsClientArgv({ server: '10.77.0.1', name: 'g1.lab.test' })) as { answers: string[] }
  assert.equal(g1.answers.length, 1)
  assert.deepEqual(inGuest(guests[0]!, dnsClientArgv({ server: '10.77.0.1', name: 'info.lab.test', type: 'TXT' })), { rcode: 0, answers: ['hello'] })
})

test('reload: new DNS hosts and static DHCP hosts apply without a restart', { skip }, async () => {
  const pid = await runningDnsmasqPid(paths)
  const next = parseNetworkXml(xml("<host ip='10.77.0.51'><hostname>newhost</hostname></host>", `<host mac='${GUEST_MAC[2]}' ip='10.77.0.30'/>`))
  await reloadDnsmasq(next, paths)
  assert.equal(await runningDnsmasqPid(paths), pid)
  await until('newhost to resolve', () => {
    const r = spawnSync('ip', ['netns', 'exec', guests[0]!, ...dnsClientArgv({ server: '10.77.0.1', name: 'newhost.lab.test' })], { encoding: 'utf8' })
    return r.status === 0 && (JSON.parse(r.stdout) as { answers: string[] }).answers[0] === '10.77.0.51' ? true : undefined
  })
  const g3 = await addGuest(GUEST_MAC[2])
  assert.equal((inGuest(g3, dhcpClientArgv({ mac: GUEST_MAC[2] })) as Ack).ip, '10.77.0.30')
})

test('IPv6: a guest configures a SLAAC address from the router advertisements (ra-only)', { skip }, async () => {
  const addr = await until('a global IPv6 address on the guest', () => {
    const out = JSON.parse(ip(guests[0]!, '-6', '-json', 'addr', 'show', 'dev', 'eth0', 'scope', 'global')) as Array<{ addr_info?: Array<{ local: string }> }>
    return out.flatMap((l) => l.addr_info ?? []).find((a) => a.local.startsWith('fd77::'))?.local
  })
  assert.match(addr, /^fd77::[0-9a-f:]+$/)
})

test('supervision: a killed dnsmasq is seen as stopped and starts again; stop is idempotent', { skip }, async () => {
  const pid = (await runningDnsmasqPid(paths))!
  process.kill(pid, 'SIGKILL')
  await until('the killed dnsmasq to be gone', async () => ((await isDnsmasqRunning(paths)) ? undefined : true))
  const again = await startDnsmasq(def, { runDir, bridgeName: BRIDGE, netns: hostNs })
  assert.notEqual(again.pid, pid)
  assert.equal(await stopDnsmasq(paths), true)
  assert.equal(await isDnsmasqRunning(paths), false)
  assert.equal(existsSync(paths.pid), false)
  assert.equal(await stopDnsmasq(paths), false)
  assert.equal(spawnSync('ip', ['netns', 'pids', hostNs], { encoding: 'utf8' }).stdout.trim(), '')
})

test('a configuration dnsmasq refuses is a backend failure carrying its message, and leaves no process', { skip }, async () => {
  const bad: NetworkDef = { ...def, dnsmasqOptions: ['no-such-option=1'] }
  await assert.rejects(
    startDnsmasq(bad, { runDir, bridgeName: BRIDGE, netns: hostNs }),
    (e: unknown) => e instanceof HostnetError && e.kind === 'backend-failure' && /bad option at line \d+/.test(e.message),
  )
  assert.equal(await isDnsmasqRunning(paths), false)
})
