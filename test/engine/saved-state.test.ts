/**
 * The saved desired state (issue 15) in a namespace, through the CLI: every committed document (partial edits,
 * removals, a confirmed one) is merged into it; drift made by hand with `ip` is shown by `diff --saved` and undone
 * by `restore --saved`; `boot` brings the state back after it was torn down, and with a "NIC" gone applies what
 * does not depend on it and reports the rest, without forgetting the missing part.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { canUseNetns, leakedNetns, makeNetns, removeNetns } from '../helpers/netns.js'
import { runCli, spawnCli, tempDir, type CliResult } from './cli-helpers.js'
import { waitFor } from './kernel-helpers.js'

const skip = !canUseNetns() ? 'needs root and ip netns' : false
let ns = ''
let dir: { path: string; remove(): void }
let docNo = 0

before(async () => {
  if (skip !== false) return
  ns = await makeNetns('sv')
  dir = tempDir('hostnet-saved-')
  // stand-ins for the host's NICs: made outside hostnet, never in a document of their own
  for (const n of ['nic0', 'nic1']) {
    ip('link', 'add', n, 'type', 'veth', 'peer', 'name', `${n}p`)
    ip('link', 'set', n, 'up')
  }
})

after(async () => {
  if (skip !== false) return
  await removeNetns(ns)
  dir.remove()
  assert.deepEqual(leakedNetns(), [])
})

function ip(...args: string[]): string {
  return execFileSync('ip', ['-n', ns, ...args], { encoding: 'utf8' })
}

function cli(...args: string[]): Promise<CliResult> {
  return runCli([...args, '--netns', ns, '--state-dir', dir.path])
}

async function apply(yaml: string, ...flags: string[]): Promise<void> {
  const f = join(dir.path, `doc-${docNo++}.yaml`)
  writeFileSync(f, yaml)
  const r = await cli('apply', f, ...flags)
  assert.equal(r.code, 0, r.stderr)
}

interface Link {
  ifname: string
  mtu: number
  master?: string
  addr_info?: Array<{ local: string; prefixlen: number }>
}
const link = (name: string): Link | undefined => (JSON.parse(ip('-j', 'addr', 'show')) as Link[]).find((l) => l.ifname === name)
const addrs = (name: string): string[] => (link(name)?.addr_info ?? []).filter((a) => !a.local.startsWith('fe80')).map((a) => `${a.local}/${a.prefixlen}`)

async function saved(): Promise<{ interfaces: Array<Record<string, unknown> & { name: string }>; routes?: { config: unknown[] } }> {
  const r = await cli('show', '--saved', '--json')
  assert.equal(r.code, 0, r.stderr)
  return JSON.parse(r.stdout)
}

test('every committed document is merged into the saved state: partial edits, removals, a confirmed transaction', { skip }, async () => {
  assert.equal((await cli('show', '--saved')).code, 3, 'nothing saved yet: not found')
  await apply(`interfaces:
  - name: br0
    type: linux-bridge
    state: up
    bridge:
      options: {stp: {enabled: false}}
      ports: [{name: nic0}]
    ipv4: {enabled: true, address: [{ip: 10.77.0.1, prefix-length: 24}]}
  - name: mv0
    type: mac-vlan
    state: up
    mac-vlan: {base-iface: nic1, mode: bridge}
    ipv4: {enabled: true, address: [{ip: 10.79.0.2, prefix-length: 24}]}
routes:
  config:
    - {destination: 10.78.0.0/24, next-hop-address: 10.77.0.254, next-hop-interface: br0}
`)
  await apply('interfaces:\n  - name: mv0\n    type: mac-vlan\n    mtu: 1400\n')
  await apply('interfaces:\n  - name: v9\n    type: veth\n    state: up\n    veth: {peer: v9p}\n')
  await apply('interfaces:\n  - name: v9\n    type: veth\n    state: absent\n')
  await apply('interfaces:\n  - name: v8\n    type: veth\n    state: up\n    veth: {peer: v8p}\n', '--confirm-within', '60')
  assert.ok(!(await saved()).interfaces.some((i) => i.name === 'v8'), 'a transaction waiting for confirmation is not saved yet')
  assert.equal((await cli('commit')).code, 0)
  const s = await saved()
  assert.deepEqual(s.interfaces.map((i) => i.name).sort(), ['br0', 'mv0', 'v8', 'v8p'].filter((n) => s.interfaces.some((i) => i.name === n)).sort())
  const mv0 = s.interfaces.find((i) => i.name === 'mv0')!
  assert.equal(mv0['mtu'], 1400)
  assert.deepEqual(mv0['ipv4'], { enabled: true, addresses: [{ ip: '10.79.0.2', prefixLength: 24 }] }, 'kept by the partial edit')
  assert.ok(!s.interfaces.some((i) => i.name === 'v9'), 'removed by a later document')
  assert.ok(s.interfaces.some((i) => i.name === 'v8'), 'saved once confirmed')
  assert.equal(s.routes?.config.length, 1)
  const conf = await cli('gen-conf', '--format', 'networkd', '--saved')
  assert.equal(conf.code, 0, conf.stderr)
  assert.match(conf.stdout, /# FILE 10-br0\.netdev\n\[NetDev\]\nName=br0\nKind=bridge/)
  assert.match(conf.stdout, /# FILE 10-nic0\.network\n\[Match\]\nName=nic0\n\n\[Network\]\nBridge=br0/)
  const clean = await cli('diff', '--saved')
  assert.equal(clean.code, 0, clean.stderr)
  assert.match(clean.stdout, /matches its saved state/)
})

test('drift made by hand with ip: shown by diff --saved, undone by restore --saved', { skip }, async () => {
  ip('link', 'set', 'mv0', 'mtu', '1500')
  ip('addr', 'del', '10.77.0.1/24', 'dev', 'br0')
  ip('link', 'set', 'nic0', 'nomaster')
  const d = await cli('diff', '--saved')
  assert.equal(d.code, 0, d.stderr)
  for (const what of ['br0', 'mv0', 'nic0', '10.77.0.1', '1400']) assert.match(d.stdout, new RegExp(what.replace(/\./g, '\\.')), d.stdout)
  const r = await cli('restore', '--saved')
  assert.equal(r.code, 0, r.stderr)
  assert.match(r.stdout, /restored network namespace .* to its saved state: \d+ operations \(transaction \d+, verified\)/)
  assert.equal(link('mv0')?.mtu, 1400)
  assert.deepEqual(addrs('br0'), ['10.77.0.1/24'])
  assert.equal(link('nic0')?.master, 'br0')
  assert.deepEqual(addrs('mv0'), ['10.79.0.2/24'])
  assert.match((await cli('diff', '--saved')).stdout, /matches its saved state/)
  assert.equal((await cli('restore')).code, 2, 'restore needs --saved')
})

test('boot after the state was torn down, with a NIC gone: the rest comes back and is verified, the missing part is reported and kept', { skip }, async () => {
  for (const n of ['br0', 'v8', 'nic1']) ip('link', 'del', n)
  const b = await runCli(['boot', '--state-dir', dir.path, '--json'])
  assert.equal(b.code, 0, b.stderr)
  const report = JSON.parse(b.stdout) as { targets: Array<{ target: string; status: string; skipped: Array<{ object: string; reason: string }> }> }
  const t = report.targets.find((x) => x.target === `netns:${ns}`)
  assert.equal(t?.status, 'committed', b.stdout)
  assert.deepEqual(t?.skipped.map((s) => s.object), ['mv0'])
  assert.match(t?.skipped[0]?.reason ?? '', /nic1/)
  assert.deepEqual(addrs('br0'), ['10.77.0.1/24'])
  assert.equal(link('nic0')?.master, 'br0')
  assert.ok(link('v8') !== undefined)
  assert.match(ip('route', 'show', '10.78.0.0/24'), /via 10\.77\.0\.254 dev br0/)
  assert.ok((await saved()).interfaces.some((i) => i.name === 'mv0'), 'the missing part stays saved')
  // the NIC comes back: the next restore brings the rest
  ip('link', 'add', 'nic1', 'type', 'veth', 'peer', 'name', 'nic1p')
  ip('link', 'set', 'nic1', 'up')
  const again = await cli('restore', '--saved', '--json')
  assert.equal(again.code, 0, again.stderr)
  assert.deepEqual((JSON.parse(again.stdout) as { skipped: unknown[] }).skipped, [])
  assert.deepEqual(addrs('mv0'), ['10.79.0.2/24'])
})

test('hostnet serve restores the saved state when it starts (--no-boot: it does not)', { skip }, async () => {
  const run = async (extra: string[], until: () => boolean): Promise<void> => {
    const daemon = spawnCli(['serve', '--state-dir', dir.path, '--no-api', '--poll-ms', '100', ...extra])
    const exited = new Promise<void>((resolve) => daemon.on('exit', () => resolve()))
    try {
      assert.ok(await waitFor(() => existsSync(join(dir.path, 'serve.pid')), 15_000), 'serve started')
      await waitFor(until, 15_000)
    } finally {
      daemon.kill('SIGTERM')
      await exited
    }
  }
  ip('addr', 'flush', 'dev', 'br0')
  let polls = 0
  await run(['--no-boot'], () => ++polls > 30) // about 3 s of a running serve (the restore took under 1 s above)
  assert.deepEqual(addrs('br0'), [], '--no-boot leaves the drift alone')
  await run([], () => addrs('br0').length > 0)
  assert.deepEqual(addrs('br0'), ['10.77.0.1/24'], 'restored at start')
})
