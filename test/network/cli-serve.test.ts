/**
 * The net-* verbs through bin/hostnet (exit codes, text and JSON), and `hostnet serve`: it starts autostart
 * networks, restarts a killed dnsmasq, and after a "reboot" (the namespace deleted and made again) a new serve
 * brings the autostart network back.
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createNetns, deleteNetns } from '../../src/sys/netns.js'
import { canUseNetns, leakedNetns, makeNetns, removeNetns } from '../helpers/netns.js'
import { runCli, spawnCli, tempDir } from '../engine/cli-helpers.js'
import { natXml } from './fakes.js'
import { links, nftChains, processesIn } from './lab.js'

const skip = !canUseNetns() ? 'needs root and ip netns' : false

after(() => {
  if (skip === false) assert.deepEqual(leakedNetns(), [])
})

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v !== undefined) return v
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

function killNs(ns: string): void {
  for (const pid of processesPids(ns)) process.kill(pid, 'SIGKILL')
}

function processesPids(ns: string): number[] {
  const out = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout
  return out.split('\n').filter((p) => /^\d+$/.test(p)).map(Number)
}

test('net-* verbs: define, start, list, info, dumpxml, autostart, destroy, undefine, with libvirt exit codes', { skip }, async () => {
  const ns = await makeNetns('cli')
  const dir = tempDir('hostnet-netcli-')
  const t = ['--netns', ns, '--state-dir', dir.path]
  try {
    const file = join(dir.path, 'n.xml')
    writeFileSync(file, natXml('clinet', '10.220.0'))
    assert.equal((await runCli(['net-define', ...t, file])).code, 0)
    assert.equal((await runCli(['net-define', '--state-dir', dir.path, file])).code, 2, 'no target')
    writeFileSync(join(dir.path, 'bad.xml'), natXml('bad', '10.221.0').replace("start='10.221.0.10'", "start='10.99.0.10'"))
    const bad = await runCli(['net-define', ...t, join(dir.path, 'bad.xml')])
    assert.equal(bad.code, 2)
    assert.match(bad.stderr, /bad/)
    assert.equal((await runCli(['net-start', ...t, 'nosuch'])).code, 3)
    assert.equal((await runCli(['net-start', ...t, 'clinet'])).code, 0)
    assert.equal((await runCli(['net-start', ...t, 'clinet'])).code, 4, 'already active')
    const list = JSON.parse((await runCli(['net-list', ...t, '--json'])).stdout) as Array<{ name: string; state: string; bridge: string }>
    assert.deepEqual(list.map((n) => [n.name, n.state, n.bridge]), [['clinet', 'active', 'virbr0']])
    assert.match((await runCli(['net-info', ...t, 'clinet'])).stdout, /Active:\s+yes/)
    assert.match((await runCli(['net-dumpxml', ...t, 'clinet'])).stdout, /<bridge name='virbr0'/)
    assert.equal((await runCli(['net-autostart', ...t, 'clinet'])).code, 0)
    assert.match((await runCli(['net-list', '--all', '--state-dir', dir.path])).stdout, new RegExp(`netns:${ns}\\s+clinet\\s+active\\s+yes\\s+yes`))
    assert.equal((await runCli(['net-destroy', ...t, 'clinet'])).code, 0)
    assert.ok(!links(ns).includes('virbr0'))
    assert.deepEqual(processesIn(ns), [])
    assert.equal((await runCli(['net-destroy', ...t, 'clinet'])).code, 4, 'not active')
    assert.equal((await runCli(['net-undefine', ...t, 'clinet'])).code, 0)
    assert.equal((await runCli(['net-info', ...t, 'clinet'])).code, 3)
  } finally {
    killNs(ns)
    await removeNetns(ns)
    dir.remove()
  }
})

test('serve: autostart, dnsmasq restarted when killed, autostart again after a "reboot"', { skip }, async () => {
  const ns = await makeNetns('srv')
  const dir = tempDir('hostnet-netserve-')
  const t = ['--netns', ns, '--state-dir', dir.path]
  const info = async (): Promise<{ state: string; dnsmasqPid?: number; dnsmasqRestarts: number }> =>
    JSON.parse((await runCli(['net-info', ...t, 'auto', '--json'])).stdout) as { state: string; dnsmasqPid?: number; dnsmasqRestarts: number }
  let serve = spawnCli(['serve', '--state-dir', dir.path])
  try {
    writeFileSync(join(dir.path, 'a.xml'), natXml('auto', '10.222.0'))
    writeFileSync(join(dir.path, 'm.xml'), natXml('manual', '10.223.0'))
    assert.equal((await runCli(['net-define', ...t, join(dir.path, 'a.xml')])).code, 0)
    assert.equal((await runCli(['net-define', ...t, join(dir.path, 'm.xml')])).code, 0)
    assert.equal((await runCli(['net-autostart', ...t, 'auto'])).code, 0)
    serve.kill('SIGTERM')
    serve = spawnCli(['serve', '--state-dir', dir.path])
    const first = await until('autostart', async () => ((await info()).state === 'active' ? await info() : undefined))
    assert.equal(JSON.parse((await runCli(['net-info', ...t, 'manual', '--json'])).stdout).state, 'inactive')
    process.kill(first.dnsmasqPid!, 'SIGKILL')
    const again = await until('dnsmasq restart', async () => {
      const i = await info()
      return i.dnsmasqRestarts === 1 && i.dnsmasqPid !== first.dnsmasqPid ? i : undefined
    })
    assert.ok(processesIn(ns).includes('dnsmasq'), `pid ${again.dnsmasqPid}`)
    serve.kill('SIGTERM')
    await new Promise((r) => serve.once('exit', r))
    assert.equal((await info()).state, 'active', 'networks keep running without serve')
    // "reboot": the namespace and everything in it is gone
    killNs(ns)
    await deleteNetns(ns)
    await createNetns(ns)
    assert.equal((await info()).state, 'inactive', 'recovery notices the vanished namespace')
    serve = spawnCli(['serve', '--state-dir', dir.path])
    await until('autostart after reboot', async () => ((await info()).state === 'active' ? true : undefined))
    assert.ok(links(ns).includes('virbr0'))
  } finally {
    serve.kill('SIGTERM')
    await runCli(['net-destroy', ...t, 'auto'])
    killNs(ns)
    await removeNetns(ns)
    dir.remove()
  }
})

test('kill -9 during net-start: the next hostnet command tears the half-started network down', { skip }, async () => {
  const ns = await makeNetns('crash')
  const dir = tempDir('hostnet-netcrash-')
  const t = ['--netns', ns, '--state-dir', dir.path]
  try {
    writeFileSync(join(dir.path, 'c.xml'), natXml('crash', '10.224.0'))
    assert.equal((await runCli(['net-define', ...t, join(dir.path, 'c.xml')])).code, 0)
    const child = spawnCli(['net-start', ...t, 'crash'], { HOSTNET_TEST_NET_PAUSE_AFTER_BRIDGE_MS: '30000' })
    await until('the bridge', async () => (links(ns).includes('virbr0') ? true : undefined))
    await until('dnsmasq', async () => (processesIn(ns).includes('dnsmasq') ? true : undefined))
    child.kill('SIGKILL')
    await new Promise((r) => child.once('exit', r))
    const list = await runCli(['net-list', '--all', ...t, '--json'])
    assert.equal(list.code, 0, list.stderr)
    assert.match(list.stderr, /interrupted while starting/)
    assert.deepEqual((JSON.parse(list.stdout) as Array<{ name: string; state: string }>).map((n) => [n.name, n.state]), [['crash', 'inactive']])
    assert.ok(!links(ns).includes('virbr0'), links(ns).join(','))
    assert.ok(!links(ns).some((l) => l.startsWith('hngc')), 'no retired bridge left')
    assert.deepEqual(processesIn(ns), [])
    assert.deepEqual(nftChains(ns), [])
    assert.equal((await runCli(['net-start', ...t, 'crash'])).code, 0, 'and it starts cleanly afterwards')
    assert.equal((await runCli(['net-destroy', ...t, 'crash'])).code, 0)
  } finally {
    killNs(ns)
    await removeNetns(ns)
    dir.remove()
  }
})
