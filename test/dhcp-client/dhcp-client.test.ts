/**
 * Issue 14, item 2: DHCP on host interfaces, as a user runs it. A sandbox whose uplink switch has a dnsmasq
 * (router, name server); `apply` of `ipv4: {dhcp: true}` on a NIC starts hostnet's dhcpcd for it, waits for the
 * lease, and the NIC has the leased address, the default route and the namespace's resolver the name server;
 * `show` reports the client and its lease and re-applies to nothing; `auto-gateway: false` restarts the client
 * without the default route. A failed transaction (a second NIC never gets a lease: its switch port is down)
 * rolls back: both clients stop and what they configured is gone. Nothing is found by name: the clients are
 * hostnet's records, and the test checks no dhcpcd of the state directory remains.
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { destroySandbox } from '../../src/lab/sandbox.js'
import { listNetns } from '../../src/sys/netns.js'
import { canUseNetns, uniqueNetnsName } from '../helpers/netns.js'
import { runCli, tempDir } from '../engine/cli-helpers.js'

const skip = !canUseNetns() ? 'needs root and ip netns' : spawnSync('dhcpcd', ['--version']).status !== 0 ? 'dhcpcd is not installed (scripts/install.sh)' : false
const sb = uniqueNetnsName('dh')
const dir = tempDir('hostnet-dhcp-')
const sd = ['--state-dir', dir.path]
let dnsmasqPid: number | undefined

after(async () => {
  if (skip !== false) return
  if (dnsmasqPid !== undefined) {
    try {
      process.kill(dnsmasqPid, 'SIGTERM')
    } catch {
      // already gone
    }
  }
  await destroySandbox(sb)
  dir.remove()
  assert.deepEqual(listNetns().filter((n) => n.startsWith(sb)), [])
  assert.ok(!existsSync(`/etc/netns/${sb}`), 'the resolver file is gone with the clients')
})

function ip(ns: string, ...args: string[]): string {
  return execFileSync('ip', ['-n', ns, ...args], { encoding: 'utf8' })
}

function v4(ns: string, dev: string): string[] {
  const j = JSON.parse(ip(ns, '-j', '-4', 'addr', 'show', 'dev', dev)) as Array<{ addr_info: Array<{ local: string; prefixlen: number; dynamic?: boolean }> }>
  return j.flatMap((l) => l.addr_info.map((a) => `${a.local}/${a.prefixlen}${a.dynamic === true ? ' dynamic' : ''}`))
}

function routes(ns: string): string[] {
  return (JSON.parse(ip(ns, '-j', '-4', 'route', 'show')) as Array<{ dst: string; gateway?: string; dev: string }>).map((r) => `${r.dst}${r.gateway === undefined ? '' : ` via ${r.gateway}`} dev ${r.dev}`)
}

/** The pids of the clients the state directory records (none once they all stopped). */
function recordedClients(): number[] {
  const root = join(dir.path, 'dhcp-clients')
  if (!existsSync(root)) return []
  const out: number[] = []
  for (const t of readdirSync(root)) {
    for (const c of readdirSync(join(root, t))) {
      const rec = JSON.parse(readFileSync(join(root, t, c, 'client.json'), 'utf8')) as { owner?: { pid: number } }
      if (rec.owner !== undefined) out.push(rec.owner.pid)
    }
  }
  return out
}

function doc(name: string, text: string): string {
  const f = join(dir.path, name)
  writeFileSync(f, text)
  return f
}

test('dhcp: true gets a lease from a dnsmasq on the uplink (address, default route, name server); show re-applies to nothing; rollback stops the clients and removes what they configured', { skip, timeout: 120_000 }, async () => {
  const made = await runCli(['sandbox', 'create', '--name', sb])
  assert.equal(made.code, 0, made.stderr)
  const sw = `${sb}-sw`
  ip(sw, 'addr', 'add', '10.77.9.1/24', 'dev', 'uplink')
  const pidFile = join(dir.path, 'dnsmasq.pid')
  execFileSync('ip', ['netns', 'exec', sw, 'dnsmasq', '--conf-file=/dev/null', `--pid-file=${pidFile}`, '--interface=uplink', '--bind-interfaces',
    '--except-interface=lo', '--port=0', '--dhcp-range=10.77.9.10,10.77.9.20,255.255.255.0,10m', '--dhcp-option=option:router,10.77.9.1',
    '--dhcp-option=option:dns-server,10.77.9.53', `--dhcp-leasefile=${join(dir.path, 'dnsmasq.leases')}`])
  dnsmasqPid = Number(readFileSync(pidFile, 'utf8').trim())

  const up = await runCli(['apply', '--netns', sb, ...sd, doc('dhcp.yml', 'interfaces:\n  - name: eth1\n    type: veth\n    state: up\n    ipv4: {enabled: true, dhcp: true}\n')])
  assert.equal(up.code, 0, up.stderr)
  assert.match(up.stdout, /\+ start the DHCP client \(ipv4\) of 'eth1'/)
  const [leased] = v4(sb, 'eth1')
  assert.match(leased ?? '', /^10\.77\.9\.(1\d|20)\/24 dynamic$/, 'the leased address, added by the client')
  assert.ok(routes(sb).includes('default via 10.77.9.1 dev eth1'), routes(sb).join('; '))
  assert.match(readFileSync(`/etc/netns/${sb}/resolv.conf`, 'utf8'), /^nameserver 10\.77\.9\.53$/m, "the lease's name server in the namespace's resolver")
  assert.equal(recordedClients().length, 1)

  const shown = await runCli(['show', '--netns', sb, ...sd, 'eth1'])
  assert.match(shown.stdout, /dhcp: true\n\s+auto-dns: true\n\s+auto-gateway: true\n\s+auto-routes: true/)
  assert.match(shown.stdout, new RegExp(`lease:\\n\\s+address: ${leased!.split(' ')[0]!.replace(/\./g, '\\.')}\\n\\s+server: 10\\.77\\.9\\.1`))
  const again = await runCli(['apply', '--netns', sb, ...sd, doc('shown.yml', shown.stdout)])
  assert.equal(again.code, 0, again.stderr)
  assert.match(again.stdout, /nothing to do/)
  const json = await runCli(['show', '--netns', sb, ...sd, '--json', 'eth1'])
  assert.equal((JSON.parse(json.stdout) as { interfaces: Array<{ ipv4: { dhcp?: boolean } }> }).interfaces[0]?.ipv4.dhcp, true)

  // the settings change: the client is restarted without the default route
  const noGw = await runCli(['apply', '--netns', sb, ...sd, doc('nogw.yml', 'interfaces:\n  - name: eth1\n    type: veth\n    ipv4: {enabled: true, dhcp: true, auto-gateway: false}\n')])
  assert.equal(noGw.code, 0, noGw.stderr)
  assert.match(noGw.stdout, /- stop the DHCP client \(ipv4\) of 'eth1'[\s\S]*\+ start the DHCP client \(ipv4\) of 'eth1'/)
  assert.ok(!routes(sb).some((r) => r.startsWith('default')), routes(sb).join('; '))
  assert.equal(v4(sb, 'eth1').length, 1)

  // eth2's switch port is down: no lease within the (shortened) timeout; verification fails and both roll back
  ip(sw, 'link', 'set', 'swp2', 'down')
  const both = doc('both.yml', 'interfaces:\n  - name: eth1\n    type: veth\n    ipv4: {enabled: true, dhcp: false}\n  - name: eth2\n    type: veth\n    ipv4: {enabled: true, dhcp: true}\n')
  const failed = await runCli(['apply', '--netns', sb, ...sd, both], { HOSTNET_DHCP_TIMEOUT_MS: '1500' })
  assert.equal(failed.code, 8, failed.stdout + failed.stderr)
  assert.match(failed.stderr, /eth2.*ipv4\.lease/)
  // rolled back: eth1's client with its settings again (and its lease), none on eth2
  assert.equal(v4(sb, 'eth2').length, 0)
  const after1 = await runCli(['show', '--netns', sb, ...sd, 'eth1', 'eth2'])
  assert.match(after1.stdout, /name: eth1[\s\S]*dhcp: true\n\s+auto-dns: true\n\s+auto-gateway: false/)
  assert.doesNotMatch(after1.stdout.slice(after1.stdout.indexOf('name: eth2')), /dhcp: true/)
  assert.equal(recordedClients().length, 1)

  // turning it off stops the client: its address, its routes and the resolver go
  const pids = recordedClients()
  const off = await runCli(['apply', '--netns', sb, ...sd, doc('off.yml', 'interfaces:\n  - name: eth1\n    type: veth\n    ipv4: {enabled: true, dhcp: false}\n')])
  assert.equal(off.code, 0, off.stderr)
  assert.deepEqual(v4(sb, 'eth1'), [])
  assert.deepEqual(routes(sb).filter((r) => r.includes('eth1')), [])
  assert.ok(!existsSync(`/etc/netns/${sb}/resolv.conf`))
  assert.deepEqual(recordedClients(), [])
  for (const pid of pids) assert.ok(!existsSync(`/proc/${pid}`) || readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2] === 'Z', `dhcpcd ${pid} stopped`)
})

test('refused before anything runs: auto-route-table-id other than main, IPv6 dhcp without autoconf (exit 5)', { skip }, async () => {
  const t = await runCli(['apply', '--netns', sb, ...sd, doc('table.yml', 'interfaces:\n  - name: eth3\n    type: veth\n    ipv4: {enabled: true, dhcp: true, auto-route-table-id: 100}\n')])
  assert.equal(t.code, 5, t.stderr)
  assert.match(t.stderr, /ipv4\.auto-route-table-id 100/)
  const v6 = await runCli(['apply', '--netns', sb, ...sd, doc('v6.yml', 'interfaces:\n  - name: eth3\n    type: veth\n    ipv6: {enabled: true, dhcp: true, autoconf: false}\n')])
  assert.equal(v6.code, 5, v6.stderr)
  assert.deepEqual(recordedClients(), [])
})
