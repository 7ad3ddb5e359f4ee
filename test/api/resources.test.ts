/**
 * Every verb of the API over the read-write Unix socket against a real namespace, checking the real result:
 * networks (bridge, dnsmasq, nft), ports (the tap device on the bridge), interface definitions (the link),
 * host state (apply, diff, confirm/commit/rollback), the journal, targets and OVS's missing-dependency answer.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { canUseNetns, leakedNetns } from '../helpers/netns.js'
import { ApiLab, bridgeXml, commOf, linkNames, natXml, pidsIn, portXml } from './lab.js'

const skip = !canUseNetns() ? 'needs root and ip netns' : false
let lab: ApiLab

before(async () => {
  if (skip === false) lab = await ApiLab.open()
})

after(async () => {
  if (skip !== false) return
  await lab.close()
  assert.deepEqual(leakedNetns(), [])
})

const XML = 'application/xml'

test('networks: define, get (JSON and XML), start (bridge and dnsmasq), list, autostart, leases, stop, redefine, undefine', { skip }, async () => {
  const t = `/targets/${encodeURIComponent(lab.target)}`
  const defined = await lab.req('POST', `${t}/networks`, { body: natXml('apinat', '10.231.0'), type: XML })
  assert.equal(defined.status, 201, defined.text)
  assert.equal(defined.json.name, 'apinat')
  assert.equal(defined.json.bridge, 'virbr0')
  assert.equal(defined.headers['location'], `/api/v1/targets/${encodeURIComponent(lab.target)}/networks/apinat`)
  const withUuid = (subnet3: string): string => natXml('apinat', subnet3).replace('</name>', `</name>\n  <uuid>${defined.json.uuid}</uuid>`)
  const again = await lab.req('POST', `${t}/networks`, { body: withUuid('10.231.0'), type: XML })
  assert.equal(again.status, 201, 'define of an existing name and UUID redefines it, as net-define does')
  const otherUuid = await lab.req('POST', `${t}/networks`, { body: natXml('apinat', '10.231.0'), type: XML })
  assert.equal(otherUuid.status, 409, 'same name, another UUID: refused as libvirt does')
  assert.match(otherUuid.json.detail, /apinat/)

  const info = await lab.req('GET', `${t}/networks/apinat`)
  assert.equal(info.status, 200)
  assert.equal(info.json.state, 'inactive')
  const xml = await lab.req('GET', `${t}/networks/apinat`, { accept: XML })
  assert.equal(xml.headers['content-type'], 'application/xml; charset=utf-8')
  assert.match(xml.text, /^<network>\n {2}<name>apinat<\/name>/)

  const started = await lab.req('POST', `${t}/networks/apinat/start`)
  assert.equal(started.status, 200, started.text)
  assert.equal(started.json.state, 'active')
  assert.ok(linkNames(lab.ns).includes('virbr0'), 'the bridge exists')
  const pid = started.json.dnsmasqPid as number
  assert.ok(pidsIn(lab.ns).includes(pid) && commOf(pid) === 'dnsmasq', 'dnsmasq runs in the namespace')
  assert.equal((await lab.req('POST', `${t}/networks/apinat/start`)).status, 409, 'already active')

  const list = await lab.req('GET', `${t}/networks`)
  assert.deepEqual(list.json.map((n: { name: string; state: string }) => [n.name, n.state]), [['apinat', 'active']])
  const all = await lab.req('GET', '/networks?all=true')
  assert.ok(all.json.some((n: { target: string; name: string }) => n.target === lab.target && n.name === 'apinat'))

  const auto = await lab.req('PUT', `${t}/networks/apinat/autostart`, { body: JSON.stringify({ autostart: true }) })
  assert.deepEqual([auto.status, auto.json], [200, { autostart: true }])
  assert.equal((await lab.req('GET', `${t}/networks/apinat`)).json.autostart, true)
  const leases = await lab.req('GET', `${t}/networks/apinat/leases`)
  assert.deepEqual([leases.status, leases.json], [200, []])
  // net-update: a DHCP host added live reaches dnsmasq by SIGHUP (same pid); libvirt's refusal is a 409 naming its class
  const host = JSON.stringify({ command: 'add', section: 'ip-dhcp-host', xml: "<host mac='52:54:00:aa:0a:01' ip='10.231.0.7'/>" })
  const upd = await lab.req('POST', `${t}/networks/apinat/update`, { body: host })
  assert.equal(upd.status, 200, upd.text)
  assert.deepEqual(upd.json, { name: 'apinat', live: true, config: false, dnsmasq: 'reload', firewall: false })
  assert.equal((await lab.req('GET', `${t}/networks/apinat`)).json.dnsmasqPid, pid, 'SIGHUP, not a restart')
  assert.match((await lab.req('GET', `${t}/networks/apinat`, { accept: XML })).text, /<host mac='52:54:00:aa:0a:01' ip='10\.231\.0\.7'\/>/)
  const dup = await lab.req('POST', `${t}/networks/apinat/update`, { body: host })
  assert.equal(dup.status, 409, dup.text)
  assert.equal(dup.json.details.libvirtError, 'VIR_ERR_OPERATION_INVALID')
  const badSection = await lab.req('POST', `${t}/networks/apinat/update`, { body: JSON.stringify({ command: 'add', section: 'nosuch', xml: '<host/>' }) })
  assert.ok(badSection.status === 400 || badSection.status === 422, `${badSection.status}`)
  const live = await lab.req('GET', `${t}/networks/apinat?inactive=true`, { accept: XML })
  assert.doesNotMatch(live.text, /connections=/)

  const redefined = await lab.req('PUT', `${t}/networks/apinat`, { body: withUuid('10.232.0'), type: XML })
  assert.equal(redefined.status, 200, redefined.text)
  assert.match((await lab.req('GET', `${t}/networks/apinat?inactive=true`, { accept: XML })).text, /10\.232\.0\.1/)
  const wrongName = await lab.req('PUT', `${t}/networks/apinat`, { body: natXml('other', '10.233.0'), type: XML })
  assert.equal(wrongName.status, 422)
  assert.equal((await lab.req('PUT', `${t}/networks/nosuch`, { body: natXml('nosuch', '10.233.0'), type: XML })).status, 404)

  assert.equal((await lab.req('POST', `${t}/networks/apinat/stop`)).status, 204)
  assert.ok(!linkNames(lab.ns).includes('virbr0'), 'the bridge is gone')
  assert.ok(!pidsIn(lab.ns).includes(pid), 'dnsmasq stopped')
  assert.equal((await lab.req('DELETE', `${t}/networks/apinat`)).status, 204)
  const gone = await lab.req('GET', `${t}/networks/apinat`)
  assert.equal(gone.status, 404)
  assert.equal(gone.headers['content-type'], 'application/problem+json')
  assert.equal(gone.json.type, 'urn:hostnet:problem:not-found')
  assert.match(gone.json.detail, /apinat/)
})

test('networks as JSON: define from the model, read it back with definition=true, redefine with PUT; bad JSON names the field', { skip }, async () => {
  const t = `/targets/${encodeURIComponent(lab.target)}`
  const body = { name: 'apijson', forward: { mode: 'bridge' }, bridge: { name: 'br0' } }
  const made = await lab.req('POST', `${t}/networks`, { body: JSON.stringify(body) })
  assert.equal(made.status, 201, made.text)
  const xml = await lab.req('GET', `${t}/networks/apijson?inactive=true`, { accept: XML })
  assert.match(xml.text, /<forward mode='bridge'\/>\n {2}<bridge name='br0'\/>/)
  const got = await lab.req('GET', `${t}/networks/apijson?inactive=true&definition=true`)
  assert.equal(got.json.definition.uuid, made.json.uuid)
  const redefined = await lab.req('PUT', `${t}/networks/apijson`, { body: JSON.stringify({ ...got.json.definition, mtu: 1400, forward: { mode: 'bridge' } }) })
  assert.equal(redefined.status, 422, 'mtu is refused for bridge mode, as in XML')
  assert.match(redefined.json.detail, /mtu/)
  const unknown = await lab.req('POST', `${t}/networks`, { body: JSON.stringify({ ...body, colour: 'red' }) })
  assert.equal(unknown.status, 400)
  assert.match(unknown.json.detail, /unknown field 'colour'/)
  assert.equal((await lab.req('DELETE', `${t}/networks/apijson`)).status, 204)
})

test('transient network: create starts it, stop removes it', { skip }, async () => {
  const t = `/targets/${encodeURIComponent(lab.target)}`
  const made = await lab.req('POST', `${t}/networks?transient=true`, { body: natXml('apitmp', '10.234.0'), type: XML })
  assert.equal(made.status, 201, made.text)
  assert.equal((await lab.req('GET', `${t}/networks/apitmp`)).json.persistent, false)
  assert.ok(linkNames(lab.ns).includes(made.json.bridge))
  assert.equal((await lab.req('POST', `${t}/networks/apitmp/stop`)).status, 204)
  assert.equal((await lab.req('GET', `${t}/networks/apitmp`)).status, 404)
})

test('ports: create (networkport and domain interface), list, get (JSON, XML, domain interface), delete; the tap is on the bridge', { skip }, async () => {
  const t = `/targets/${encodeURIComponent(lab.target)}`
  assert.equal((await lab.req('POST', `${t}/networks`, { body: bridgeXml('apibr'), type: XML })).status, 201)
  assert.equal((await lab.req('POST', `${t}/networks/apibr/start`)).status, 200)
  const uuid = '11111111-2222-4333-8444-555555555555'
  const made = await lab.req('POST', `${t}/networks/apibr/ports`, { body: portXml(uuid, '52:54:00:aa:00:01'), type: XML })
  assert.equal(made.status, 201, made.text)
  assert.equal(made.json.uuid, uuid)
  const dev = made.json.device as string
  assert.match(dev, /^hnp/)
  const link = JSON.parse(execIp(lab.ns, ['-json', 'link', 'show', 'dev', dev])) as Array<{ master?: string }>
  assert.equal(link[0]?.master, 'br0', 'the port device is on the bridge')

  const nic = "<interface type='network'>\n  <mac address='52:54:00:aa:00:02'/>\n  <source network='apibr'/>\n  <model type='virtio'/>\n</interface>\n"
  const fromNic = await lab.req('POST', `${t}/networks/apibr/ports?domain=vm2&plug=false`, { body: nic, type: XML })
  assert.equal(fromNic.status, 201, fromNic.text)
  assert.equal(fromNic.json.owner.name, 'vm2')
  assert.equal(fromNic.json.device, undefined, 'plug=false: no device')

  const list = await lab.req('GET', `${t}/networks/apibr/ports`)
  assert.deepEqual(list.json.map((p: { uuid: string }) => p.uuid).sort(), [uuid, fromNic.json.uuid].sort())
  const asXml = await lab.req('GET', `${t}/networks/apibr/ports/${uuid}`, { accept: XML })
  assert.match(asXml.text, /^<networkport>/)
  assert.match(asXml.text, /<plug type='bridge' bridge='br0'/)
  const iface = await lab.req('GET', `${t}/networks/apibr/ports/${fromNic.json.uuid}?domainInterface=true`)
  assert.match(iface.text, /^<interface type='network'>[\s\S]*<actual type='bridge'>/)
  assert.equal((await lab.req('GET', `${t}/networks/apibr/ports/${uuid}`)).json.mac, '52:54:00:aa:00:01')
  assert.match((await lab.req('GET', `${t}/networks/apibr`, { accept: XML })).text, /connections='2'/)

  assert.equal((await lab.req('DELETE', `${t}/networks/apibr/ports/${uuid}`)).status, 204)
  assert.ok(!linkNames(lab.ns).includes(dev), 'the device is unplugged')
  assert.equal((await lab.req('DELETE', `${t}/networks/apibr/ports/${uuid}`)).status, 404)
  assert.equal((await lab.req('POST', `${t}/networks/apibr/stop`)).status, 204)
  assert.equal((await lab.req('DELETE', `${t}/networks/apibr`)).status, 204)
})

function execIp(ns: string, args: string[]): string {
  return execFileSync('ip', ['-n', ns, ...args], { encoding: 'utf8' })
}

const BRIDGE_DOC = 'interfaces:\n  - name: brapi\n    type: linux-bridge\n    state: up\n    mtu: 1400\n'

test('host state: get (JSON, YAML), diff touches nothing, apply, apply with a confirm window then rollback and commit, the journal', { skip }, async () => {
  const t = `/targets/${encodeURIComponent(lab.target)}`
  const state = await lab.req('GET', `${t}/state`)
  assert.ok(state.json.interfaces.some((i: { name: string }) => i.name === 'br0'))
  const yaml = await lab.req('GET', `${t}/state?names=br0`, { accept: 'application/yaml' })
  assert.match(yaml.text, /name: br0/)
  assert.doesNotMatch(yaml.text, /name: eth0/)

  const diff = await lab.req('POST', `${t}/diff`, { body: BRIDGE_DOC, type: 'application/yaml' })
  assert.equal(diff.status, 200, diff.text)
  assert.ok(diff.json.ops.length > 0)
  assert.ok(!linkNames(lab.ns).includes('brapi'), 'diff touched nothing')

  const pending = await lab.req('POST', `${t}/apply?confirmWithin=60`, { body: BRIDGE_DOC, type: 'application/yaml' })
  assert.equal(pending.status, 200, pending.text)
  assert.equal(pending.json.status, 'pending-confirm')
  assert.ok(linkNames(lab.ns).includes('brapi'))
  const conflict = await lab.req('POST', `${t}/apply`, { body: BRIDGE_DOC.replace('1400', '1300'), type: 'application/yaml' })
  assert.equal(conflict.status, 409, 'another transaction is open')
  const rolled = await lab.req('POST', `${t}/rollback`)
  assert.deepEqual([rolled.status, rolled.json.status], [200, 'rolled-back'])
  assert.ok(!linkNames(lab.ns).includes('brapi'), 'rolled back')

  const again = await lab.req('POST', `${t}/apply?confirmWithin=60`, { body: JSON.stringify({ interfaces: [{ name: 'brapi', type: 'linux-bridge', state: 'up' }] }), type: 'application/json' })
  assert.equal(again.json.status, 'pending-confirm', again.text)
  const committed = await lab.req('POST', `${t}/commit`)
  assert.deepEqual([committed.status, committed.json.status], [200, 'committed'])
  assert.equal((await lab.req('POST', `${t}/commit`)).status, 404, 'nothing to commit')
  const plain = await lab.req('POST', `${t}/apply`, { body: BRIDGE_DOC.replace('brapi', 'brapi2'), type: 'application/yaml' })
  assert.equal(plain.json.status, 'committed')

  const history = await lab.req('GET', `/transactions?target=${encodeURIComponent(lab.target)}&limit=10`)
  assert.deepEqual(history.json.slice(0, 3).map((x: { status: string }) => x.status), ['committed', 'committed', 'rolled-back'])
  const one = await lab.req('GET', `/transactions/${history.json[0].id}`)
  assert.ok(Array.isArray(one.json.ops) && one.json.ops.length > 0)
  assert.equal((await lab.req('GET', '/transactions/999999')).status, 404)
  const bad = await lab.req('POST', `${t}/apply`, { body: 'interfaces:\n  - name: x\n    type: linux-bridge\n    mtu: -5\n', type: 'application/yaml' })
  assert.equal(bad.status, 422)
  assert.match(bad.json.detail, /mtu/)
  const targets = await lab.req('GET', '/targets')
  const mine = targets.json.find((x: { target: string }) => x.target === lab.target)
  assert.deepEqual([mine.exists, mine.transactions > 0], [true, true])
})

test('interface definitions: define, list, dumpxml, start makes the link, stop removes it, undefine', { skip }, async () => {
  const t = `/targets/${encodeURIComponent(lab.target)}`
  const xml = "<interface type='bridge' name='brif'>\n  <start mode='none'/>\n  <bridge stp='off'/>\n</interface>\n"
  const d = await lab.req('POST', `${t}/interfaces`, { body: xml, type: XML })
  assert.deepEqual([d.status, d.json], [201, { name: 'brif', defined: true }], d.text)
  const list = await lab.req('GET', `${t}/interfaces?all=true`)
  assert.ok(list.json.some((e: { name: string; defined: boolean }) => e.name === 'brif' && e.defined))
  assert.match((await lab.req('GET', `${t}/interfaces/brif?inactive=true`, { accept: XML })).text, /<interface type='bridge' name='brif'>/)
  const started = await lab.req('POST', `${t}/interfaces/brif/start`)
  assert.equal(started.status, 200, started.text)
  assert.deepEqual(started.json.created, ['brif'])
  assert.ok(linkNames(lab.ns).includes('brif'))
  assert.match((await lab.req('GET', `${t}/interfaces/brif`)).json.xml, /name='brif'/)
  assert.equal((await lab.req('POST', `${t}/interfaces/brif/stop`)).status, 200)
  assert.ok(!linkNames(lab.ns).includes('brif'))
  assert.equal((await lab.req('DELETE', `${t}/interfaces/brif`)).status, 204)
  assert.equal((await lab.req('DELETE', `${t}/interfaces/brif`)).status, 404)
})

test('OVS of a target without one: 503 (missing dependency) naming it', { skip }, async () => {
  const r = await lab.req('GET', `/targets/${encodeURIComponent(lab.target)}/ovs`)
  assert.equal(r.status, 503, r.text)
  assert.equal(r.json.kind, 'dependency')
})
