/**
 * The private libvirtd of the benchmarks: a NAT network with DHCP goes through define/start/destroy/undefine in
 * one virsh session, its bridge, dnsmasq and firewall rules exist only inside the private namespaces (the host's
 * links, nft/iptables rules and ip_forward do not change), and stop() leaves no process, mount or directory.
 * Skipped where libvirt is not installed, except under CI (where scripts/install.sh installs it).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HARNESS_DIR_PREFIX, libvirtMissing, reapStaleHarnesses, startPrivateLibvirtd } from '../../bench/harness/libvirtd.js'
import { bridgeNetworkXml, macForIndex, natNetworkDoc, networkPortXml } from '../../bench/harness/libvirt-docs.js'
import { isAlive, processesInNetns, procStartTime } from '../../bench/harness/procs.js'

const missing = libvirtMissing()
if (missing !== undefined && process.env['CI']) throw new Error(`libvirt is required under CI: ${missing}`)

const PREFIX = `hnt${process.pid % 10000}`

function hostLinkNames(): Set<string> {
  const out = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' })
  return new Set(out.split('\n').map((l) => l.split(':')[1]?.trim().split('@')[0] ?? '').filter((n) => n !== ''))
}

function toolOutput(argv: string[]): string | null {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' })
  if (r.error !== undefined) return null // tool not installed
  return r.stdout
}

/** The host's firewall rules, without timestamps and packet counters. */
function hostRules(): Record<string, string | null> {
  const norm = (s: string | null): string | null =>
    s === null
      ? null
      : s
          .split('\n')
          .filter((l) => !l.startsWith('#'))
          .join('\n')
          .replace(/\[\d+:\d+\]/g, '[]')
          .replace(/counter packets \d+ bytes \d+/g, 'counter')
  return {
    nft: norm(toolOutput(['nft', 'list', 'ruleset'])),
    iptables: norm(toolOutput(['iptables-save'])),
    ip6tables: norm(toolOutput(['ip6tables-save'])),
  }
}

function ipForward(): string {
  return readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim()
}

function hostMountsMentioning(s: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => l.includes(s))
}

test('NAT network with DHCP in one virsh session stays inside the private namespaces', { skip: missing }, async () => {
  const rulesBefore = hostRules()
  const forwardBefore = ipForward()
  const runLibvirtBefore = existsSync('/run/libvirt')
  const lv = await startPrivateLibvirtd()
  const tracked: Array<{ pid: number; start: string; comm: string }> = []
  try {
    const doc = natNetworkDoc(7, PREFIX)
    const file = lv.writeFile('nat.xml', doc.xml)
    const up = await lv.virshSession([
      ['net-list', '--all', '--name'],
      ['net-define', file],
      ['net-start', doc.name],
    ])
    for (const s of up) {
      assert.ok(s.ok, `${s.argv.join(' ')}: ${s.error}`)
      assert.ok(s.ms > 0, `${s.argv.join(' ')} took ${s.ms} ms`)
    }
    assert.equal(up[0]!.output, '', 'no network (no autostarted "default") before ours')
    assert.match(up[2]!.output, /started/)

    // Inside: the bridge with its gateway address, dnsmasq, NAT rules for the subnet.
    const addr = await lv.exec(['ip', '-o', 'addr', 'show', 'dev', doc.bridge])
    assert.match(addr.stdout, /inet 10\.128\.7\.1\/24/)
    const procs = lv.processes()
    assert.ok(procs.some((p) => p.comm === 'dnsmasq'), `dnsmasq runs inside: ${procs.map((p) => p.comm).join(', ')}`)
    assert.ok(procs.some((p) => p.comm === 'libvirtd'))
    const inside = await lv.exec(['iptables-save'])
    assert.ok(inside.stdout.includes('10.128.7.0/24'), 'libvirt added its NAT rules inside')
    for (const p of procs) tracked.push({ pid: p.pid, start: procStartTime(p.pid) ?? '', comm: p.comm })

    // Host: no bridge, no rule, no sysctl change, no /run/libvirt.
    assert.ok(!hostLinkNames().has(doc.bridge), `bridge ${doc.bridge} must not appear in the host namespace`)
    assert.equal(spawnSync('ip', ['link', 'show', 'dev', doc.bridge], { stdio: 'ignore' }).status !== 0, true)
    assert.deepEqual(hostRules(), rulesBefore)
    assert.equal(ipForward(), forwardBefore)
    assert.equal(existsSync('/run/libvirt'), runLibvirtBefore)

    const down = await lv.virshSession([
      ['net-destroy', doc.name],
      ['net-undefine', doc.name],
      ['net-list', '--all', '--name'],
    ])
    for (const s of down) assert.ok(s.ok && s.ms > 0, `${s.argv.join(' ')}: ${s.error}`)
    assert.equal(down[2]!.output, '')
    assert.ok(!lv.processes().some((p) => p.comm === 'dnsmasq'), 'net-destroy ended dnsmasq')
  } finally {
    const dir = lv.dir
    const netns = lv.netns
    await lv.stop()
    await lv.stop() // idempotent
    for (const p of tracked) assert.ok(!isAlive(p.pid, p.start), `${p.comm} (${p.pid}) still runs after stop()`)
    assert.deepEqual(processesInNetns(netns), [], 'no process left in the private namespace')
    assert.equal(existsSync(dir), false, 'harness directory removed')
    assert.deepEqual(hostMountsMentioning(dir), [])
  }
  assert.deepEqual(hostRules(), rulesBefore)
  assert.equal(ipForward(), forwardBefore)
})

test('network ports on a bridge network: create and delete, one virsh process', { skip: missing }, async () => {
  const lv = await startPrivateLibvirtd()
  try {
    const bridge = `${PREFIX}pb`
    await lv.exec(['ip', 'link', 'add', bridge, 'type', 'bridge'])
    await lv.exec(['ip', 'link', 'set', bridge, 'up'])
    assert.ok(!hostLinkNames().has(bridge))
    const net = `${PREFIX}ports`
    const owner = '5b5c3a6e-0000-4000-8000-000000000001'
    const uuids = [1, 2, 3].map((i) => `5b5c3a6e-0000-4000-8000-00000000010${i}`)
    const commands: string[][] = [
      ['net-define', lv.writeFile('ports.xml', bridgeNetworkXml(net, bridge))],
      ['net-start', net],
    ]
    uuids.forEach((uuid, i) => {
      const f = lv.writeFile(`port${i}.xml`, networkPortXml({ uuid, ownerName: 'vm1', ownerUuid: owner, mac: macForIndex(i) }))
      commands.push(['net-port-create', net, f], ['net-port-delete', net, uuid])
    })
    commands.push(['net-port-list', net, '--uuid'])
    const steps = await lv.virshSession(commands)
    for (const s of steps) assert.ok(s.ok && s.ms > 0, `${s.argv.join(' ')}: ${s.error}`)
    assert.match(steps[2]!.output, new RegExp(uuids[0]!))
    assert.equal(steps.at(-1)!.output, '', 'every port was deleted')

    // A long-lived session: the output of one command builds the next.
    const s = await lv.openVirsh()
    try {
      const again = networkPortXml({ uuid: uuids[0]!, ownerName: 'vm1', ownerUuid: owner, mac: macForIndex(9) })
      assert.ok((await s.run(['net-port-create', net, lv.writeFile('again.xml', again)])).ok)
      const list = await s.run(['net-port-list', net, '--uuid'])
      assert.equal(list.output, uuids[0])
      const del = await s.run(['net-port-delete', net, list.output])
      assert.ok(del.ok, del.error)
      const bad = await s.run(['net-port-delete', net, list.output])
      assert.equal(bad.ok, false, 'deleting twice fails, and the session goes on')
      assert.equal((await s.run(['net-port-list', net, '--uuid'])).output, '')
    } finally {
      await s.close()
    }
  } finally {
    await lv.stop()
  }
})

test('reapStaleHarnesses removes directories whose owner is gone and keeps live ones', () => {
  const parent = mkdtempSync(join(tmpdir(), 'hostnet-reap-test-'))
  try {
    const stale = join(parent, `${HARNESS_DIR_PREFIX}stale`)
    const liveDir = join(parent, `${HARNESS_DIR_PREFIX}live`)
    const starting = join(parent, `${HARNESS_DIR_PREFIX}starting`)
    for (const d of [stale, liveDir, starting]) mkdirSync(d)
    const rec = { holderPid: 0, holderStart: 'none', netns: 'net:[0]' }
    writeFileSync(join(stale, 'harness.json'), JSON.stringify({ ...rec, ownerPid: process.pid, ownerStart: 'not-this-process' }))
    const me = { ownerPid: process.pid, ownerStart: procStartTime(process.pid) }
    writeFileSync(join(liveDir, 'harness.json'), JSON.stringify({ ...rec, ...me }))
    assert.equal(reapStaleHarnesses(parent), 1)
    assert.equal(existsSync(stale), false)
    assert.equal(existsSync(liveDir), true)
    assert.equal(existsSync(starting), true, 'a directory without a record yet is left alone')
  } finally {
    rmSync(parent, { recursive: true, force: true })
  }
})

test('startPrivateLibvirtd refuses a work dir the private namespace would hide', { skip: missing }, async () => {
  await assert.rejects(startPrivateLibvirtd({ workDir: '/run/hostnet-x' }), /covers/)
})
