/**
 * Issue 17 with a 3-member etcd: the leader is killed while a change of a logical network is being written and
 * read; every host converges, and each applies the change exactly once (one more committed transaction in its
 * journal, no other).
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { canUseNetns, leakedNetns } from '../helpers/netns.js'
import { EtcdCluster, haveEtcd } from '../helpers/etcd.js'
import { ClusterLab, ip } from '../helpers/cluster-lab.js'
import { openStore } from '../../src/store/index.js'
import { execFileSync, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { repoRoot } from '../helpers/paths.js'

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(repoRoot(), 'bin', 'hostnet'), 'cluster', ...args, '--etcd', etcd.urls], { encoding: 'utf8' })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

const HOSTS = 6
const skip = !canUseNetns() ? 'needs root and ip netns' : !haveEtcd() ? 'needs etcd (etcd-server)' : false
let etcd: EtcdCluster
let lab: ClusterLab

function committed(stateDir: string): number {
  const store = openStore(stateDir)
  try {
    return store.journal.list({}).filter((e) => e.status === 'committed').length
  } finally {
    store.close()
  }
}

before(async () => {
  if (skip !== false) return
  etcd = await EtcdCluster.start(3)
  lab = new ClusterLab(etcd.urls)
  await lab.addHosts(HOSTS)
  await lab.register()
  for (const h of lab.hosts) lab.startAgent(h.id)
})

after(async () => {
  if (skip !== false) return
  await lab?.destroy()
  await etcd?.stop()
  assert.deepEqual(leakedNetns(), [])
})

test('killing the etcd leader during a change: every host converges, nothing is applied twice', { skip }, async () => {
  const ids = lab.hosts.map((h) => h.id)
  const first = await lab.cluster.defineNetwork({ name: 'red', segment: { kind: 'vxlan', vni: 4242 } })
  await lab.waitFor(ids, first.revision, (s) => s.state === 'converged' && s.networks.includes('red'))
  // the admin's view: every host converged; a VNI in use and a bad name refused before anything is written
  const st = cli('status', '--json')
  assert.equal(st.status, 0, st.stderr)
  const view = JSON.parse(st.stdout) as { revision: number; hosts: Array<{ id: string; alive: boolean; converged: boolean }> }
  assert.deepEqual(view.hosts.map((h) => [h.id, h.alive, h.converged]), ids.map((id) => [id, true, true]))
  const taken = cli('net-define', 'other', '--vni', '4242')
  assert.notEqual(taken.status, 0)
  assert.match(taken.stderr, /VNI 4242 is already used by logical network 'red'/)
  const bad = cli('net-define', 'a/b')
  assert.equal(bad.status, 2)
  assert.match(bad.stderr, /invalid logical network name: 'a\/b' must be/)
  assert.match(cli('net-list').stdout, /^red +vxlan 4242 +vbr4242 +all$/m)
  const before = new Map(lab.hosts.map((h) => [h.id, committed(h.stateDir)]))
  const leader = await etcd.leader()
  const [changed] = await Promise.all([
    lab.cluster.defineNetwork({ name: 'red', segment: { kind: 'vxlan', vni: 4242 }, mtu: 1380 }),
    new Promise((r) => setTimeout(r, 5)).then(() => etcd.kill(leader)),
  ])
  const newLeader = await etcd.leader()
  assert.notEqual(newLeader, leader, 'another member leads')
  await lab.waitFor(ids, changed.revision, (s) => s.state === 'converged')
  for (const h of lab.hosts) {
    const mtu = (JSON.parse(ip(h.netns, '-j', 'link', 'show', 'vbr4242')) as Array<{ mtu: number }>)[0]!.mtu
    assert.equal(mtu, 1380, h.id)
    assert.equal(committed(h.stateDir), before.get(h.id)! + 1, `${h.id}: the change applied once`)
  }
  // the killed member comes back and catches up; the agents keep converged
  await etcd.restart(leader)
  // a host leaving: its agent removes what it made, the others drop it from head-end replication; joining again
  const fdb = (): number => (execFileSync('bridge', ['-n', lab.hosts[0]!.netns, 'fdb', 'show', 'dev', 'vxl4242'], { encoding: 'utf8' }).match(/^00:00:00:00:00:00 dst /gm) ?? []).length
  assert.equal(fdb(), HOSTS - 1)
  const left = (await lab.cluster.removeHost('h6'))!
  await lab.waitFor(ids, left, (s) => s.state === 'converged' && (s.hostId === 'h6' ? s.networks.length === 0 : s.networks.includes('red')))
  assert.equal(fdb(), HOSTS - 2)
  assert.equal(ip(lab.host('h6').netns, '-j', 'link', 'show').includes('vbr4242'), false, 'h6 removed the network it made')
  const joined = await lab.cluster.putHost({ id: 'h6', address: lab.host('h6').address, labels: {}, underlayIface: 'eth0' })
  await lab.waitFor(ids, joined, (s) => s.state === 'converged' && s.networks.includes('red'))
  assert.equal(fdb(), HOSTS - 1)
  const last = await lab.cluster.undefineNetwork('red')
  await lab.waitFor(ids, last!, (s) => s.state === 'converged' && s.networks.length === 0)
  for (const h of lab.hosts) assert.equal(await lab.stopAgent(h.id), 0, h.id)
})
