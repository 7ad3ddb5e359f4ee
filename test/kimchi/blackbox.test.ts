/**
 * The black-box Kimchi suite (./suite.ts) over HTTP. By default against hostnet's facade in a sandbox: a private
 * libvirtd with QEMU (guests under TCG, net-booting so that iPXE asks the network's dnsmasq for a lease), serve on a
 * loopback port, an admin token, and a temporary host account for HTTP Basic through PAM (a user, not an admin).
 * The libvirt domain XML is checked with virsh after each NIC operation.
 *
 * Against any other server (a real Kimchi, or hostnet elsewhere):
 *   KIMCHI_URL=https://host:8001 KIMCHI_ADMIN=root:password [KIMCHI_USER=user:password] KIMCHI_NICS=eth1,eth2,eth3 \
 *   [KIMCHI_GUESTS=1] node --test dist/test/kimchi/blackbox.test.js
 * (KIMCHI_INSECURE=1 accepts a self-signed certificate).
 */
import { after, before } from 'node:test'
import { spawnSync } from 'node:child_process'
import { canUseNetns, leakedNetns } from '../helpers/netns.js'
import { KimchiClient, type Credentials } from './client.js'
import { KimchiLab } from './lab.js'
import { kimchiS390Suite, kimchiSuite, type SuiteTarget } from './suite.js'
import { test } from 'node:test'
import { libvirtdMissing } from '../../src/backend/libvirt/index.js'
import assert from 'node:assert/strict'

const remote = process.env['KIMCHI_URL']
const pam = spawnSync('pamtester', ['-v']).error === undefined && spawnSync('useradd', ['--help'], { stdio: 'ignore' }).error === undefined
const skip = remote !== undefined ? false : !canUseNetns() ? 'needs root and ip netns' : (libvirtdMissing() ?? false)

let lab: KimchiLab | undefined
let target: SuiteTarget | undefined

function creds(v: string): Credentials {
  const i = v.indexOf(':')
  return { user: v.slice(0, i), password: v.slice(i + 1) }
}

before(async () => {
  if (skip !== false) return
  if (remote !== undefined) {
    if (process.env['KIMCHI_INSECURE'] === '1') process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = '0'
    const user = process.env['KIMCHI_USER']
    target = {
      admin: new KimchiClient(remote, creds(process.env['KIMCHI_ADMIN'] ?? 'root:')),
      anonymous: new KimchiClient(remote),
      ...(user === undefined ? {} : { user: new KimchiClient(remote, creds(user)), login: { username: (creds(user) as { user: string }).user, password: (creds(user) as { password: string }).password } }),
      nics: (process.env['KIMCHI_NICS'] ?? '').split(',').filter((x) => x !== ''),
      guests: process.env['KIMCHI_GUESTS'] === '1',
      vlans: process.env['KIMCHI_VLANS'] !== '0',
      guestsBoot: false,
      prefix: `bb${process.pid}-`,
    }
    return
  }
  const l = await KimchiLab.open({ libvirt: true, ovs: true, pamUser: pam })
  lab = l
  // the default network, as Kimchi's template.conf names it (always in use)
  const admin = l.admin()
  assert.equal((await admin.post('/plugins/kimchi/networks', { name: 'default', connection: 'nat' })).status, 201)
  assert.equal((await admin.post('/plugins/kimchi/networks/default/activate', {})).status, 200)
  target = {
    admin,
    anonymous: l.client(undefined),
    ...(l.user === undefined ? {} : { user: l.client(l.user), login: { username: l.user.user, password: l.user.password } }),
    nics: ['eth1', 'eth2', 'eth3'],
    guests: true,
    vlans: false, // this kernel has no 802.1q: the VLAN variant runs in the full-kernel lane (bridge.test.ts)
    guestsBoot: true,
    prefix: 'bb-',
    domainXml: (vm, inactive) => l.virsh('dumpxml', ...(inactive ? ['--inactive'] : []), vm),
    removeNetworkElsewhere: async (name) => {
      const r = await l.client({ token: l.adminToken }).del(`/api/v1/targets/${encodeURIComponent(`netns:${l.ns}`)}/networks/${encodeURIComponent(name)}`)
      assert.ok(r.status === 200 || r.status === 204, r.text)
    },
    ovsBridge: async () => {
      const r = await admin.call('POST', `/api/v1/targets/${encodeURIComponent(`netns:${l.ns}`)}/apply`, { raw: 'interfaces:\n  - {name: ovsbr0, type: ovs-bridge, state: up}\n', type: 'application/yaml' })
      assert.equal(r.status, 200, r.text)
      return 'ovsbr0'
    },
    networkXml: async (name) => {
      const r = await admin.get(`/api/v1/targets/${encodeURIComponent(`netns:${l.ns}`)}/networks/${encodeURIComponent(name)}`, { headers: { accept: 'application/xml' } })
      assert.equal(r.status, 200, r.text)
      return r.text
    },
    richNetwork: async () => {
      const xml = "<network><name>bb-rich</name><forward mode='bridge'/><bridge name='ovsbr0'/><virtualport type='openvswitch'/><vlan><tag id='42'/></vlan><portgroup name='pg' default='yes'><bandwidth><inbound average='1000'/><outbound average='500'/></bandwidth></portgroup></network>"
      const t = `/api/v1/targets/${encodeURIComponent(`netns:${l.ns}`)}/networks`
      const d = await admin.call('POST', t, { raw: xml, type: 'application/xml' })
      assert.equal(d.status, 201, d.text)
      const s = await admin.call('POST', `${t}/bb-rich/start`)
      assert.equal(s.status, 200, s.text)
      return { name: 'bb-rich', expect: ["<virtualport type='openvswitch'>", "<tag id='42'/>", "<inbound average='1000'/>", "<outbound average='500'/>", "<source bridge='ovsbr0'/>"] }
    },
    addAddress: (dev, cidr) => l.ip('addr', 'add', cidr, 'dev', dev),
    delAddress: (dev, cidr) => l.ip('addr', 'del', cidr, 'dev', dev),
    addLink: (name) => l.ip('link', 'add', name, 'type', 'bridge'),
    delLink: (name) => l.ip('link', 'del', name),
    handBridge: async () => {
      l.ip('link', 'add', 'brhand', 'type', 'bridge')
      l.ip('link', 'set', 'eth0', 'master', 'brhand')
      l.ip('link', 'set', 'brhand', 'up')
      return 'brhand'
    },
  }
})

after(async () => {
  await lab?.close()
  if (lab !== undefined) assert.deepEqual(leakedNetns().filter((n) => n.startsWith(lab!.ns)), [], 'no namespace left behind')
})

kimchiSuite(() => target, skip)

// one implementation underneath: what the facade did is in hostnet's change record, by the caller
test("kimchi: the facade's changes are hostnet's (the change record, with the caller as actor)", { skip: skip || (remote !== undefined ? 'a hostnet lab only' : false) }, async () => {
  const l = lab!
  const r = await l.admin().get(`/api/v1/changes?target=${encodeURIComponent(`netns:${l.ns}`)}&kind=network,port,template,vm&limit=1000`)
  assert.equal(r.status, 200, r.text)
  const recs = (Array.isArray(r.json) ? r.json : r.json.changes) as Array<{ kind: string; object: string; actor: string }>
  const has = (kind: string, object: string): boolean => recs.some((c) => c.kind === kind && c.object === object && c.actor.startsWith('api:token:'))
  for (const [kind, object] of [['network.defined', 'bb-gnat'], ['network.started', 'bb-gnat'], ['network.undefined', 'bb-iso'], ['template.created', 'bb-gt'], ['vm.defined', 'bb-vm'], ['vm.nic-attached', 'bb-vm'], ['vm.nic-updated', 'bb-vm'], ['vm.nic-detached', 'bb-vm'], ['vm.started', 'bb-vm'], ['vm.undefined', 'bb-vm']] as const) {
    assert.ok(has(kind, object), `${kind} ${object} by the token in ${JSON.stringify(recs.slice(-5))}`)
  }
  for (const kind of ['port.created', 'port.deleted']) assert.ok(recs.some((c) => c.kind === kind && c.actor.startsWith('api:token:')), `the guests' ports: ${kind}`)
})

// Kimchi's s390x rules: the local server again with --kimchi-arch s390x (a remote one when KIMCHI_S390X=1)
let s390: SuiteTarget | undefined
test('kimchi: serve again with --kimchi-arch s390x', { skip }, async () => {
  if (lab === undefined) {
    if (process.env['KIMCHI_S390X'] === '1') s390 = target
    return
  }
  await lab.stopServe()
  lab.opts.serveArgs = ['--kimchi-arch', 's390x']
  await lab.startServe()
  s390 = { ...target!, admin: lab.admin(), anonymous: lab.client(undefined) }
})
kimchiS390Suite(() => s390, skip === false && remote !== undefined && process.env['KIMCHI_S390X'] !== '1' ? 'KIMCHI_S390X=1 not given' : skip)
