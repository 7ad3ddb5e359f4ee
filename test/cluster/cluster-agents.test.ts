/**
 * Issue 17 on this machine: hosts are network namespaces on an underlay bridge, each with its own agent process
 * and state directory; one single-member etcd for the whole file. In order: a logical VXLAN network defined once
 * reaches every host and carries a ping between guests on the first and the last host; a document for a label
 * reaches exactly those hosts; a document failing on one host fails there only; a host cut off with its agent
 * killed converges after it comes back; agents keep the last state while etcd is down and catch up after; an
 * agent killed mid-apply recovers; removing the network removes it everywhere.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { canUseNetns, leakedNetns } from '../helpers/netns.js'
import { EtcdCluster, haveEtcd } from '../helpers/etcd.js'
import { ClusterLab, ip } from '../helpers/cluster-lab.js'
import { openRuntime } from '../../src/service/runtime.js'
import { addGuest, removeGuest } from '../../src/lab/guests.js'

const HOSTS = Number(process.env['HOSTNET_TEST_CLUSTER_HOSTS'] ?? 16)
const skip = !canUseNetns() ? 'needs root and ip netns' : !haveEtcd() ? 'needs etcd (etcd-server)' : false
let etcd: EtcdCluster
let lab: ClusterLab
const all = (): string[] => lab.hosts.map((h) => h.id)
const last = (): string => `h${HOSTS}`

function links(ns: string): Array<{ ifname: string; mtu: number; linkinfo?: { info_kind?: string } }> {
  return JSON.parse(ip(ns, '-j', '-d', 'link', 'show')) as Array<{ ifname: string; mtu: number }>
}
const has = (ns: string, dev: string): boolean => links(ns).some((l) => l.ifname === dev)

function ping(fromNs: string, to: string): boolean {
  try {
    execFileSync('ip', ['netns', 'exec', fromNs, 'ping', '-c', '1', '-W', '2', to], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

before(async () => {
  if (skip !== false) return
  etcd = await EtcdCluster.start(1)
  lab = new ClusterLab(etcd.urls)
  await lab.addHosts(HOSTS)
  await lab.register((_h, i) => ({ rack: i % 2 === 0 ? 'a' : 'b' }))
  for (const h of lab.hosts) lab.startAgent(h.id)
})

after(async () => {
  if (skip !== false) return
  await lab?.destroy()
  await etcd?.stop()
  assert.deepEqual(leakedNetns(), [])
})

test(`a logical VXLAN network defined once reaches all ${HOSTS} hosts; guests on the first and last host ping each other`, { skip }, async () => {
  const { network, revision } = await lab.cluster.defineNetwork({ name: 'blue', segment: { kind: 'vxlan' } })
  assert.equal(network.segment.kind === 'vxlan' && network.segment.vni, 10000, 'the first VNI allocated')
  assert.equal(network.bridge, 'vbr10000')
  const st = await lab.waitFor(all(), revision, (s) => s.state === 'converged' && s.networks.includes('blue'))
  assert.equal(st.size, HOSTS)
  const h1 = lab.host('h1')
  const vx = JSON.parse(ip(h1.netns, '-j', '-d', 'link', 'show', 'vxl10000'))[0] as { mtu: number; linkinfo: { info_data: { id: number; local: string } } }
  assert.equal(vx.linkinfo.info_data.id, 10000)
  assert.equal(vx.linkinfo.info_data.local, '10.77.0.1')
  assert.equal(vx.mtu, 1450, 'the underlay MTU minus the VXLAN overhead')
  const fdb = execFileSync('bridge', ['-n', h1.netns, 'fdb', 'show', 'dev', 'vxl10000'], { encoding: 'utf8' })
  assert.equal((fdb.match(/^00:00:00:00:00:00 dst /gm) ?? []).length, HOSTS - 1, 'head-end replication to every other host')
  // guests attach as on one host: a port of the hostnet network (mode bridge) on the local bridge
  const guests: Array<{ host: string; ns: string; addr: string }> = []
  for (const [id, n] of [['h1', 1], [last(), 2]] as const) {
    const h = lab.host(id)
    const rt = await openRuntime({ stateDir: h.stateDir })
    try {
      const g = await addGuest({ networks: rt.networks(), sandbox: h.netns, guest: 'vm', network: 'blue', mac: `52:54:00:00:00:0${n}` })
      ip(g.netns, 'addr', 'add', `192.168.77.${n}/24`, 'dev', 'eth0')
      ip(g.netns, 'link', 'set', 'eth0', 'mtu', '1450')
      guests.push({ host: id, ns: g.netns, addr: `192.168.77.${n}` })
    } finally {
      rt.close()
    }
  }
  assert.equal(ping(guests[0]!.ns, guests[1]!.addr), true, `guest on h1 → guest on ${last()}`)
  assert.equal(ping(guests[1]!.ns, guests[0]!.addr), true, `guest on ${last()} → guest on h1`)
  for (const g of guests) {
    const rt = await openRuntime({ stateDir: lab.host(g.host).stateDir })
    try {
      await removeGuest(rt.networks(), lab.host(g.host).netns, 'vm')
    } finally {
      rt.close()
    }
  }
})

test('a host document for label rack=a reaches exactly the hosts with that label', { skip }, async () => {
  const revision = await lab.cluster.putDocument({ name: 'rack-a', labels: { rack: 'a' }, format: 'yaml', text: 'interfaces:\n- name: bra\n  type: linux-bridge\n  state: up\n' })
  await lab.waitFor(all(), revision)
  for (const [i, h] of lab.hosts.entries()) {
    assert.equal(has(h.netns, 'bra'), i % 2 === 0, `${h.id} (rack ${i % 2 === 0 ? 'a' : 'b'})`)
  }
})

test('a document failing on one host fails there only, reported with the host and the field; the others apply it', { skip }, async () => {
  // every host but h3 has eth1 (a veth): a macvlan over it fails on h3 alone
  for (const h of lab.hosts) if (h.id !== 'h3') ip(h.netns, 'link', 'add', 'eth1', 'type', 'veth', 'peer', 'name', 'eth1p')
  const revision = await lab.cluster.putDocument({
    name: 'mv',
    labels: {},
    format: 'json',
    text: JSON.stringify({ interfaces: [{ name: 'mv0', type: 'mac-vlan', state: 'up', 'mac-vlan': { 'base-iface': 'eth1', mode: 'bridge' } }] }),
  })
  const st = await lab.waitFor(all(), revision, (s) => s.state === 'converged' || s.failures.length > 0)
  const bad = st.get('h3')!
  assert.equal(bad.state, 'failed')
  assert.deepEqual(bad.failures.map((f) => f.object), ['document mv'])
  assert.match(bad.failures[0]!.message, /eth1/)
  assert.ok(bad.failures[0]!.path?.startsWith('/interfaces/0'), JSON.stringify(bad.failures[0]))
  assert.ok(bad.networks.includes('blue'), 'h3 keeps its network')
  for (const h of lab.hosts) {
    if (h.id === 'h3') continue
    assert.equal(st.get(h.id)!.state, 'converged', h.id)
    assert.equal(has(h.netns, 'mv0'), true, h.id)
  }
  assert.equal(has(lab.host('h3').netns, 'mv0'), false)
  // fixed by removing the document: h3 converges again
  const rev2 = await lab.cluster.deleteDocument('mv')
  assert.ok(rev2 !== undefined)
  await lab.waitFor(all(), rev2)
})

test('a host cut off from the underlay with its agent killed converges to what changed meanwhile', { skip }, async () => {
  await lab.stopAgent('h2', 'SIGKILL')
  lab.setLink('h2', false)
  const { revision } = await lab.cluster.defineNetwork({ name: 'blue', segment: { kind: 'vxlan' }, mtu: 1400 })
  const others = all().filter((id) => id !== 'h2')
  await lab.waitFor(others, revision)
  assert.equal(links(lab.host('h2').netns).find((l) => l.ifname === 'vbr10000')?.mtu, 1450, 'h2 was not told')
  lab.setLink('h2', true)
  lab.startAgent('h2')
  const st = await lab.waitFor(['h2'], revision)
  assert.equal(st.get('h2')!.state, 'converged')
  assert.equal(links(lab.host('h2').netns).find((l) => l.ifname === 'vbr10000')?.mtu, 1400)
  assert.equal(links(lab.host('h2').netns).find((l) => l.ifname === 'vxl10000')?.mtu, 1400)
})

test('while etcd is down agents keep the last state; after it returns they apply what changed', { skip }, async () => {
  await etcd.kill(0)
  await new Promise((r) => setTimeout(r, 1500))
  for (const h of lab.hosts) {
    assert.equal(h.agent?.exitCode, null, `${h.id}'s agent keeps running`)
    assert.equal(has(h.netns, 'vbr10000'), true, `${h.id} keeps its network`)
  }
  await etcd.restart(0)
  const { revision } = await lab.cluster.defineNetwork({ name: 'green', segment: { kind: 'vxlan' }, hosts: { rack: 'b' } })
  await lab.waitFor(all(), revision)
  for (const [i, h] of lab.hosts.entries()) assert.equal(has(h.netns, 'vbr10001'), i % 2 === 1, h.id)
})

test('an agent killed in the middle of an apply recovers on restart like the CLI, and converges', { skip }, async () => {
  await lab.stopAgent('h4')
  lab.startAgent('h4', { HOSTNET_TEST_PAUSE_AFTER_APPLY_MS: '4000' })
  await lab.waitFor(['h4'], 0, (s) => s.agentStartMs > 0 && s.state === 'converged')
  const before = (await lab.cluster.statuses()).get('h4')!.agentStartMs
  const { revision } = await lab.cluster.defineNetwork({ name: 'blue', segment: { kind: 'vxlan' }, mtu: 1300 })
  // wait until the device changed in the kernel (the apply is paused before its verification), then kill
  const deadline = Date.now() + 120_000
  while (links(lab.host('h4').netns).find((l) => l.ifname === 'vbr10000')?.mtu !== 1300) {
    assert.ok(Date.now() < deadline, 'the paused apply did not start')
    await new Promise((r) => setTimeout(r, 50))
  }
  await lab.stopAgent('h4', 'SIGKILL')
  lab.startAgent('h4')
  const st = await lab.waitFor(['h4'], revision, (s) => s.state === 'converged' && s.agentStartMs !== before)
  assert.ok(st.get('h4')!.networks.includes('blue'))
  assert.equal(links(lab.host('h4').netns).find((l) => l.ifname === 'vbr10000')?.mtu, 1300)
  const rt = await openRuntime({ stateDir: lab.host('h4').stateDir }, { networks: false })
  try {
    const statuses = rt.store.journal.list({}).map((e) => e.status)
    assert.ok(statuses.includes('rolled-back'), `the interrupted transaction was rolled back: ${statuses.join(',')}`)
    assert.equal(rt.store.journal.listOpen().length, 0)
  } finally {
    rt.close()
  }
})

test('removing the logical networks removes them from every host', { skip }, async () => {
  assert.ok((await lab.cluster.undefineNetwork('blue')) !== undefined)
  const revision = (await lab.cluster.undefineNetwork('green'))!
  assert.ok(revision > 0)
  assert.equal(await lab.cluster.undefineNetwork('green'), undefined, 'undefined twice: nothing to remove')
  const st = await lab.waitFor(all(), revision, (s) => s.state === 'converged' && s.networks.length === 0)
  assert.equal(st.size, HOSTS)
  for (const h of lab.hosts) {
    for (const dev of ['vbr10000', 'vxl10000', 'vbr10001', 'vxl10001']) assert.equal(has(h.netns, dev), false, `${h.id}: ${dev}`)
    assert.equal(has(h.netns, 'bra'), h.id === 'h1' || lab.hosts.indexOf(h) % 2 === 0, 'a document is not undone by the network removal')
    const rt = await openRuntime({ stateDir: h.stateDir })
    try {
      assert.deepEqual(rt.networks().list({ kind: 'netns', name: h.netns }, { all: true }), [], `${h.id}: the hostnet networks are gone`)
    } finally {
      rt.close()
    }
  }
  // agents stop cleanly on SIGTERM and revoke their liveness
  for (const h of lab.hosts) assert.equal(await lab.stopAgent(h.id), 0, `${h.id}'s agent exit status\n${lab.log(h.id).slice(-800)}`)
  assert.equal((await lab.cluster.alive()).size, 0)
})
