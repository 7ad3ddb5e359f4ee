/**
 * Kimchi's bridged network over a NIC that carries the host's address and default route (Kimchi #812: the host cut
 * off), through `hostnet serve --kimchi-netns` on a namespace `host` whose `eth0` leads to a namespace `outside`
 * (the gateway 10.77.0.1, and 198.18.5.1 behind it, reachable only through the default route):
 *   - a failure forced half-way through the bridge transaction (serve's test hook) leaves eth0 as it was: its
 *     address, its default route, no bridge, no network;
 *   - the network made: the bridge kbeth0 has the address and the default route, eth0 none, the outside is reached;
 *   - the network deleted: eth0 has its address and route back, the bridge is gone, the outside is reached.
 * With a VLAN id (the full-kernel lane: ./bridge-lane.ts): the bridge kbeth0-<id> over eth0.<id>, eth0 keeping its
 * own address and route (another segment), and a guest on the bridge reaching the outside's VLAN interface.
 * Used by ./bridge.test.ts on this kernel and by ./bridge-lane.ts under User-Mode Linux.
 * @module
 */
import assert from 'node:assert/strict'
import { execFileSync, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnCli } from '../engine/cli-helpers.js'
import { makeNetns, removeNetns } from '../helpers/netns.js'
import { KimchiClient, kpath } from './client.js'

const BRIDGE_FAIL_ENV = 'HOSTNET_TEST_KIMCHI_BRIDGE_FAIL'

export interface BridgeCaseOptions {
  vlanId?: number
  /** Where the state directory goes (the UML guest's /run: its /tmp is the host's, through hostfs). */
  tmpBase?: string
}

/** Whether `ns` reaches `addr` (ICMP echo, a few tries). */
function pings(ns: string, addr: string): boolean {
  return spawnSync('ip', ['netns', 'exec', ns, 'ping', '-q', '-n', '-c', '1', '-w', '3', addr], { stdio: 'ignore' }).status === 0
}

function ip(ns: string, ...args: string[]): string {
  return execFileSync('ip', ['-n', ns, ...args], { encoding: 'utf8' })
}

interface Addr {
  local: string
  prefixlen: number
}

function ipv4(ns: string, dev: string): string[] {
  const j = JSON.parse(ip(ns, '-j', '-4', 'addr', 'show', 'dev', dev)) as Array<{ addr_info: Addr[] }>
  return (j[0]?.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`)
}

function defaultRoute(ns: string): { dev: string; gateway: string } | undefined {
  const j = JSON.parse(ip(ns, '-j', '-4', 'route', 'show', 'default')) as Array<{ dev: string; gateway: string }>
  return j[0] === undefined ? undefined : { dev: j[0].dev, gateway: j[0].gateway }
}

function links(ns: string): string[] {
  return (JSON.parse(ip(ns, '-j', 'link', 'show')) as Array<{ ifname: string }>).map((l) => l.ifname).sort()
}

function masterOf(ns: string, dev: string): string | undefined {
  return (JSON.parse(ip(ns, '-j', 'link', 'show', 'dev', dev)) as Array<{ master?: string }>)[0]?.master
}

async function startServe(dir: string, ns: string, env: Record<string, string>): Promise<{ child: ChildProcess; client: KimchiClient; log(): string }> {
  const child = spawnCli(['serve', '--state-dir', dir, '--poll-ms', '200', '--no-console', '--kimchi-netns', ns], env)
  let log = ''
  child.stdout?.on('data', (b: Buffer) => (log += b.toString()))
  child.stderr?.on('data', (b: Buffer) => (log += b.toString()))
  const sock = join(dir, 'api', 'hostnet.sock')
  const deadline = Date.now() + 30_000
  while (!(existsSync(sock) && log.includes('Kimchi-compatible API'))) {
    if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}: ${log}`)
    if (Date.now() > deadline) throw new Error(`serve did not start: ${log}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  return { child, client: new KimchiClient(`unix:${sock}`), log: () => log }
}

async function stopServe(s: { child: ChildProcess; client: KimchiClient }): Promise<void> {
  s.client.close()
  if (s.child.exitCode !== null) return
  const exited = new Promise((r) => s.child.once('exit', r))
  s.child.kill('SIGTERM')
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))])
  if (s.child.exitCode === null) s.child.kill('SIGKILL')
}

export async function bridgeCase(opts: BridgeCaseOptions = {}): Promise<void> {
  const dir = mkdtempSync(join(opts.tmpBase ?? tmpdir(), 'hostnet-kbr-'))
  const host = await makeNetns('kbh')
  const outside = await makeNetns('kbo')
  const guest = opts.vlanId === undefined ? undefined : await makeNetns('kbg')
  let serve: Awaited<ReturnType<typeof startServe>> | undefined
  const vlan = opts.vlanId
  const bridge = vlan === undefined ? 'kbeth0' : `kbeth0-${vlan}`
  const name = vlan === undefined ? 'lan' : `lan${vlan}`
  try {
    for (const ns of [host, outside]) ip(ns, 'link', 'set', 'lo', 'up')
    ip(host, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'up0', 'netns', outside)
    ip(host, 'addr', 'add', '10.77.0.2/24', 'dev', 'eth0')
    ip(host, 'link', 'set', 'eth0', 'up')
    ip(host, 'route', 'add', 'default', 'via', '10.77.0.1', 'dev', 'eth0')
    ip(outside, 'addr', 'add', '10.77.0.1/24', 'dev', 'up0')
    ip(outside, 'addr', 'add', '198.18.5.1/32', 'dev', 'lo')
    ip(outside, 'link', 'set', 'up0', 'up')
    const asBefore = (what: string): void => {
      assert.deepEqual(ipv4(host, 'eth0'), ['10.77.0.2/24'], `${what}: eth0's address`)
      assert.deepEqual(defaultRoute(host), { dev: 'eth0', gateway: '10.77.0.1' }, `${what}: the default route`)
      assert.equal(masterOf(host, 'eth0'), undefined, `${what}: eth0 is no port`)
      assert.deepEqual(links(host), ['eth0', 'lo'], `${what}: no other device`)
    }
    const reachesOutside = async (what: string): Promise<void> => {
      assert.ok(pings(host, '198.18.5.1'), `${what}: the host reaches the outside through its default route`)
    }
    asBefore('at first')
    await reachesOutside('at first')
    const body = { name, connection: 'bridge', interfaces: ['eth0'], ...(vlan === undefined ? {} : { vlan_id: vlan }) }

    // a failure half-way: the transaction rolls back, eth0 as it was, no network
    serve = await startServe(dir, host, { [BRIDGE_FAIL_ENV]: '1' })
    const failed = await serve.client.post(kpath('networks'), body)
    assert.equal(failed.status, 500, failed.text)
    assert.match(failed.json.reason, /^KCHNET0025E: /)
    asBefore('after the failed creation')
    await reachesOutside('after the failed creation')
    assert.equal((await serve.client.get(kpath('networks', name))).status, 404, 'no network was defined')
    await stopServe(serve)
    serve = undefined

    serve = await startServe(dir, host, {})
    const c = serve.client
    const made = await c.post(kpath('networks'), body)
    assert.equal(made.status, 201, made.text)
    assert.deepEqual(made.json.interfaces, [bridge])
    if (vlan === undefined) {
      assert.deepEqual(ipv4(host, bridge), ['10.77.0.2/24'], 'the bridge has the address')
      assert.deepEqual(ipv4(host, 'eth0'), [], 'eth0 has none')
      assert.deepEqual(defaultRoute(host), { dev: bridge, gateway: '10.77.0.1' }, 'the default route goes through the bridge')
      assert.equal(masterOf(host, 'eth0'), bridge)
      assert.equal(made.json.subnet, '10.77.0.0/24', "Kimchi shows the bridge's address space")
    } else {
      assert.deepEqual(ipv4(host, 'eth0'), ['10.77.0.2/24'], 'eth0 keeps its address (the VLAN is another segment)')
      assert.deepEqual(defaultRoute(host), { dev: 'eth0', gateway: '10.77.0.1' })
      assert.equal(masterOf(host, `eth0.${vlan}`), bridge, 'the VLAN device is the bridge port')
      assert.deepEqual(ipv4(host, bridge), [])
    }
    await reachesOutside('with the bridge')
    assert.equal((await c.post(kpath('networks', name, 'activate'), {})).status, 200)
    if (vlan !== undefined && guest !== undefined) {
      // a guest on the VLAN bridge reaches the outside's interface on that VLAN: tagged frames over eth0
      ip(outside, 'link', 'add', 'link', 'up0', 'name', `up0.${vlan}`, 'type', 'vlan', 'id', String(vlan))
      ip(outside, 'addr', 'add', '10.78.0.1/24', 'dev', `up0.${vlan}`)
      ip(outside, 'link', 'set', `up0.${vlan}`, 'up')
      ip(host, 'link', 'add', 'vg0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', guest)
      ip(host, 'link', 'set', 'vg0', 'master', bridge)
      ip(host, 'link', 'set', 'vg0', 'up')
      ip(guest, 'addr', 'add', '10.78.0.5/24', 'dev', 'eth0')
      ip(guest, 'link', 'set', 'eth0', 'up')
      assert.ok(pings(guest, '10.78.0.1'), 'a guest on the VLAN bridge reaches VLAN ' + String(vlan))
      ip(host, 'link', 'del', 'vg0')
    }
    assert.equal((await c.post(kpath('networks', name, 'deactivate'), {})).status, 200)
    const del = await c.del(kpath('networks', name))
    assert.equal(del.status, 204, del.text)
    asBefore('after the network was deleted')
    await reachesOutside('after the network was deleted')
  } catch (e) {
    if (serve !== undefined && e instanceof Error) e.message += `\nserve's log:\n${serve.log().slice(-3000)}`
    throw e
  } finally {
    if (serve !== undefined) await stopServe(serve)
    for (const ns of [host, outside, guest]) if (ns !== undefined) await removeNetns(ns)
    rmSync(dir, { recursive: true, force: true })
  }
}
