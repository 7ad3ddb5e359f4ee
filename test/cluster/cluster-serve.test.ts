/**
 * `hostnet serve --etcd URL --cluster-host-id ID --cluster-netns NAME`: the agent runs inside serve, and the API
 * serves the cluster's admin verbs under /api/v1/cluster (the same as `hostnet cluster ...`).
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { canUseNetns, makeNetns, removeNetns, leakedNetns } from '../helpers/netns.js'
import { EtcdCluster, haveEtcd } from '../helpers/etcd.js'
import { ApiLab, ip } from '../api/lab.js'

const skip = !canUseNetns() ? 'needs root and ip netns' : !haveEtcd() ? 'needs etcd (etcd-server)' : false
let etcd: EtcdCluster
let lab: ApiLab
let hostNs = ''

before(async () => {
  if (skip !== false) return
  etcd = await EtcdCluster.start(1)
  hostNs = await makeNetns('ch')
  lab = await ApiLab.open({ serveArgs: ['--etcd', etcd.urls, '--cluster-host-id', 'h1', '--cluster-netns', hostNs] })
})

after(async () => {
  if (skip !== false) return
  await lab?.close()
  if (hostNs !== '') await removeNetns(hostNs)
  await etcd?.stop()
  assert.deepEqual(leakedNetns(), [])
})

test('the API defines a host and a logical network; the agent inside serve applies it; status shows it converged', { skip }, async () => {
  const json = (v: unknown) => ({ body: JSON.stringify(v), type: 'application/json' })
  const host = await lab.req('PUT', '/api/v1/cluster/hosts/h1', json({ address: '10.98.0.1', labels: { rack: 'a' } }))
  assert.equal(host.status, 200, host.text)
  const bad = await lab.req('PUT', '/api/v1/cluster/networks/n1', json({ segment: { kind: 'vxlan', vni: 0 } }))
  assert.equal(bad.status, 422, bad.text)
  assert.match(bad.text, /VNI of logical network 'n1'/)
  const unknown = await lab.req('PUT', '/api/v1/cluster/networks/n1', json({ segment: { kind: 'vxlan' }, colour: 'red' }))
  assert.equal(unknown.status, 400, 'unknown fields are refused')
  const def = await lab.req('PUT', '/api/v1/cluster/networks/n1', json({ segment: { kind: 'vxlan', vni: 5151 }, hosts: { rack: 'a' } }))
  assert.equal(def.status, 200, def.text)
  const revision = def.json.revision as number
  let st: { revision: number; hosts: Array<{ id: string; converged: boolean; status: { networks: string[] } | null }> } | undefined
  for (let i = 0; i < 1200; i++) {
    st = (await lab.req('GET', '/api/v1/cluster/status', { via: 'ro' })).json
    if (st!.revision >= revision && st!.hosts[0]?.converged === true) break
    await new Promise((r) => setTimeout(r, 100))
  }
  assert.equal(st!.hosts[0]?.converged, true, `${JSON.stringify(st)}\n${lab.serveLog.slice(-1500)}`)
  assert.deepEqual(st!.hosts[0]!.status!.networks, ['n1'])
  assert.match(ip(hostNs, 'link', 'show', 'vxl5151'), /master vbr5151/)
  const viewer = await lab.req('DELETE', '/api/v1/cluster/networks/n1', { via: 'ro' })
  assert.equal(viewer.status, 403, 'viewers read only')
  assert.equal((await lab.req('DELETE', '/api/v1/cluster/networks/n1')).status, 200)
  assert.equal((await lab.req('DELETE', '/api/v1/cluster/networks/n1')).status, 404)
})
