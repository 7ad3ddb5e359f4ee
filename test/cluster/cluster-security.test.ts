/**
 * Issue 17's documented security set-up, on a single etcd member: TLS with client certificates (members refuse a
 * client without one), authentication on, and per host a user `agent-ID` whose role reads config/ and writes only
 * its own status/ID and alive/ID. The agent runs with that user over TLS and converges; writing anything else with
 * its credentials is refused.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { canUseNetns, leakedNetns } from '../helpers/netns.js'
import { EtcdCluster, haveEtcd } from '../helpers/etcd.js'
import { ClusterLab, ip } from '../helpers/cluster-lab.js'
import { ClusterState, EtcdClient, EtcdUnavailableError } from '../../src/store/etcd/index.js'

const haveTools = ((): boolean => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' })
    execFileSync('etcdctl', ['version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()
const skip = !canUseNetns() ? 'needs root and ip netns' : !haveEtcd() || !haveTools ? 'needs etcd, etcdctl and openssl' : false
let dir: string
let etcd: EtcdCluster
let lab: ClusterLab
const pem = (f: string): Buffer => readFileSync(join(dir, f))

function cert(name: string, subject: string, ext: string): void {
  execFileSync('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.csr`), '-subj', subject], { stdio: 'ignore' })
  writeFileSync(join(dir, `${name}.ext`), ext)
  execFileSync('openssl', ['x509', '-req', '-in', join(dir, `${name}.csr`), '-CA', join(dir, 'ca.pem'), '-CAkey', join(dir, 'ca.key'), '-CAcreateserial', '-out', join(dir, `${name}.pem`), '-days', '1', '-extfile', join(dir, `${name}.ext`)], { stdio: 'ignore' })
}

function etcdctl(...args: string[]): string {
  return execFileSync('etcdctl', ['--endpoints', etcd.urls, '--cacert', join(dir, 'ca.pem'), '--cert', join(dir, 'admin.pem'), '--key', join(dir, 'admin.key'), ...args], { encoding: 'utf8', env: { ...process.env, ETCDCTL_API: '3' } })
}

before(async () => {
  if (skip !== false) return
  dir = mkdtempSync(join(tmpdir(), 'hostnet-etcd-pki-'))
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.pem'), '-days', '1', '-subj', '/CN=hostnet-test-ca'], { stdio: 'ignore' })
  // the member's certificate serves its gateway as a client too (clientAuth)
  cert('member', '/CN=etcd', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n')
  // clients' certificates carry no common name: etcd 3.4 refuses gateway requests from one that has (it would
  // not be used for authentication there); who the client is comes from its user's token
  cert('admin', '/O=hostnet/OU=admin', 'extendedKeyUsage=clientAuth\n')
  cert('h1', '/O=hostnet/OU=agent-h1', 'extendedKeyUsage=clientAuth\n')
  etcd = await EtcdCluster.start(1, { cert: join(dir, 'member.pem'), key: join(dir, 'member.key'), ca: join(dir, 'ca.pem') })
  etcdctl('user', 'add', 'root:rootpw')
  etcdctl('role', 'add', 'agent-h1')
  etcdctl('role', 'grant-permission', 'agent-h1', '--prefix=true', 'read', '/hostnet/config/')
  etcdctl('role', 'grant-permission', 'agent-h1', 'readwrite', '/hostnet/status/h1')
  etcdctl('role', 'grant-permission', 'agent-h1', 'readwrite', '/hostnet/alive/h1')
  etcdctl('user', 'add', 'agent-h1:h1pw')
  etcdctl('user', 'grant-role', 'agent-h1', 'agent-h1')
  etcdctl('auth', 'enable')
  writeFileSync(join(dir, 'h1.password'), 'h1pw\n', { mode: 0o600 })
})

after(async () => {
  if (skip !== false) return
  await lab?.destroy()
  await etcd?.stop()
  rmSync(dir, { recursive: true, force: true })
  assert.deepEqual(leakedNetns(), [])
})

test('TLS: a client without a certificate is refused; with one and a user, only what its role allows', { skip }, async () => {
  const bare = new EtcdClient({ endpoints: etcd.endpoints, tls: { ca: pem('ca.pem') }, requestTimeoutMs: 1000 })
  await assert.rejects(bare.get('/hostnet/config/generation'), EtcdUnavailableError)
  bare.close()
  const agent = new EtcdClient({ endpoints: etcd.endpoints, tls: { ca: pem('ca.pem'), cert: pem('h1.pem'), key: pem('h1.key') }, auth: { user: 'agent-h1', password: 'h1pw' } })
  const c = new ClusterState(agent)
  try {
    assert.equal((await c.read()).hosts.size, 0)
    await c.putStatus({ hostId: 'h1', revision: 1, state: 'converged', failures: [], networks: [], documents: [], timeMs: 0, agentStartMs: 0 })
    const denied = (e: unknown): boolean => (e as { kind?: string }).kind === 'permission'
    await assert.rejects(c.putStatus({ hostId: 'h2', revision: 1, state: 'converged', failures: [], networks: [], documents: [], timeMs: 0, agentStartMs: 0 }), denied)
    await assert.rejects(c.defineNetwork({ name: 'evil', segment: { kind: 'vxlan', vni: 7 } }), denied)
    await assert.rejects(c.putHost({ id: 'h1', address: '10.0.0.1', labels: {} }), denied)
  } finally {
    agent.close()
  }
})

test('the agent runs with its own user over TLS and converges to what the admin defines', { skip }, async () => {
  lab = new ClusterLab(etcd.urls, { tls: { ca: pem('ca.pem'), cert: pem('admin.pem'), key: pem('admin.key') }, auth: { user: 'root', password: 'rootpw' } })
  await lab.addHosts(1)
  await lab.register()
  lab.startAgent('h1', {}, ['--etcd-ca', join(dir, 'ca.pem'), '--etcd-cert', join(dir, 'h1.pem'), '--etcd-key', join(dir, 'h1.key'), '--etcd-user', 'agent-h1', '--etcd-password-file', join(dir, 'h1.password')])
  const { revision } = await lab.cluster.defineNetwork({ name: 'sec', segment: { kind: 'vxlan', vni: 3131 } })
  await lab.waitFor(['h1'], revision, (s) => s.state === 'converged' && s.networks.includes('sec'))
  assert.match(ip(lab.host('h1').netns, 'link', 'show', 'vxl3131'), /vxl3131/)
  assert.equal((await lab.cluster.alive()).has('h1'), true, 'its liveness key, under its lease')
  assert.equal(await lab.stopAgent('h1'), 0)
})
