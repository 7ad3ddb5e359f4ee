/**
 * The net-port-* verbs end to end (./bin/hostnet in a lab namespace, acceptance issue 6 A point 5):
 * net-port-create from a `<networkport>` file and from a domain `<interface>` (--interface), net-port-list (text and
 * --json), net-port-dumpxml (byte-exact `<networkport>`; --domain-interface: the status `<interface>` with
 * `<actual>`), net-port-delete; and bad input: each refused with a typed error (exit code by kind, --json error
 * naming the port/network/field) before anything changed: the live network XML (connection counts), the port list
 * and the namespace's links are the same afterwards.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { canUseNetns, leakedNetns } from '../helpers/netns.js'
import { runCli, type CliResult } from '../engine/cli-helpers.js'
import { directXml, ip, linkDetails, links, PortLab, portXml } from './port-lab.js'

const skip = !canUseNetns() ? 'needs root and ip netns' : false
let lab: PortLab

before(async () => {
  if (skip !== false) return
  lab = await PortLab.open({ poolSize: 3 })
  ip(lab.host, 'link', 'add', 'lanbr', 'type', 'bridge')
  ip(lab.host, 'link', 'set', 'lanbr', 'up')
  await lab.network(`<network><name>lan</name><forward mode='bridge'/><bridge name='lanbr'/>
    <portgroup name='fast' default='yes' trustGuestRxFilters='yes'/>
    <portgroup name='web' trustGuestRxFilters='no'/>
    <portgroup name='slow'><bandwidth><inbound average='1000'/></bandwidth></portgroup></network>`)
  await lab.network(directXml('vq', 'vepa', ['eth0'], ''))
  // the network's 802.1Qbg profile: a port may add to it but not contradict it
  await lab.network(`<network><name>vqbg</name><forward mode='vepa'><interface dev='eth1'/></forward>
    <virtualport type='802.1Qbg'><parameters managerid='11' typeid='1193047' typeidversion='2'/></virtualport></network>`)
  await lab.network(directXml('pt', 'passthrough', ['eth2']))
  await lab.lab.driver.define(lab.target, directXml('down', 'vepa', ['eth0']))
})

after(async () => {
  if (skip === false) {
    await lab.close()
    assert.deepEqual(leakedNetns(), [])
  }
})

let fileNo = 0
function file(text: string): string {
  const p = join(lab.dir, `in-${fileNo++}.xml`)
  writeFileSync(p, text)
  return p
}

function cli(args: readonly string[]): Promise<CliResult> {
  return runCli([...args, '--netns', lab.host, '--state-dir', lab.dir])
}

const uuid = (n: number): string => `${(0xc0000000 + n).toString(16)}-0000-4000-8000-0000000000${n.toString(16).padStart(2, '0')}`
const mac = (n: number): string => `52:54:00:00:02:${n.toString(16).padStart(2, '0')}`

/** What must not change when a command is refused. */
function snapshot(): { links: string[]; nets: string[]; ports: string[] } {
  const nets = ['lan', 'vq', 'vqbg', 'pt'].map((n) => lab.lab.driver.dumpXml(lab.target, n))
  const ports = ['lan', 'vq', 'vqbg', 'pt'].flatMap((n) => lab.ports.list(lab.target, n).map((p) => `${n}/${p.uuid}/${p.status}`))
  return { links: links(lab.host), nets, ports }
}

interface JsonError {
  error: { kind: string; message: string; details?: { object?: string; network?: string; field?: string } }
}

/** Run a refused command with --json: its exit code, and its error; nothing changed. */
async function refused(args: readonly string[], code: number): Promise<JsonError['error']> {
  const before = snapshot()
  const res = await cli([...args, '--json'])
  assert.equal(res.code, code, `exit code of ${args.join(' ')}: ${res.stdout}${res.stderr}`)
  const err = (JSON.parse(res.stdout) as JsonError).error
  assert.deepEqual(snapshot(), before, 'nothing changed: links, connection counts, ports')
  const text = await cli(args)
  assert.equal(text.code, code)
  assert.equal(text.stderr, `error: ${err.message}\n`)
  return err
}

test('net-port-create from a <networkport> file: list, list --json, dumpxml byte-exact, delete', { skip }, async () => {
  const u = uuid(1)
  const res = await cli(['net-port-create', 'lan', file(portXml({ uuid: u, mac: mac(1), owner: 'vm1', group: 'web' }))])
  assert.equal(res.code, 0, res.stderr)
  const dev = `hnp${u.replace(/-/g, '').slice(0, 12)}`
  assert.equal(res.stdout, `Network port ${u} created from ${join(lab.dir, 'in-0.xml')} (device ${dev})\n`)
  const d = linkDetails(lab.host).get(dev)
  assert.equal(d?.kind, 'tun')
  assert.equal(d?.master, 'lanbr')
  assert.equal(d?.mac, 'fe:54:00:00:02:01', "libvirt's tap MAC: the guest's with 0xfe first")
  const dump = await cli(['net-port-dumpxml', 'lan', u])
  assert.equal(dump.code, 0, dump.stderr)
  assert.equal(
    dump.stdout,
    `<networkport>
  <uuid>${u}</uuid>
  <owner>
    <name>vm1</name>
    <uuid>aaaaaaaa-0000-4000-8000-000000000001</uuid>
  </owner>
  <group>web</group>
  <mac address='52:54:00:00:02:01'/>
  <rxfilters trustGuest='no'/>
  <plug type='bridge' bridge='lanbr'/>
</networkport>
`,
  )
  const list = await cli(['net-port-list', 'lan'])
  assert.equal(list.code, 0, list.stderr)
  assert.match(list.stdout, /^UUID\s+Owner\s+MAC\s+Plug\s+Device\s+Status\n/)
  assert.match(list.stdout, new RegExp(`${u}\\s+vm1\\s+52:54:00:00:02:01\\s+bridge lanbr\\s+${dev}\\s+plugged\\n`))
  const json = JSON.parse((await cli(['net-port-list', 'lan', '--json'])).stdout) as Array<{ uuid: string; status: string; device: string; mac: string; plug: unknown }>
  assert.deepEqual(
    json.map((p) => [p.uuid, p.status, p.device, p.mac, p.plug]),
    [[u, 'plugged', dev, mac(1), { type: 'bridge', bridge: 'lanbr' }]],
  )
  const del = await cli(['net-port-delete', 'lan', u])
  assert.equal(del.code, 0, del.stderr)
  assert.equal(del.stdout, `Network port ${u} deleted\n`)
  assert.equal(linkDetails(lab.host).has(dev), false)
  assert.deepEqual(JSON.parse((await cli(['net-port-list', 'lan', '--json'])).stdout), [])
  const again = await refused(['net-port-delete', 'lan', u], 3)
  assert.equal(again.kind, 'not-found')
  assert.match(again.message, new RegExp(u))
})

test('net-port-create --interface from a domain <interface>; dumpxml --domain-interface has <actual>', { skip }, async () => {
  const iface = `<interface type='network'>
  <mac address='52:54:00:00:02:02'/>
  <source network='vq'/>
  <model type='virtio'/>
</interface>
`
  const res = await cli(['net-port-create', 'vq', file(iface), '--interface', '--domain', 'vm2', '--domain-uuid', 'bbbbbbbb-0000-4000-8000-000000000002', '--json'])
  assert.equal(res.code, 0, res.stderr)
  const created = JSON.parse(res.stdout) as { uuid: string; device: string; owner: { name: string; uuid: string }; plug: unknown }
  assert.deepEqual(created.owner, { name: 'vm2', uuid: 'bbbbbbbb-0000-4000-8000-000000000002' })
  assert.deepEqual(created.plug, { type: 'direct', dev: 'eth0', mode: 'vepa' })
  const d = linkDetails(lab.host).get(created.device)
  assert.deepEqual([d?.kind, d?.link, d?.mode, d?.mac], ['macvtap', 'eth0', 'vepa', mac(2)])
  const port = await cli(['net-port-dumpxml', 'vq', created.uuid])
  assert.equal(
    port.stdout,
    `<networkport>
  <uuid>${created.uuid}</uuid>
  <owner>
    <name>vm2</name>
    <uuid>bbbbbbbb-0000-4000-8000-000000000002</uuid>
  </owner>
  <mac address='52:54:00:00:02:02'/>
  <plug type='direct' dev='eth0' mode='vepa'/>
</networkport>
`,
  )
  const status = await cli(['net-port-dumpxml', 'vq', created.uuid, '--domain-interface'])
  assert.equal(status.code, 0, status.stderr)
  assert.equal(
    status.stdout,
    `<interface type='network'>
  <mac address='52:54:00:00:02:02'/>
  <source network='vq' portid='${created.uuid}'/>
  <actual type='direct'>
    <source dev='eth0' mode='vepa'/>
  </actual>
  <target dev='${created.device}'/>
  <model type='virtio'/>
</interface>
`,
  )
  assert.match(lab.lab.driver.dumpXml(lab.target, 'vq'), /<interface dev='eth0' connections='1'\/>/)
  assert.equal((await cli(['net-port-delete', 'vq', created.uuid])).code, 0)
  assert.doesNotMatch(lab.lab.driver.dumpXml(lab.target, 'vq'), /connections=/)
  assert.equal(linkDetails(lab.host).has(created.device), false)
})

test('an unknown portgroup is no portgroup (libvirt accepts it; the default is not applied)', { skip }, async () => {
  const u = uuid(3)
  const res = await cli(['net-port-create', 'lan', file(portXml({ uuid: u, mac: mac(3), group: 'nosuch' })), '--no-plug'])
  assert.equal(res.code, 0, res.stderr)
  const dump = (await cli(['net-port-dumpxml', 'lan', u])).stdout
  assert.match(dump, /<group>nosuch<\/group>/)
  assert.doesNotMatch(dump, /<rxfilters/, "neither 'nosuch' nor the default 'fast' applied")
  // without a group the default portgroup applies
  const v = uuid(4)
  assert.equal((await cli(['net-port-create', 'lan', file(portXml({ uuid: v, mac: mac(4) })), '--no-plug'])).code, 0)
  assert.match((await cli(['net-port-dumpxml', 'lan', v])).stdout, /<rxfilters trustGuest='yes'\/>/)
  assert.deepEqual(
    lab.ports.list(lab.target, 'lan').map((p) => [p.uuid, p.status, p.device]),
    [[u, 'allocated', undefined], [v, 'allocated', undefined]],
    '--no-plug: allocation only',
  )
  for (const x of [u, v]) assert.equal((await cli(['net-port-delete', 'lan', x])).code, 0)
})

test('refused: unknown network', { skip }, async () => {
  const err = await refused(['net-port-create', 'nosuch', file(portXml({ uuid: uuid(5), mac: mac(5) }))], 3)
  assert.equal(err.kind, 'not-found')
  assert.match(err.message, /'nosuch'/)
  assert.equal((await refused(['net-port-list', 'nosuch'], 3)).kind, 'not-found')
})

test('refused: a port for a stopped network', { skip }, async () => {
  const u = uuid(6)
  const err = await refused(['net-port-create', 'down', file(portXml({ uuid: u, mac: mac(6) }))], 4)
  assert.equal(err.kind, 'conflict')
  assert.match(err.message, new RegExp(`network port '${u}'.*network 'down' is not active`))
  assert.deepEqual([err.details?.network, err.details?.field], ['down', '/network'])
})

test('refused: a virtualport type the forward mode does not allow', { skip }, async () => {
  const u = uuid(7)
  const qbg = `\n  <virtualport type='802.1Qbg'>\n    <parameters managerid='11' typeid='1193047' typeidversion='2' instanceid='09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f'/>\n  </virtualport>`
  const err = await refused(['net-port-create', 'lan', file(portXml({ uuid: u, mac: mac(7), extra: qbg }))], 5)
  assert.match(err.message, new RegExp(`network port '${u}'`))
  assert.match(err.message, /802\.1Qbg/)
  assert.deepEqual([err.details?.network, err.details?.field], ['lan', '/networkport/virtualport/@type'])
  const ovs = `\n  <virtualport type='openvswitch'/>`
  const err2 = await refused(['net-port-create', 'vq', file(portXml({ uuid: uuid(8), mac: mac(8), extra: ovs }))], 5)
  assert.match(err2.message, /openvswitch/)
  assert.deepEqual([err2.details?.network, err2.details?.field], ['vq', '/networkport/virtualport/@type'])
})

test('refused: virtualport parameters that contradict the network profile', { skip }, async () => {
  const u = uuid(9)
  const vp = `\n  <virtualport type='802.1Qbg'>\n    <parameters managerid='12'/>\n  </virtualport>`
  const err = await refused(['net-port-create', 'vqbg', file(portXml({ uuid: u, mac: mac(9), extra: vp }))], 2)
  assert.match(err.message, new RegExp(`network port '${u}'`))
  assert.match(err.message, /managerid/)
  assert.deepEqual([err.details?.network, err.details?.field], ['vqbg', '/networkport/virtualport/parameters/@managerid'])
  // the same parameters, or only missing ones, are fine (allocation only: plugging would associate through an
  // lldpad, which test/vdp/qbg-lldpad.test.ts runs)
  const ok = `\n  <virtualport type='802.1Qbg'>\n    <parameters managerid='11'/>\n  </virtualport>`
  const res = await cli(['net-port-create', 'vqbg', file(portXml({ uuid: uuid(10), mac: mac(10), extra: ok })), '--no-plug', '--json'])
  assert.equal(res.code, 0, res.stdout + res.stderr)
  assert.match((await cli(['net-port-dumpxml', 'vqbg', uuid(10)])).stdout, /<parameters managerid='11' typeid='1193047' typeidversion='2' instanceid='[0-9a-f-]{36}'\/>/)
  assert.equal((await cli(['net-port-delete', 'vqbg', uuid(10)])).code, 0)
})

test('refused: the second port of an exhausted exclusive (passthrough) pool', { skip }, async () => {
  const first = await cli(['net-port-create', 'pt', file(portXml({ uuid: uuid(11), mac: mac(11) })), '--json'])
  assert.equal(first.code, 0, first.stderr)
  const dev = (JSON.parse(first.stdout) as { device: string }).device
  assert.equal(linkDetails(lab.host).get(dev)?.mode, 'passthru')
  assert.equal(linkDetails(lab.host).get('eth2')?.mac, mac(11), "passthrough gives the pool interface the guest's MAC")
  const u = uuid(12)
  const err = await refused(['net-port-create', 'pt', file(portXml({ uuid: u, mac: mac(12) }))], 4)
  assert.match(err.message, new RegExp(`network port '${u}'`))
  assert.equal(err.details?.network, 'pt')
  assert.match(err.details?.field ?? '', /^\/network\/forward/)
  assert.equal((await cli(['net-port-delete', 'pt', uuid(11)])).code, 0)
  assert.notEqual(linkDetails(lab.host).get('eth2')?.mac, mac(11), "the pool interface's own MAC is back")
})

test('refused: a new port with a <plug> (without --reclaim), and malformed XML', { skip }, async () => {
  const u = uuid(13)
  const plug = `\n  <plug type='direct' dev='eth0' mode='vepa'/>`
  const err = await refused(['net-port-create', 'vq', file(portXml({ uuid: u, mac: mac(13), extra: plug }))], 2)
  assert.match(err.message, new RegExp(`network port '${u}'`))
  assert.equal(err.details?.field, '/networkport/plug')
  const bad = await refused(['net-port-create', 'vq', file(`<networkport><uuid>${uuid(14)}</uuid><mac address='zz'/></networkport>`)], 2)
  assert.equal(bad.kind, 'invalid-argument')
})

/** Whether this kernel has the sfq qdisc (libvirt's leaf under each htb class); this VM's kernel has not. */
async function kernelHasSfq(): Promise<boolean> {
  ip(lab.host, 'link', 'add', 'sfqa', 'type', 'veth', 'peer', 'name', 'sfqb')
  try {
    const r = spawnSync('ip', ['netns', 'exec', lab.host, 'tc', 'qdisc', 'add', 'dev', 'sfqa', 'root', 'sfq'], { stdio: 'ignore' })
    return r.status === 0
  } finally {
    ip(lab.host, 'link', 'delete', 'sfqa')
  }
}

test('bandwidth from a portgroup: the tap is shaped, or (no sfq in this kernel) the create fails and leaves nothing', { skip }, async () => {
  const u = uuid(15)
  const dev = `hnp${u.replace(/-/g, '').slice(0, 12)}`
  const args = ['net-port-create', 'lan', file(portXml({ uuid: u, mac: mac(15), group: 'slow' }))]
  if (await kernelHasSfq()) {
    assert.equal((await cli(args)).code, 0)
    assert.match((await cli(['net-port-dumpxml', 'lan', u])).stdout, /<bandwidth>\n {4}<inbound average='1000'\/>/)
    const q = spawnSync('ip', ['netns', 'exec', lab.host, 'tc', 'qdisc', 'show', 'dev', dev], { encoding: 'utf8' }).stdout
    assert.match(q, /qdisc htb 1: root/)
    assert.equal((await cli(['net-port-delete', 'lan', u])).code, 0)
    return
  }
  const err = await refused(args, 1)
  assert.equal(err.kind, 'backend-failure')
  assert.equal(linkDetails(lab.host).has(dev), false, 'the half-plugged tap was removed')
})
