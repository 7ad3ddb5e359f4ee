import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createSocket } from 'node:dgram'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HostnetError } from '../../errors.js'
import { parseNetworkXml } from '../../codec/libvirt-xml/network/index.js'
import { RecordingRunner } from '../../sys/exec.js'
import { dnsmasqPaths } from './names.js'
import { isDnsmasqRunning, reloadDnsmasq, startDnsmasq, stopDnsmasq } from './process.js'
import { isDnsmasqWithConf, processArgv, readPidFile, udpPortsOf } from './proc.js'
import { pidAlive as processAlive } from '../../sys/process.js'

const DEF = parseNetworkXml(
  "<network><name>pt</name><uuid>81ff0d90-c91e-6742-64da-4a736edb9a9b</uuid><forward mode='nat'/><bridge name='br-pt'/>" +
    "<ip address='10.5.0.1' prefix='24'><dhcp><range start='10.5.0.10' end='10.5.0.20'/></dhcp></ip></network>",
)

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'hnt-dnsmasq-unit-'))
  try {
    await fn(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

test('start: files written, dnsmasq run in the namespace with our files; its refusal becomes a backend failure, the files go', () =>
  withDir(async (dir) => {
    const paths = dnsmasqPaths(dir, 'pt')
    // what dnsmasq would have read, taken when it runs (a failed start removes the files afterwards)
    const seen: { conf?: string; mode?: number; hostsfile?: string } = {}
    const runner = new RecordingRunner((argv) => {
      if (argv[1] === '--version') return { stdout: 'Dnsmasq version 2.90  Copyright\n' }
      seen.conf = readFileSync(paths.conf, 'utf8')
      seen.mode = statSync(paths.conf).mode & 0o777
      seen.hostsfile = readFileSync(paths.hostsfile, 'utf8')
      return { exitCode: 1, stderr: '\ndnsmasq: bad option at line 19 of x.conf\n' }
    })
    await assert.rejects(
      startDnsmasq(DEF, { runDir: dir, bridgeName: 'br-pt', netns: 'ns1', runner }),
      (e: unknown) => e instanceof HostnetError && e.kind === 'backend-failure' && e.message === "cannot start dnsmasq for network 'pt': dnsmasq: bad option at line 19 of x.conf",
    )
    // entered into the namespace's network only (nsenter --net), not through `ip netns exec`
    assert.deepEqual(runner.calls[1]?.argv, ['nsenter', '--net=/run/netns/ns1', 'dnsmasq', `--conf-file=${paths.conf}`, `--dhcp-leasefile=${paths.leases}`, '--user=root'])
    assert.equal(runner.calls[1]?.opts.netns, undefined)
    assert.match(seen.conf ?? '', new RegExp(`^pid-file=${dir}/pt\\.pid$`, 'm'))
    assert.match(seen.conf ?? '', new RegExp(`^dhcp-hostsfile=${dir}/pt\\.hostsfile$`, 'm'))
    assert.equal(seen.mode, 0o600)
    assert.equal(seen.hostsfile, '')
    // a failed start leaves none of its files
    for (const f of [paths.conf, paths.hostsfile, paths.addnhosts, paths.pid]) assert.equal(existsSync(f), false, f)
  }))

test('an old dnsmasq binary is refused before anything runs', () =>
  withDir(async (dir) => {
    const runner = new RecordingRunner(() => ({ stdout: 'Dnsmasq version 2.66  Copyright\n' }))
    await assert.rejects(startDnsmasq(DEF, { runDir: dir, bridgeName: 'br-pt', runner }), (e: unknown) => e instanceof HostnetError && e.kind === 'not-supported')
    assert.equal(runner.calls.length, 1)
  }))

test('a pid file naming another process is not our dnsmasq: not running, never signalled, reload refused', () =>
  withDir(async (dir) => {
    const paths = dnsmasqPaths(dir, 'pt')
    await writeFile(paths.pid, `${process.pid}\n`) // this test process: alive, but not a dnsmasq with our config
    assert.equal(await isDnsmasqRunning(paths), false)
    assert.equal(await stopDnsmasq(paths), false)
    assert.equal(await readPidFile(paths.pid), undefined, 'the stale pid file is removed')
    await assert.rejects(reloadDnsmasq(DEF, paths), (e: unknown) => e instanceof HostnetError && e.kind === 'not-found')
  }))

test('/proc helpers: alive, argv, our own UDP sockets only', async () => {
  assert.equal(await processAlive(process.pid), true)
  assert.equal(await processAlive(2 ** 22 + 1), false)
  assert.ok((await processArgv(process.pid))?.includes(process.execPath) || (await processArgv(process.pid))?.[0]?.includes('node'))
  assert.equal(await isDnsmasqWithConf(process.pid, '/x.conf'), false)
  const sock = createSocket('udp4')
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve))
  const port = sock.address().port
  try {
    assert.ok((await udpPortsOf(process.pid)).has(port))
  } finally {
    await new Promise<void>((resolve) => sock.close(resolve))
  }
  assert.ok(!(await udpPortsOf(process.pid)).has(port))
})
